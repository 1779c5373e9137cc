"""One panel per phase, the body of the board while the retro is in that phase, and the text they share."""
