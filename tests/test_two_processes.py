"""Several processes, one retro (issue 13 §2), on SQLite and on PostgreSQL.

First two writers in this process, each with its own store connection to one database, as two processes
have: a stale append is a SequenceConflict that writes nothing; a command is decided again after catching
up; a message id is applied once whoever applies it; catching up takes a new link, an end and its erasure.

Then real `retro serve` processes on one database behind a real loopback balancer (tests/support/balancer.py):
phones split across both, a whole retro, a `kill -9` mid-Write, a listener connection killed."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from retro.actors import Facilitator, Participant
from retro.commands import AddItem, ChangePhase, LockJoining, RotateJoinToken
from retro.errors import RuleViolation
from retro.events import Event, ItemAdded, JoinTokenRotated, PhaseChanged
from retro.launch import resume_session, start_session
from retro.phases import Phase
from retro.secrets import owner_hash
from retro.session import Session
from retro.state import replay
from retro.store import EventStore, SequenceConflict
from retro.stores import open_store
from tests.support.postgres import Cluster

TEAM = "Ward 7"
PHONE = Participant("pseudonym-of-a-phone")
FACILITATOR = Facilitator()

OpenStore = Callable[[], EventStore]


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """One database two processes share: a SQLite file, or a PostgreSQL database of the test's own."""
    if request.param == "sqlite":
        return str(tmp_path / "retro.db")
    cluster: Cluster = request.getfixturevalue("postgres_cluster")
    return cluster.new_database()


@pytest.fixture
def connect(database: str) -> Iterator[OpenStore]:
    """Opens a store of its own on the shared database each time, as each process does."""
    opened: list[EventStore] = []

    def open_one() -> EventStore:
        opened.append(open_store(database if "://" in database else Path(database)))
        return opened[-1]

    yield open_one
    for store in opened:
        store.close()


def add(text: str) -> AddItem:
    return AddItem(prompt_id="learning", text=text, owner_hash=owner_hash(text + "-secret"))


def two_sessions(connect: OpenStore) -> tuple[Session, Session]:
    """The same retro, in Write, opened by two processes."""
    here = start_session(connect(), title="Sprint 42", team=TEAM)
    here.execute(FACILITATOR, ChangePhase(to=Phase.WRITE))
    there_store = connect()
    record = there_store.record(here.record.retro_id)
    assert record is not None
    return here, resume_session(there_store, record)


def texts(session: Session) -> list[str]:
    return sorted(item.text for item in session.state.items.values())


def test_an_append_on_top_of_a_sequence_the_log_has_left_is_refused_and_writes_nothing(
    connect: OpenStore,
) -> None:
    here, there = two_sessions(connect)
    retro_id = here.record.retro_id
    assert here.seq == there.seq == here.store.last_seq(retro_id) == 2
    assert here.store.append(retro_id, [PhaseChanged(to=Phase.CHECK_IN)], "first", after=2)
    with pytest.raises(SequenceConflict) as conflict:
        there.store.append(retro_id, [PhaseChanged(to=Phase.GROUP)], "second", after=2)
    assert (conflict.value.expected, conflict.value.found) == (2, 3)
    assert there.store.last_seq(retro_id) == 3
    assert not there.store.was_applied(retro_id, "second"), "the message id went back with the events"
    assert [event for _, event in there.store.events_since(retro_id, 2)] == [PhaseChanged(to=Phase.CHECK_IN)]


def test_a_command_decided_on_a_state_another_process_has_moved_on_is_decided_again(
    connect: OpenStore,
) -> None:
    here, there = two_sessions(connect)
    here.execute(PHONE, add("Written here"))
    outcome = there.execute(PHONE, add("Written there"))
    assert [type(event) for event in outcome.events] == [ItemAdded]
    assert texts(there) == ["Written here", "Written there"], "it caught up before it appended"
    assert there.seq == there.store.last_seq(there.record.retro_id) == 4

    here.catch_up()
    here.execute(FACILITATOR, ChangePhase(to=Phase.GROUP))
    with pytest.raises(RuleViolation) as refused:
        there.execute(PHONE, add("Too late"))  # decided again against the revealed board: refused
    assert refused.value.code == "wrong_phase"
    assert there.state.phase is Phase.GROUP and texts(there) == ["Written here", "Written there"]
    stored = replay(there.record.retro_id, there.store.events(there.record.retro_id))
    assert sorted(item.text for item in stored.items.values()) == ["Written here", "Written there"]


def test_a_message_applied_by_one_process_is_applied_once_when_another_gets_it_again(
    connect: OpenStore,
) -> None:
    here, there = two_sessions(connect)
    first = here.execute(PHONE, add("Said once"), message_id="message-1")
    again = there.execute(PHONE, add("Said once"), message_id="message-1")
    assert again.duplicate and again.events == []
    assert again.item_id == first.item_id, "the ack a phone gets again names the item it added"
    assert texts(there) == ["Said once"]
    assert texts(Session.resume(there.store, there.record)) == ["Said once"]


def test_catching_up_applies_what_another_process_appended_and_tells_subscribers(
    connect: OpenStore,
) -> None:
    here, there = two_sessions(connect)
    heard: list[list[Event]] = []
    there.subscribe(heard.append)
    assert there.catch_up() == [] and heard == []
    here.execute(FACILITATOR, LockJoining(locked=True))
    here.execute(FACILITATOR, RotateJoinToken())
    caught = there.catch_up()
    assert [type(event) for event in caught] == [type(event) for event in heard[0]]
    assert any(isinstance(event, JoinTokenRotated) for event in caught)
    assert there.joining_locked
    assert there.join_token == here.join_token
    assert there.store.retro_for_token(there.join_token) is not None


def test_an_end_made_by_another_process_is_read_again_as_its_erasure_left_it(connect: OpenStore) -> None:
    here, there = two_sessions(connect)
    for n in range(3):
        here.execute(Participant(f"phone-{n}"), add(f"Item {n}"))
    here.execute(FACILITATOR, ChangePhase(to=Phase.ENDED))
    assert here.closed
    heard: list[list[Event]] = []
    there.subscribe(heard.append)
    there.catch_up()
    assert there.closed and there.state.ended and heard == [[]]
    assert there.pseudonym_for("a phone's secret") is None, "nobody can act as a participant any more"
    assert texts(there) == ["Item 0", "Item 1", "Item 2"]
    assert there.seq == there.store.last_seq(there.record.retro_id)
    assert there.catch_up() == []


def test_an_end_that_kept_only_the_outcome_ends_the_retro_in_the_other_process_too(
    connect: OpenStore,
) -> None:
    connect().set_retention(TEAM, "outcome")
    here, there = two_sessions(connect)
    here.execute(PHONE, add("Only the outcome stays"))
    there.catch_up()
    here.execute(FACILITATOR, ChangePhase(to=Phase.ENDED))
    assert here.store.record(here.record.retro_id) is None, "the team keeps only outcomes"
    there.catch_up()
    assert there.closed and there.state.ended
    assert there.pseudonym_for("a phone's secret") is None
