"""Session.execute: the one path by which anything in a retro changes."""

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime

from retro.actors import Actor, Facilitator
from retro.builtin_templates import DEFAULT_TEMPLATE
from retro.commands import AddItem, ChangePhase, Command
from retro.errors import RuleViolation
from retro.events import Event, ItemAdded, JoinTokenRotated, RetroStarted, ReviewItem
from retro.phases import Phase
from retro.pulse.glance import PulseGlance
from retro.records import RetroRecord
from retro.rules import decide
from retro.secrets import new_id, new_key, new_token, pseudonym
from retro.settings import RetroSettings
from retro.state import RetroState, replay
from retro.store import EventStore, SequenceConflict
from retro.templates import Template

Listener = Callable[[list[Event]], None]
Clock = Callable[[], datetime]
MAX_ATTEMPTS = 8
"""How many times a command is decided again when other processes keep appending first."""
Erasure = Callable[[EventStore, str, RetroState], None]
"""What an ended retro's erasure does, given the store, the retro's id and its state: one single step."""


def forget_who_is_who(store: EventStore, retro_id: str, state: RetroState) -> None:
    store.forget_pseudonyms(retro_id)


def utc_now() -> datetime:
    """Milliseconds are enough for a timer, and keep events tidy."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


@dataclass(frozen=True)
class Outcome:
    events: list[Event]
    duplicate: bool = False
    """True when the message id had been applied before: nothing changed this time."""
    item_id: str | None = None
    """The item the command added; for a duplicate, the item that the same command added before."""


class Session:
    def __init__(
        self,
        store: EventStore,
        record: RetroRecord,
        state: RetroState,
        clock: Clock = utc_now,
        erase: Erasure = forget_who_is_who,
        seq: int | None = None,
    ) -> None:
        self.store = store
        self.record = record
        self.state = state
        self.seq = store.last_seq(record.retro_id) if seq is None else seq
        """The sequence of the last event applied to `state`: what the next append must follow."""
        self.clock = clock
        self._erase = erase
        self._listeners: list[Listener] = []
        self._remembered: set[str] = set()
        self._held: list[list[Event]] | None = None
        """Changes not yet told to subscribers, while notifications are held."""
        """Phones this session has written to the store, so that it writes each only once."""

    @classmethod
    def start(
        cls,
        store: EventStore,
        *,
        title: str,
        team: str = "",
        template: Template = DEFAULT_TEMPLATE,
        settings: RetroSettings | None = None,
        review: tuple[ReviewItem, ...] = (),
        pulse: PulseGlance | None = None,
        today: date | None = None,
        clock: Clock = utc_now,
        erase: Erasure = forget_who_is_who,
        join_token: str | None = None,
    ) -> "Session":
        """`join_token`, when given, is the new retro's join token, chosen before (retro host shows its link
        before the store is open); else a fresh one."""
        created_on = today or date.today()
        record = RetroRecord(
            retro_id=new_id(),
            title=title,
            team=team,
            created_on=created_on,
            join_token=join_token or new_token(),
            facilitator_key=new_token(),
            retro_key=new_key(),
        )
        started = RetroStarted(
            title=title,
            team=team,
            created_on=created_on,
            template=template,
            settings=settings or RetroSettings(),
            review=review,
            pulse=pulse,
        )
        store.create_retro(record, [started])
        return cls(store, record, replay(record.retro_id, [started]), clock, erase, seq=1)

    @classmethod
    def resume(
        cls,
        store: EventStore,
        record: RetroRecord,
        clock: Clock = utc_now,
        erase: Erasure = forget_who_is_who,
    ) -> "Session":
        numbered = store.events_since(record.retro_id, 0)
        state = replay(record.retro_id, [event for _, event in numbered])
        session = cls(store, record, state, clock, erase, seq=numbered[-1][0] if numbered else 0)
        session._forget_if_ended()
        return session

    def execute(self, actor: Actor, command: Command, message_id: str | None = None) -> Outcome:
        """Validate, persist durably, apply, notify. Raises RuleViolation when a rule says no.

        The events, a new join link and the erasure at the end are written as one step of the store. Inside
        a store group (retro.commit_group) they become durable with the group, in its one sync. The events
        are written only on top of the sequence this session has applied: when another process appended
        first, the session catches up and decides the command again, against what is now the retro; so it
        does before a refusal, in case what refused it has changed elsewhere."""
        for _ in range(MAX_ATTEMPTS):
            if message_id is not None and self.store.was_applied(self.record.retro_id, message_id):
                return self._duplicate(command)
            try:
                events = decide(self.state, actor, command, self.clock())
            except RuleViolation:
                if self.catch_up():
                    continue  # refused by a state another process had moved on: decide again
                raise
            try:
                with self.store.group():
                    if not self.store.append(self.record.retro_id, events, message_id, after=self.seq):
                        return self._duplicate(command)
                    self._apply(events)
                    self._forget_if_ended()
            except SequenceConflict:
                self.catch_up()
                continue
            except Exception:
                self.reload()
                raise
            self._notify(events)
            added = next((event.item_id for event in events if isinstance(event, ItemAdded)), None)
            return Outcome(events=events, item_id=added)
        raise SequenceConflict(self.record.retro_id, self.seq, self.store.last_seq(self.record.retro_id))

    def catch_up(self) -> list[Event]:
        """Apply what other processes appended after this session's sequence, take the record as the store
        now has it (a new join link, the end) and tell subscribers, as after a change made here. An end made
        elsewhere rewrote the log as its erasure keeps it: the session then reads it all again. Returns the
        events it applied (none after a reload)."""
        retro_id = self.record.retro_id
        news = self.store.events_since(retro_id, self.seq)
        record = self.store.record(retro_id)  # after the events: an end committed before them shows here
        if record is None:
            self._end_here()
            return []
        if record.closed and not self.closed:
            self.reload()
            return []
        if not news:
            return []
        for number, event in news:
            self.state.apply(event)
            self.seq = number
        self.record = record
        events = [event for _, event in news]
        self._notify(events)
        return events

    def _end_here(self) -> None:
        """Another process ended the retro and forgot it all but its outcome (a team that keeps only
        outcomes): end it in memory as its end did, from the state caught up until then."""
        if not self.state.ended:
            with suppress(RuleViolation):
                for event in decide(self.state, Facilitator(), ChangePhase(to=Phase.ENDED), self.clock()):
                    self.state.apply(event)
        self.record = self.record.model_copy(update={"retro_key": None, "closed": True})
        self._notify([])

    def _apply(self, events: list[Event]) -> None:
        for event in events:
            self.state.apply(event)
            self.seq += 1
            if isinstance(event, JoinTokenRotated):
                self._rotate_join_token()

    def _duplicate(self, command: Command) -> Outcome:
        """The message was applied before, here or by another process: what it did is caught up first."""
        self.catch_up()
        return Outcome(events=[], duplicate=True, item_id=self._item_added_before(command))

    def reload(self) -> None:
        """Back to what the store holds, after writes that did not become durable (their step or their group
        was rolled back), or after a change made elsewhere rewrote the log; subscribers are told to look
        again."""
        record = self.store.record(self.record.retro_id)
        if record is not None:
            self.record = record
        self._load(self.store.events_since(self.record.retro_id, 0))
        self._remembered.clear()
        self._notify([])

    def _load(self, numbered: list[tuple[int, Event]]) -> None:
        self.state = replay(self.record.retro_id, [event for _, event in numbered])
        self.seq = numbered[-1][0] if numbered else 0

    @contextmanager
    def notifications_held(self) -> Iterator[None]:
        """Subscribers hear of the changes made inside the block when it ends, in order: a group of commands
        is acknowledged before the views that show it go out."""
        if self._held is not None:
            yield
            return
        self._held = []
        try:
            yield
        finally:
            held, self._held = self._held, None
            for events in held:
                self._notify(events)

    def _notify(self, events: list[Event]) -> None:
        if self._held is not None:
            self._held.append(events)
            return
        for listener in list(self._listeners):
            listener(events)

    def _rotate_join_token(self) -> None:
        token = new_token()
        self.store.set_join_token(self.record.retro_id, token)
        self.record = self.record.model_copy(update={"join_token": token})

    def _forget_if_ended(self) -> None:
        """Once the retro has ended, erase what could tie anything to a person. Also run on resume, so
        that a crash between the end and the erasure cannot leave anything behind. Where sessions are opened
        (retro.launch), the erasure of a team that keeps only outcomes forgets the raw items in the same
        single step, so no crash can leave them behind either."""
        if not self.state.ended or self.record.retro_key is None:
            return
        self._erase(self.store, self.record.retro_id, self.state)
        self.record = self.record.model_copy(update={"retro_key": None, "closed": True})
        self.seq = self.store.last_seq(self.record.retro_id)  # the erasure numbered the log afresh

    def pseudonym_for(self, participant_secret: str) -> str | None:
        """None once the retro has ended: nobody can act as a participant any more."""
        if self.record.retro_key is None:
            return None
        return pseudonym(self.record.retro_key, participant_secret)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _item_added_before(self, command: Command) -> str | None:
        """The owner hash is the writing phone's own: it finds the one item that its add_item made."""
        if not isinstance(command, AddItem):
            return None
        items = self.state.items.values()
        return next((item.item_id for item in items if item.owner_hash == command.owner_hash), None)

    @property
    def join_token(self) -> str:
        return self.record.join_token

    @property
    def closed(self) -> bool:
        """True once the retro has ended and forgotten who is who: no one can act as a participant."""
        return self.record.retro_key is None

    @property
    def joining_locked(self) -> bool:
        return self.state.joining_locked

    def admits_facilitator(self, key: str) -> bool:
        return secrets.compare_digest(key.encode(), self.record.facilitator_key.encode())

    def known_phones(self) -> set[str]:
        """Phones that have joined, by ballot: those on disk and those with anything in the state."""
        state = self.state
        answers = {ballot for per_question in state.check_in.values() for ballot in per_question}
        remembered = self.store.known_phones(self.record.retro_id)
        return remembered | set(state.ballots) | answers | set(state.roti)

    def remember_phone(self, ballot: str) -> None:
        """Written once: again for the same phone, nothing is written (and nothing synced). Inside a store
        group, the phone is on disk once that group has committed."""
        if ballot in self._remembered:
            return
        self.store.remember_phone(self.record.retro_id, ballot)
        self._remembered.add(ballot)

    def voters(self) -> set[str]:
        """Ballots with at least one dot on the board."""
        return {ballot for ballot, dots in self.state.ballots.items() if sum(dots.values()) > 0}
