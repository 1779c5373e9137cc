"""Pulses on the server: the phones answering each one, what they are shown, and closing on time.

Phones see the questions and, once it has closed, the results behind the threshold; never a count or
an aggregate before. The facilitators watching a pulse get its count of answers and nothing else: at once
when they start watching and when it closes, and in between at most once every `count_seconds`, so that the
count does not move one answer at a time while the room can see who has just put a phone down.

A pulse closed elsewhere (`retro pulse close` on the same database) or by its time is noticed within
POLL_SECONDS and shown to the phones still on it. With other processes on the store, each ring of the
doorbell (server.doorbell) notices sooner: a pulse closed through another process, and answers given
through another process, which move the count its watchers here get (in the same window).
"""

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime

from websockets.asyncio.server import ServerConnection, broadcast

from retro.pulse.actions import you_said_we_did
from retro.pulse.lifecycle import close_due
from retro.pulse.models import PulseRecord
from retro.pulse.results import results
from retro.store import EventStore
from server.protocol import PulseCountMessage, PulseMessage, PulseView

POLL_SECONDS = 2.0
COUNT_SECONDS = 10.0
"""The least time between two counts told to a pulse's watchers."""


@dataclass
class PulseRoom:
    pulse_id: str
    closed: bool
    phones: set[ServerConnection] = field(default_factory=set)
    watchers: set[ServerConnection] = field(default_factory=set)
    """Facilitators' connections that opened it: they get `pulse_count`, never answers."""
    answered: int | None = None
    """The count last told to the watchers."""
    count_due: asyncio.TimerHandle | None = None
    """The next count to the watchers, once it is scheduled."""


class PulseRooms:
    def __init__(self, store: EventStore, count_seconds: float = COUNT_SECONDS) -> None:
        self.store = store
        self.count_seconds = count_seconds
        self._by_id: dict[str, PulseRoom] = {}
        self._by_token: dict[str, str] = {}
        """Pulses already looked up, by join token: the page's assets need no query each."""
        self._task: asyncio.Task[None] | None = None

    def by_token(self, token: str) -> PulseRoom | None:
        known = self._by_id.get(self._by_token.get(token, ""))
        if known is not None:
            return known
        record = self.store.pulses.pulse_for_token(token) if token else None
        if record is None:
            return None
        self._by_token[token] = record.pulse_id
        return self.room_of(record)

    def room_of(self, record: PulseRecord) -> PulseRoom:
        room = self._by_id.get(record.pulse_id)
        if room is None:
            room = self._by_id[record.pulse_id] = PulseRoom(record.pulse_id, record.closed)
        return room

    def record(self, room: PulseRoom) -> PulseRecord:
        found = self.store.pulses.pulse(room.pulse_id)
        assert found is not None, "a pulse is never deleted while the server runs"
        return found

    def view_json(self, room: PulseRoom) -> str:
        record = self.record(room)
        shown = results(self.store.pulses, record.pulse_id) if record.closed else None
        view = PulseView(
            title=record.title,
            team=record.team,
            questions=record.questions,
            free_text=record.free_text,
            closes_at=record.closes_at,
            closed=record.closed,
            min_responses=record.min_responses,
            results=shown,
            actions=you_said_we_did(self.store.pulses, record.team),
        )
        return PulseMessage(pulse=view).model_dump_json()

    def count_json(self, room: PulseRoom) -> str:
        room.answered = self.store.pulses.answer_count(room.pulse_id)
        counted = PulseCountMessage(pulse_id=room.pulse_id, answered=room.answered, closed=room.closed)
        return counted.model_dump_json()

    def recount(self, room: PulseRoom) -> None:
        """After an answer: the watchers get the count when the window ends, if a new phone has answered."""
        if room.watchers and room.count_due is None:
            loop = asyncio.get_running_loop()
            room.count_due = loop.call_later(self.count_seconds, self._tell_count, room)

    def _tell_count(self, room: PulseRoom) -> None:
        room.count_due = None
        if room.watchers and self.store.pulses.answer_count(room.pulse_id) != room.answered:
            broadcast(room.watchers, self.count_json(room))

    def show_closed(self, pulse_id: str) -> None:
        """A pulse has just closed: its phones get the results, its watchers the last count."""
        room = self._by_id.get(pulse_id)
        if room is None or room.closed:
            return
        room.closed = True
        if room.count_due is not None:
            room.count_due.cancel()
            room.count_due = None
        broadcast(room.phones, self.view_json(room))
        broadcast(room.watchers, self.count_json(room))
        if not room.phones and not room.watchers:
            del self._by_id[pulse_id]

    def show_actions(self, team: str) -> None:
        """The team's "you said, we did" has changed: the phones on its pulses see it now."""
        for room in list(self._by_id.values()):
            if room.phones and self.record(room).team == team:
                broadcast(room.phones, self.view_json(room))

    def start(self) -> None:
        self._task = asyncio.create_task(self._watch(), name="retro-pulses")

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(POLL_SECONDS)
            self.notice_closing()

    def on_ring(self) -> None:
        """Another process may have closed a pulse shown here, or taken answers to one watched here."""
        for room in list(self._by_id.values()):
            if room.closed or not (room.phones or room.watchers):
                continue
            if self.record(room).closed:
                self.show_closed(room.pulse_id)
            else:
                self.recount(room)

    def notice_closing(self) -> None:
        """Close what is due, and show the results to the phones of every pulse that has closed since."""
        close_due(self.store.pulses, datetime.now(UTC))
        for room in list(self._by_id.values()):
            if not room.closed and self.record(room).closed:
                self.show_closed(room.pulse_id)
