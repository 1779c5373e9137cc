"""Reusable widgets: each shows what it is given and knows nothing of the screen it sits in."""
