"""Presence across processes: each process serving a shared store keeps, in it, which phones it has
connected to each retro (by pseudonym, and whether each wrote), and beats every HEARTBEAT_SECONDS. A
facilitator's counts then take in every process's phones; the rows of a process not seen for EXPIRY_BEATS
beats (killed, or cut off) are ignored, and a process that stops cleanly takes its rows away.

A process alone on its store writes no phone at all, only its heartbeat: nobody else would read them. Once
another process beats, each hub writes what it has (server.hub), coalesced with its fan-out."""

import asyncio
import logging
import secrets
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Protocol

from retro.store import EventStore

HEARTBEAT_SECONDS = 1.0
EXPIRY_BEATS = 3

logger = logging.getLogger("retro.server")


class SharingHub(Protocol):
    def presence_sharing_changed(self) -> None: ...

    def refresh_others(self) -> None: ...


class SharedPresence:
    def __init__(
        self,
        store: EventStore,
        hubs: Callable[[], Iterable[SharingHub]],
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
    ) -> None:
        self.store = store
        self.process_id = secrets.token_hex(8)
        """This process, among those serving the store: random, and nothing about any machine."""
        self.heartbeat_seconds = heartbeat_seconds
        self.others_alive = False
        """Whether another process has beaten lately: only then are phones written."""
        self._hubs = hubs
        """The hubs of the rooms open now."""

    @property
    def expiry_seconds(self) -> float:
        return self.heartbeat_seconds * EXPIRY_BEATS

    def put(self, retro_id: str, present: Mapping[str, bool], gone: Collection[str]) -> None:
        self.store.presence.put(retro_id, self.process_id, present, gone)

    def others(self, retro_id: str) -> dict[str, bool]:
        return self.store.presence.others(retro_id, self.process_id, self.expiry_seconds)

    def refresh(self) -> None:
        """After a ring: every hub with facilitators reads the other processes' phones again."""
        for hub in list(self._hubs()):
            hub.refresh_others()

    async def run(self) -> None:
        """Until cancelled: beat, see whether anyone else does, and read the others again (their expiry)."""
        while True:
            try:
                self.beat()
            except Exception as unexpected:  # the store out of reach: one line, and beat again later
                logger.warning("Presence could not be shared (%s); trying again.", type(unexpected).__name__)
            await asyncio.sleep(self.heartbeat_seconds)

    def beat(self) -> None:
        self.store.presence.beat(self.process_id)
        alive = bool(self.store.presence.live_processes(self.expiry_seconds) - {self.process_id})
        if alive != self.others_alive:
            self.others_alive = alive
            for hub in list(self._hubs()):
                hub.presence_sharing_changed()
        self.refresh()

    def for_retro(self, retro_id: str) -> "RetroShare":
        return RetroShare(self, retro_id)

    def stop(self) -> None:
        """A clean stop: this process's phones are counted out everywhere at once."""
        try:
            self.store.presence.forget_process(self.process_id)
        except Exception as unexpected:  # they expire by themselves
            logger.warning("Presence could not be taken back (%s).", type(unexpected).__name__)


class RetroShare:
    """One retro's phones in the shared store, as one hub sees them: what this process last wrote of its
    own, and the other processes' phones as last read back."""

    def __init__(self, sharing: SharedPresence, retro_id: str) -> None:
        self.sharing = sharing
        self.retro_id = retro_id
        self.others: dict[str, bool] = {}
        """The phones other processes have connected to this retro (pseudonym: wrote), while watched here."""
        self._written: dict[str, bool] = {}
        """What the shared store holds of this hub's own phones."""

    def read_others(self, watched: bool) -> bool:
        """Read the others' phones again (none while no facilitator here watches); whether they changed.
        With the store out of reach, the last count stands until the next read."""
        others: dict[str, bool] = {}
        if watched:
            try:
                others = self.sharing.others(self.retro_id)
            except Exception as unexpected:
                logger.warning("Presence could not be read (%s).", type(unexpected).__name__)
                return False
        if others == self.others:
            return False
        self.others = others
        return True

    def write(self, joined: Iterable[str], written: Collection[str], ended: bool) -> bool:
        """What changed of this hub's phones (joined now, and whether each wrote) since the last write; all
        of them go once no other process beats, or the retro has ended. False when the store could not take
        it: write again with the next change."""
        shared = self.sharing.others_alive and not ended
        target = {ballot: ballot in written for ballot in joined} if shared else {}
        present = {ballot: wrote for ballot, wrote in target.items() if self._written.get(ballot) != wrote}
        gone = [ballot for ballot in self._written if ballot not in target]
        if not present and not gone:
            return True
        try:
            self.sharing.put(self.retro_id, present, gone)
        except Exception as unexpected:
            logger.warning("Presence could not be shared (%s).", type(unexpected).__name__)
            return False
        self._written = target
        return True
