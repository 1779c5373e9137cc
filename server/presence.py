"""Presence: how many phones are joined now, and how far along they are. Counts only, kept in memory."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Presence:
    joined: int = 0
    """Phones joined now: distinct participants, however many tabs each has open."""
    written: int = 0
    """Of the phones joined now, how many have written at least one item."""
    voted: int = 0
    """Of the phones joined now, how many have at least one dot on the board."""

    @classmethod
    def of(cls, joined: set[str], written: set[str], voted: set[str]) -> "Presence":
        """Counted from ballots; a ballot that wrote or voted and then left no longer counts."""
        return cls(joined=len(joined), written=len(joined & written), voted=len(joined & voted))


PresenceListener = Callable[[Presence], None]
