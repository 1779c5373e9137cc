"""The retros one server hosts: each a room with its own session, join token, facilitator key and fan-out.

Rooms load on demand, by a join token a phone brings or by the id a facilitator names. An open retro's room
stays loaded; an ended one is let go once nobody is connected to it. One retro's hub only ever reaches its
own connections.
"""

import asyncio
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from retro.events import Event, JoinTokenRotated
from retro.launch import resume_session
from retro.session import Session
from retro.store import EventStore
from server.held_seal import RESEAL_SECONDS
from server.hub import Hub

logger = logging.getLogger("retro.server")


@dataclass
class Room:
    session: Session
    hub: Hub
    retired_tokens: set[str] = field(default_factory=set)
    """Replaced links: their page still opens, to say so; phones already in may reconnect through them."""
    task: asyncio.Task[None] | None = None

    @property
    def retro_id(self) -> str:
        return self.session.record.retro_id

    @property
    def team(self) -> str:
        return self.session.state.team

    @property
    def is_open(self) -> bool:
        return not self.session.state.ended


class Rooms:
    def __init__(self, store: EventStore, reseal_seconds: float = RESEAL_SECONDS) -> None:
        self.store = store
        self.reseal_seconds = reseal_seconds
        """How often held notices are sealed again before the reveal (server.held_seal)."""
        self._by_id: dict[str, Room] = {}
        self._by_token: dict[str, str] = {}
        self._running = False
        self._listeners: list[Callable[[Room], None]] = []
        self.home: Room | None = None
        """The retro this process was started for (`retro host`, `retro serve --title`): it stays loaded."""

    def __iter__(self) -> Iterator[Room]:
        return iter(list(self._by_id.values()))

    def __len__(self) -> int:
        return len(self._by_id)

    def on_room(self, listener: Callable[[Room], None]) -> None:
        """Called for each room as it opens, and for the rooms already open."""
        self._listeners.append(listener)
        for room in self._by_id.values():
            listener(room)

    def add(self, session: Session) -> Room:
        known = self._by_id.get(session.record.retro_id)
        if known is not None:
            return known
        hub = Hub(session, self.reseal_seconds)
        room = Room(session, hub, self.store.retired_tokens(session.record.retro_id))
        self._by_id[room.retro_id] = room
        self._index(room)
        session.subscribe(lambda events: self._after(room, events))
        if self._running:
            self._start(room)
        for listener in self._listeners:
            listener(room)
        return room

    def by_id(self, retro_id: str) -> Room | None:
        """The retro's room, loaded from the store if it is not yet."""
        room = self._by_id.get(retro_id)
        if room is not None:
            return room
        record = self.store.record(retro_id)
        return self.add(resume_session(self.store, record)) if record is not None else None

    def by_token(self, token: str) -> Room | None:
        """The room a join link leads to, by its current token or a replaced one. An open retro is loaded from
        the store if need be (after a restart); an ended one only answers while its room is still held."""
        if not token:
            return None
        retro_id = self._by_token.get(token)
        if retro_id is not None:
            return self._by_id[retro_id]
        record = self.store.retro_for_token(token)
        if record is None or record.closed:
            return None  # an ended retro's link closes once its room has let go: its board is not served on
        return self.by_id(record.retro_id)

    def is_open(self, retro_id: str) -> bool:
        room = self._by_id.get(retro_id)
        if room is not None:
            return room.is_open
        record = self.store.record(retro_id)
        return record is not None and not record.closed

    def discard(self, retro_id: str) -> None:
        """Let go of an ended retro's room, before its raw events are forgotten."""
        room = self._by_id.pop(retro_id, None)
        if room is None:
            return
        if room.task is not None:
            room.task.cancel()
        for token in (room.session.join_token, *room.retired_tokens):
            self._by_token.pop(token, None)

    def let_go_if_done(self, room: Room) -> None:
        """An ended retro nobody is connected to leaves memory, and its link closes: a phone that comes back
        later keeps its ended page and is told that the link has closed."""
        if not room.is_open and room.hub.is_empty and room is not self.home:
            self.discard(room.retro_id)

    def open_for_team(self, team: str) -> list[str]:
        """The ids of the team's retros that have not ended, oldest first."""
        return [record.retro_id for record in self.store.open_retros(team)]

    def catch_up(self) -> None:
        """Every room applies what other processes appended to its retro (server.doorbell)."""
        for room in list(self._by_id.values()):
            try:
                room.session.catch_up()
            except Exception as unexpected:  # one line; the room reads its retro again from the store
                logger.warning("A room met an unexpected %s catching up.", type(unexpected).__name__)
                room.session.reload()

    def start(self) -> None:
        self._running = True
        for room in self._by_id.values():
            self._start(room)

    def stop(self) -> None:
        self._running = False
        for room in self._by_id.values():
            if room.task is not None:
                room.task.cancel()
                room.task = None

    def _start(self, room: Room) -> None:
        if room.task is None:
            room.task = asyncio.create_task(room.hub.run(), name=f"retro-hub-{room.retro_id}")

    def _index(self, room: Room) -> None:
        for token in (room.session.join_token, *room.retired_tokens):
            self._by_token[token] = room.retro_id

    def _after(self, room: Room, events: list[Event]) -> None:
        if any(isinstance(event, JoinTokenRotated) for event in events):
            room.retired_tokens = self.store.retired_tokens(room.retro_id)
            self._index(room)
