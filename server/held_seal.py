"""Held notices sealed again only when what is held changes, not for every board.

The notices (retro.screening) are most of a board before the reveal. Sealed once per change to the held
items, under a fresh nonce with fresh decoys, they stay the same from one version to the next, so patches
leave them out. Every phone still gets the same list, and only an item's author can open its notice. What
any phone can now see is when the list was sealed again: that the facilitator held or released something,
or an author rewrote or withdrew a held item; never which item, whose, or (up to NOTICE_SLOTS) how many.
"""

from retro.screening import HeldNotice, held_notices, new_nonce
from retro.state import RetroState

_Held = tuple[bool, tuple[tuple[str, str], ...]]


class HeldSeal:
    def __init__(self) -> None:
        self._sealed_for: _Held | None = None
        self._nonce = ""
        self._notices: tuple[HeldNotice, ...] = ()

    def notices(self, state: RetroState) -> tuple[str, tuple[HeldNotice, ...]]:
        """The nonce and the notices for this state: the last ones, unless what is held has changed."""
        held: _Held = (state.revealed, tuple(sorted(state.held.items())))
        if held != self._sealed_for:
            self._sealed_for, self._nonce = held, new_nonce()
            self._notices = held_notices(state, self._nonce)
        return self._nonce, self._notices
