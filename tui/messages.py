"""App-wide messages: the retro changed, or the number of phones did."""

from dataclasses import dataclass

from textual.message import Message


@dataclass
class RetroChanged(Message):
    """Something in the retro's state changed; screens re-read the facilitator view."""


@dataclass
class PhonesChanged(Message):
    phones: int
