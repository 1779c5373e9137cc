"""Exports of a retro's outcome. None carries an author, a pseudonym or a time of writing."""
