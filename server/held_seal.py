"""Held notices sealed again on a schedule before the reveal, never at the moment of a hold.

The notices (retro.screening) are most of a board before the reveal. They are sealed again, under a fresh
nonce with fresh decoys, every RESEAL_SECONDS while there is anything to write (the hub's clock rings
`reseal_due`), whatever is held or not: so patches leave them out in between, and a phone that reads the raw
messages cannot tell whether, or when, anything was held, rewritten or withdrawn. A hold reaches its author's
phone at the next reseal. Every phone gets the same list, and only an item's author can open its notice.
Once the items are revealed, the notices follow what is held at once: there is nothing left to hide then.
"""

from retro.screening import HeldNotice, held_notices, new_nonce
from retro.state import RetroState

_Held = tuple[bool, tuple[tuple[str, str], ...]]


RESEAL_SECONDS = 30.0


class HeldSeal:
    def __init__(self) -> None:
        self._sealed_for: _Held | None = None
        self._nonce = ""
        self._notices: tuple[HeldNotice, ...] = ()
        self.reseal_due = False
        """Set by the hub's clock: the next board seals the notices again, from what is held then."""

    def notices(self, state: RetroState) -> tuple[str, tuple[HeldNotice, ...]]:
        """The nonce and the notices for this state: the last ones, unless a reseal is due, the items have
        just been revealed, or (after the reveal) what is held has changed."""
        held: _Held = (state.revealed, tuple(sorted(state.held.items())))
        sealed = self._sealed_for
        first = sealed is None or sealed[0] != state.revealed
        if first or self.reseal_due or (state.revealed and held != sealed):
            self._sealed_for, self._nonce = held, new_nonce()
            self._notices = held_notices(state, self._nonce)
        self.reseal_due = False
        return self._nonce, self._notices
