"""Fan-out: after a change, mark views dirty and flush at most every FLUSH_SECONDS.

Each distinct view is computed and serialised once and sent to every connection that shares it.
Presence (phones joined, phones that have written) is kept in memory only, as counts' raw material.
"""

import asyncio
from collections.abc import Callable

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
from server.protocol import BoardMessage, FacilitatorMessage, PrivateMessage

FLUSH_SECONDS = 0.05

PresenceListener = Callable[[int, int, int], None]
"""Called with phones joined, and of those how many have written and how many have voted."""


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
        self._known: set[str] = self._ballots_in(session) | session.store.known_phones(
            session.record.retro_id
        )
        """Phones that have joined: they stay in when joining is locked or the link is rotated."""
        session.subscribe(self._on_events)

    @property
    def phones_in(self) -> int:
        """What the cap on phones counts: phones joined now, and each connection that joined after the end."""
        late = sum(1 for ballot in self._participants.values() if ballot is None)
        return self.phones + late

    @property
    def closed(self) -> bool:
        return self.session.record.retro_key is None

    @property
    def phones(self) -> int:
        """Phones joined now: distinct participants, however many tabs each has open."""
        return len(self._joined())

    @property
    def phones_written(self) -> int:
        """Of the phones joined now, how many have written at least one item."""
        return len(self._joined() & self._written)

    @property
    def phones_voted(self) -> int:
        """Of the phones joined now, how many have at least one dot on the board."""
        ballots = self.session.state.ballots
        return len({ballot for ballot in self._joined() if sum(ballots.get(ballot, {}).values()) > 0})

    @staticmethod
    def _ballots_in(session: Session) -> set[str]:
        state = session.state
        answers = {ballot for per_question in state.check_in.values() for ballot in per_question}
        return set(state.ballots) | answers | set(state.roti)

    def is_known(self, ballot: str) -> bool:
        return ballot in self._known

    def on_presence(self, listener: PresenceListener) -> None:
        self._presence_listeners.append(listener)

    def remember_phone(self, ballot: str) -> None:
        """Known from now on, on disk too: a phone in stays in after a restart, a lock or a new link."""
        if ballot not in self._known:
            self.session.store.remember_phone(self.session.record.retro_id, ballot)
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
            join_path=f"/j/{self.session.record.join_token}",
            notice_nonce=nonce,
            held_notices=held_notices(state, nonce),
        ).model_dump_json()

    def private_json(self, ballot: str) -> str:
        return PrivateMessage(private=private_view(self.session.state, ballot)).model_dump_json()

    def facilitator_json(self) -> str:
        return FacilitatorMessage(
            view=facilitator_view(self.session.state),
            server_time=self.session.clock(),
            phones=self.phones,
            phones_written=self.phones_written,
            phones_voted=self.phones_voted,
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
        if self.closed:
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
        for listener in self._presence_listeners:
            listener(self.phones, self.phones_written, self.phones_voted)
        self._dirty.set()
