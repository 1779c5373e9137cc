"""Presence: how many phones are joined now, and how far along they are. Counts only, kept in memory."""

from collections.abc import Callable, Collection
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
    def of(cls, joined: Collection[str], written: set[str], voted: set[str]) -> "Presence":
        """Counted from ballots; a ballot that wrote or voted and then left no longer counts. Only the
        writers and voters are gone through, so a join costs the same however many phones are in."""
        return cls(
            joined=len(joined),
            written=sum(1 for ballot in written if ballot in joined),
            voted=sum(1 for ballot in voted if ballot in joined),
        )


PresenceListener = Callable[[Presence], None]
