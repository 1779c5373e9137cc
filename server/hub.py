"""Fan-out: after a change, mark views dirty and flush at most every FLUSH_SECONDS.

Each distinct view is computed and serialised once and sent to every connection that shares it.
Presence (server.presence) is computed here, from ballots kept in memory only.
"""

import asyncio

from websockets.asyncio.server import ServerConnection, broadcast

from retro.events import (
    BallotsErased,
    CheckInAnswered,
    Event,
    PhaseChanged,
    RotiAnswered,
    VoteCast,
    VoteRetracted,
)
from retro.screening import held_notices, new_nonce
from retro.session import Session
from retro.views import board_view, facilitator_view, private_view
from server.presence import Presence, PresenceListener
from server.protocol import BoardMessage, FacilitatorMessage, PrivateMessage

FLUSH_SECONDS = 0.05


class Hub:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._participants: dict[ServerConnection, str | None] = {}
        """Each phone's connection and its ballot pseudonym (None for a phone that joined after the end)."""
        self._facilitators: set[ServerConnection] = set()
        self._written: set[str] = set()
        self._dirty = asyncio.Event()
        self._dirty_ballots: set[str] = set()
        self._all_ballots_dirty = False
        self._presence_listeners: list[PresenceListener] = []
        self._known: set[str] = session.known_phones()
        """Phones that have joined: they stay in when joining is locked or the link is rotated."""
        session.subscribe(self._on_events)

    @property
    def phones_in(self) -> int:
        """What the cap on phones counts: phones joined now, and each connection that joined after the end."""
        late = sum(1 for ballot in self._participants.values() if ballot is None)
        return len(self._joined()) + late

    @property
    def presence(self) -> Presence:
        return Presence.of(self._joined(), self._written, self.session.voters())

    @property
    def join_path(self) -> str:
        return f"/j/{self.session.join_token}"

    @property
    def is_empty(self) -> bool:
        """No phone and no facilitator is connected."""
        return not self._participants and not self._facilitators

    def is_known(self, ballot: str) -> bool:
        return ballot in self._known

    def on_presence(self, listener: PresenceListener) -> None:
        self._presence_listeners.append(listener)

    def remember_phone(self, ballot: str) -> None:
        """Known from now on, on disk too: a phone in stays in after a restart, a lock or a new link."""
        if ballot not in self._known:
            self.session.remember_phone(ballot)
            self._known.add(ballot)

    def add_participant(self, connection: ServerConnection, ballot: str | None, wrote: bool = False) -> None:
        if ballot is not None:
            self.remember_phone(ballot)
        self._participants[connection] = ballot
        if wrote and ballot is not None:
            self._written.add(ballot)
        self._presence_changed()

    def mark_written(self, ballot: str) -> None:
        if ballot not in self._written:
            self._written.add(ballot)
            self._presence_changed()

    def add_facilitator(self, connection: ServerConnection) -> None:
        self._facilitators.add(connection)

    def remove(self, connection: ServerConnection) -> None:
        self._facilitators.discard(connection)
        if self._participants.pop(connection, "absent") != "absent":
            self._presence_changed()

    def board_json(self) -> str:
        state = self.session.state
        nonce = new_nonce()
        return BoardMessage(
            board=board_view(state),
            server_time=self.session.clock(),
            join_path=self.join_path,
            notice_nonce=nonce,
            held_notices=held_notices(state, nonce),
        ).model_dump_json()

    def private_json(self, ballot: str) -> str:
        return PrivateMessage(private=private_view(self.session.state, ballot)).model_dump_json()

    def facilitator_json(self) -> str:
        presence = self.presence
        return FacilitatorMessage(
            view=facilitator_view(self.session.state),
            server_time=self.session.clock(),
            join_path=self.join_path,
            phones=presence.joined,
            phones_written=presence.written,
            phones_voted=presence.voted,
        ).model_dump_json()

    async def run(self) -> None:
        while True:
            await self._dirty.wait()
            await asyncio.sleep(FLUSH_SECONDS)
            self._dirty.clear()
            self.flush()

    def flush(self) -> None:
        broadcast(self._participants, self.board_json())
        if self._facilitators:
            broadcast(self._facilitators, self.facilitator_json())
        self._flush_private()

    def _joined(self) -> set[str]:
        return {ballot for ballot in self._participants.values() if ballot is not None}

    def _flush_private(self) -> None:
        if self.session.closed:
            return
        by_ballot: dict[str, list[ServerConnection]] = {}
        for connection, ballot in self._participants.items():
            if ballot is not None and (self._all_ballots_dirty or ballot in self._dirty_ballots):
                by_ballot.setdefault(ballot, []).append(connection)
        for ballot, connections in by_ballot.items():
            broadcast(connections, self.private_json(ballot))
        self._dirty_ballots.clear()
        self._all_ballots_dirty = False

    def _on_events(self, events: list[Event]) -> None:
        if any(isinstance(event, VoteCast | VoteRetracted) for event in events):
            self._presence_changed()
        for event in events:
            if isinstance(event, VoteCast | VoteRetracted | CheckInAnswered | RotiAnswered):
                self._dirty_ballots.add(event.ballot)
            elif isinstance(event, PhaseChanged | BallotsErased):
                self._all_ballots_dirty = True
        self._dirty.set()

    def _presence_changed(self) -> None:
        if self._presence_listeners:
            presence = self.presence
            for listener in self._presence_listeners:
                listener(presence)
        self._dirty.set()
