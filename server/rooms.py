"""The retros one server hosts: each a room with its own session, join token, facilitator key and fan-out.

Rooms load on demand, by a join token a phone brings or by the id a facilitator names, and stay loaded while
the server runs. One retro's hub only ever reaches its own connections.
"""

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from retro.events import Event, JoinTokenRotated
from retro.launch import resume_session
from retro.session import Session
from retro.store import EventStore
from server.hub import Hub


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
    def __init__(self, store: EventStore) -> None:
        self.store = store
        self._by_id: dict[str, Room] = {}
        self._by_token: dict[str, str] = {}
        self._running = False
        self._listeners: list[Callable[[Room], None]] = []

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
        room = Room(session, Hub(session), self.store.retired_tokens(session.record.retro_id))
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
        """The room a join link leads to, by its current token or a replaced one."""
        if not token:
            return None
        retro_id = self._by_token.get(token)
        if retro_id is not None:
            return self._by_id[retro_id]
        record = self.store.retro_for_token(token)
        return self.by_id(record.retro_id) if record is not None else None

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

    def open_for_team(self, team: str) -> list[str]:
        """The ids of the team's retros that have not ended, oldest first."""
        return [record.retro_id for record in self.store.open_retros(team)]

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
