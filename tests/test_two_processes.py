"""Several processes, one retro (issue 13 §2), on SQLite and on PostgreSQL.

First two writers in this process, each with its own store connection to one database, as two processes
have: a stale append is a SequenceConflict that writes nothing; a command is decided again after catching
up; a message id is applied once whoever applies it; catching up takes a new link, an end and its erasure.

Then real `retro serve` processes on one database behind a real loopback balancer (tests/support/balancer.py):
phones split across both, a whole retro, a `kill -9` mid-Write, a listener connection killed."""

import asyncio
import signal
import subprocess
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import server.pulse_rooms
from cli.main import main
from retro.actors import Facilitator, Participant
from retro.commands import AddItem, ChangePhase, LockJoining, RotateJoinToken
from retro.credentials import add_team
from retro.errors import RuleViolation
from retro.events import BALLOT_EVENT_TYPES, Event, ItemAdded, JoinTokenRotated, PhaseChanged
from retro.launch import resume_session, start_session
from retro.phases import Phase
from retro.postgres.doorbell import LISTENER_NAME
from retro.secrets import owner_hash, pseudonym
from retro.session import Session
from retro.state import replay
from retro.store import EventStore, SequenceConflict
from retro.stores import open_store
from server.app import RetroServer, ServerConfig
from tests.support.anonymity import Needles, add_item_needles, database_surfaces, scan
from tests.support.balancer import Balancer
from tests.support.client import Client
from tests.support.facilitator import TokenClient
from tests.support.postgres import Cluster
from tests.support.pulse_phone import answered, answers_for
from tests.support.serve import start_serve
from tests.support.waiting import until
from tests.support.whole_retro import WRITING, close, discuss, record_actions, reveal_and_group, vote
from tests.support.whole_retro import Room as WholeRetro

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


def test_a_command_refused_by_a_state_another_process_has_moved_on_is_decided_again(
    connect: OpenStore,
) -> None:
    here = start_session(connect(), title="Sprint 42", team=TEAM)
    there_store = connect()
    there = resume_session(there_store, here.record)
    here.execute(FACILITATOR, ChangePhase(to=Phase.WRITE))
    before = there.state.phase
    outcome = there.execute(PHONE, add("Written as soon as Write opened"))
    assert [type(event) for event in outcome.events] == [ItemAdded]
    assert (before, there.state.phase) == (Phase.REVIEW, Phase.WRITE), "it had not heard yet"


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


# Real processes: two `retro serve` on one database, behind one balancer.


@dataclass
class TwoProcesses:
    home: subprocess.Popen[str]
    """Started with the retro (`--title`): the facilitator connects here."""
    other: subprocess.Popen[str]
    """Started with no retro of its own: it finds the retro in the store by its token."""
    ports: tuple[int, int]
    balancer: Balancer
    join_path: str
    facilitator_url: str
    facilitator_key: str
    database: str

    async def facilitator(self) -> Client:
        return await Client.join(self.facilitator_url, facilitator_key=self.facilitator_key)

    def phone_url(self) -> str:
        return self.balancer.url(self.join_path.replace("/j/", "/ws/"))


def _port(url: str) -> int:
    port = urlsplit(url).port
    assert port is not None
    return port


@pytest.fixture
async def two_processes(database: str) -> AsyncIterator[TwoProcesses]:
    home, printed = start_serve(database, "--port", "0", "--title", "Sprint 42", "--team", TEAM)
    other, other_printed = start_serve(database, "--port", "0", own_retro=False)
    ports = (_port(printed["Server URL"]), _port(other_printed["Server URL"]))
    balancer = Balancer(list(ports))
    await balancer.start()
    facilitator_url = printed["Facilitator URL"]
    join_path = "/j/" + facilitator_url.rsplit("/", 1)[1]
    try:
        yield TwoProcesses(
            home, other, ports, balancer, join_path, facilitator_url, printed["Facilitator key"], database
        )
    finally:
        await balancer.stop()
        for process in (home, other):
            if process.poll() is None:
                process.terminate()
            process.communicate(timeout=30)


async def join_phones(processes: TwoProcesses, count: int) -> list[Client]:
    """Phones through the balancer: round robin puts them on both processes in turn."""
    return [await Client.join(processes.phone_url()) for _ in range(count)]


def on_each(processes: TwoProcesses, count: int) -> list[int]:
    return [processes.balancer.sent_to[-count:].count(port) for port in processes.ports]


async def test_phones_split_across_two_processes_run_a_whole_retro_with_the_facilitator_on_one(
    two_processes: TwoProcesses, request: pytest.FixtureRequest
) -> None:
    facilitator = await two_processes.facilitator()
    phones = await join_phones(two_processes, 6)
    assert on_each(two_processes, 6) == [3, 3]
    room = WholeRetro(facilitator, phones)
    retro_id = open_retro_id(two_processes.database)
    needles = Needles()
    opened = open_store(two_processes.database)
    try:
        record = opened.record(retro_id)
    finally:
        opened.close()
    assert record is not None and record.retro_key is not None
    needles.add("retro key", record.retro_key)
    for phone in phones:
        assert phone.secret is not None
        needles.add("phone secret", phone.secret)
        needles.add("pseudonym", pseudonym(record.retro_key, phone.secret))
    try:
        await room.move("write")
        for phone, items in zip(room.phones, WRITING, strict=True):
            for prompt_id, text in items:
                room.item_ids[text] = await phone.add_item(text, prompt_id)
        boards = await room.all_see(lambda board: sum(board["counts"].values()) == 9)
        assert all(board["counts"] == {"hard": 3, "learning": 3, "help": 3} for board in boards)
        await reveal_and_group(room)
        await vote(room)
        await discuss(room)
        await record_actions(room)
        await close(room)
        await room.move("ended")
    finally:
        for client in room.everyone:
            await client.close()
    add_item_needles(needles, phones)
    store = open_store(two_processes.database)
    try:
        [record] = store.retros(TEAM)
        assert record.closed and record.retro_key is None
        assert store.known_phones(record.retro_id) == set()
        assert not [event for event in store.events(record.retro_id) if event.type in BALLOT_EVENT_TYPES]
    finally:
        store.close()
    assert scan(on_disk(two_processes.database, request), needles) == [], "after the end"
    assert main(["forget", retro_id, "--db", two_processes.database]) == 0
    assert scan(on_disk(two_processes.database, request), needles) == [], "after retro forget"


def on_disk(database: str, request: pytest.FixtureRequest) -> dict[str, bytes]:
    """Every byte the database keeps: the SQLite file and its WAL; or PostgreSQL's whole data directory,
    WAL included, once routine checkpoints have run."""
    if "://" not in database:
        return database_surfaces(Path(database))
    cluster: Cluster = request.getfixturevalue("postgres_cluster")
    cluster.forget_old_wal()
    return cluster.files(database)


async def test_a_change_made_through_one_process_reaches_the_phones_on_the_other(
    two_processes: TwoProcesses,
) -> None:
    facilitator = await two_processes.facilitator()
    phones = await join_phones(two_processes, 2)
    clients = [facilitator, *phones]
    try:
        await facilitator.move("write")
        await asyncio.gather(*(phone.board_until(lambda b: b["phase"] == "write") for phone in phones))
        await phones[1].add_item("Written through the other process")
        await asyncio.gather(*(c.board_until(lambda b: sum(b["counts"].values()) == 1) for c in clients))
        await facilitator.command("rotate_join_token")
        boards = await asyncio.gather(
            *(
                phone.wait_for("board", lambda m: m["join_path"] != two_processes.join_path)
                for phone in phones
            )
        )
        assert len({board["join_path"] for board in boards}) == 1
    finally:
        for client in clients:
            await client.close()


def open_retro_id(database: str) -> str:
    store = open_store(database)
    try:
        [record] = store.retros(TEAM)
        return record.retro_id
    finally:
        store.close()


def applied(database: str, retro_id: str, message_id: str) -> bool:
    store = open_store(database)
    try:
        return store.was_applied(retro_id, message_id)
    finally:
        store.close()


def items_in_log(database: str, retro_id: str) -> list[str]:
    store = open_store(database)
    try:
        return sorted(event.text for event in store.events(retro_id) if isinstance(event, ItemAdded))
    finally:
        store.close()


async def test_a_process_killed_mid_write_loses_nothing_acked_and_applies_nothing_twice(
    two_processes: TwoProcesses,
) -> None:
    facilitator = await two_processes.facilitator()
    phones = await join_phones(two_processes, 4)
    assert two_processes.balancer.sent_to == [*two_processes.ports, *two_processes.ports]
    doomed = phones[1::2]
    """On the process that will be killed."""
    retro_id = open_retro_id(two_processes.database)
    clients = [facilitator, *phones]
    try:
        await facilitator.move("write")
        await facilitator.command("lock_joining", locked=True)
        for n, phone in enumerate(phones):
            await phone.add_item(f"Acked {n}")
        await facilitator.board_until(lambda board: sum(board["counts"].values()) == 4)

        applied_unacked = await doomed[0].send_command(
            "add_item", prompt_id="hard", text="Applied, ack never read", owner_hash=owner_hash("secret-a")
        )
        await until(lambda: applied(two_processes.database, retro_id, applied_unacked))
        two_processes.other.send_signal(signal.SIGSTOP)
        never_applied = await doomed[1].send_command(
            "add_item", prompt_id="help", text="Sent to a frozen process", owner_hash=owner_hash("secret-b")
        )
        two_processes.other.kill()  # SIGKILL: no drain, no goodbye
        two_processes.other.wait(timeout=30)
        assert not applied(two_processes.database, retro_id, never_applied)

        back = [await Client.join(two_processes.phone_url(), secret=phone.secret) for phone in doomed]
        clients += back
        assert two_processes.balancer.sent_to[-2:] == [two_processes.ports[0]] * 2, "the dead one is skipped"
        again = await back[0].send_command(
            "add_item", applied_unacked, prompt_id="hard", text="Applied, ack never read",
            owner_hash=owner_hash("secret-a"),
        )  # fmt: skip
        first = await back[0].reply(again)
        assert (first["type"], first["duplicate"]) == ("ack", True) and first["item_id"]
        sent = await back[1].send_command(
            "add_item", never_applied, prompt_id="help", text="Sent to a frozen process",
            owner_hash=owner_hash("secret-b"),
        )  # fmt: skip
        second = await back[1].reply(sent)
        assert (second["type"], second["duplicate"]) == ("ack", False)

        await facilitator.board_until(lambda board: sum(board["counts"].values()) == 6)
        expected = sorted(
            [*(f"Acked {n}" for n in range(4)), "Applied, ack never read", "Sent to a frozen process"]
        )
        assert items_in_log(two_processes.database, retro_id) == expected
        await facilitator.move("group")
        board = await facilitator.board_until(lambda board: board["revealed"])
        assert sorted(item["text"] for topic in board["topics"] for item in topic["items"]) == expected
    finally:
        for client in clients:
            await client.close()


async def test_a_process_whose_listener_connection_was_killed_listens_again_and_catches_up(
    two_processes: TwoProcesses, postgres_cluster: Cluster
) -> None:
    if "://" not in two_processes.database:
        pytest.skip("a SQLite file has no listener connection: its doorbell reads the file")
    listener = LISTENER_NAME.format(pid=two_processes.other.pid)

    def listener_pids() -> list[int]:
        with postgres_cluster.admin() as admin:
            rows = admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (listener,)
            ).fetchall()
        return [pid for (pid,) in rows if isinstance(pid, int)]

    facilitator = await two_processes.facilitator()
    phones = await join_phones(two_processes, 2)
    clients = [facilitator, *phones]
    try:
        [first] = listener_pids()
        with postgres_cluster.admin() as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (first,))
        await facilitator.move("write")  # rung while the other process may not be listening
        await phones[1].board_until(lambda board: board["phase"] == "write")
        await until(lambda: len(pids := listener_pids()) == 1 and pids[0] != first)
        await facilitator.move("check_in")
        await phones[1].board_until(lambda board: board["phase"] == "check_in")
    finally:
        for client in clients:
            await client.close()


# Presence across processes: the facilitator's counts take in every process's phones.

Counts = tuple[int, int, int]


async def counts_until(facilitator: Client, expected: Counts, timeout: float = 10.0) -> None:
    """Until the facilitator is shown these counts: phones joined, written, voted."""
    await facilitator.wait_for(
        "facilitator",
        lambda m: (m["phones"], m["phones_written"], m["phones_voted"]) == expected,
        timeout=timeout,
    )


async def test_the_facilitator_on_one_process_counts_the_phones_joined_written_and_voted_on_both(
    two_processes: TwoProcesses,
) -> None:
    facilitator = await two_processes.facilitator()
    phones = await join_phones(two_processes, 4)
    assert on_each(two_processes, 4) == [2, 2]
    home, other = phones[0::2], phones[1::2]
    clients = [facilitator, *phones]
    try:
        await counts_until(facilitator, (4, 0, 0))
        await facilitator.move("write")
        await other[0].add_item("Written through the other process")
        await counts_until(facilitator, (4, 1, 0))
        await home[0].add_item("Written through the facilitator's own")
        await other[1].add_item("Written through the other process too")
        await counts_until(facilitator, (4, 3, 0))
        await facilitator.move("group")
        board = await facilitator.board_until(lambda board: board["revealed"])
        topic_id = board["topics"][0]["topic_id"]
        await facilitator.move("vote")
        await other[0].command("cast_vote", topic_id=topic_id)
        await home[1].command("cast_vote", topic_id=topic_id)
        await counts_until(facilitator, (4, 3, 2))

        await other[0].close()  # wrote and voted, through the other process, and leaves
        await counts_until(facilitator, (3, 2, 1))
        await home[0].close()
        await counts_until(facilitator, (2, 1, 1))
    finally:
        for client in clients:
            await client.close()


async def test_a_killed_process_phones_are_counted_out_after_the_expiry_and_in_again_on_the_other(
    two_processes: TwoProcesses,
) -> None:
    facilitator = await two_processes.facilitator()
    phones = await join_phones(two_processes, 4)
    doomed = phones[1::2]
    clients = [facilitator, *phones]
    try:
        await facilitator.move("write")
        await doomed[0].add_item("Written before the kill")
        await counts_until(facilitator, (4, 1, 0))
        two_processes.other.kill()  # SIGKILL: its rows stay behind, and are ignored once it is not seen
        two_processes.other.wait(timeout=30)
        await counts_until(facilitator, (2, 0, 0))
        url = two_processes.phone_url()
        back = [await Client.join(url, secret=phone.secret, wrote=n == 0) for n, phone in enumerate(doomed)]
        clients += back
        await counts_until(facilitator, (4, 1, 0))
    finally:
        for client in clients:
            await client.close()


# Pulses across processes: two servers in this process, each with its own store connection, as two
# processes have.


@pytest.fixture
async def two_servers(
    connect: OpenStore, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[RetroServer, RetroServer]]:
    monkeypatch.setattr(server.pulse_rooms, "POLL_SECONDS", 3600.0)  # only the doorbell can tell of a close
    config = ServerConfig(host="127.0.0.1", port=0, pulse_count_seconds=0.5)
    servers = (RetroServer(None, config, connect()), RetroServer(None, config, connect()))
    for running in servers:
        await running.start()
    try:
        yield servers
    finally:
        for running in servers:
            await running.stop()


async def test_a_pulse_answered_through_one_process_is_counted_and_closed_for_the_other(
    two_servers: tuple[RetroServer, RetroServer],
) -> None:
    here, there = two_servers
    token = add_team(here.store, TEAM)
    watcher = await TokenClient.hello(here.facilitator_door, token)
    opened = await watcher.answered("pulse_open", min_responses=3)
    assert (await watcher.client.wait_for("pulse_count"))["answered"] == 0
    record = here.store.pulses.pulse(opened["pulse_id"])
    assert record is not None
    join_token = opened["join_path"].removeprefix("/j/")
    phones_there = [await Client.join(there.address.websocket_url(join_token)) for _ in range(3)]
    phone_here = await Client.join(here.address.websocket_url(join_token))
    closer = await TokenClient.hello(there.facilitator_door, token)
    clients = [watcher.client, closer.client, phone_here, *phones_there]
    try:
        for number, phone in enumerate(phones_there, start=1):
            assert (await answered(phone, answers_for(record, number)))["type"] == "ack"
        counted = await watcher.client.wait_for("pulse_count", lambda m: m["answered"] == 3)
        assert counted["closed"] is False
        await closer.answered("pulse_close", pulse_id=record.pulse_id)
        shown = await phone_here.wait_for("pulse", lambda m: m["pulse"]["closed"])
        assert shown["pulse"]["results"]["answered"] == 3
        await watcher.client.wait_for("pulse_count", lambda m: m["closed"] and m["answered"] == 3)
    finally:
        for client in clients:
            await client.close()
