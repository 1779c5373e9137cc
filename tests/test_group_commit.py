"""Group commit: commands and joins that arrive together share one transaction and one sync, each still on
disk before its ack or welcome; a refused or failing step does not poison the others; a message id is applied
once inside a group too; a kill -9 in the middle of a burst loses no acknowledged item.

Real server on a loopback port, real SQLite file; COMMITs are counted on the store's own connection."""

import asyncio
import signal
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from retro.actors import Facilitator, Participant
from retro.commands import AddItem, ChangePhase
from retro.commit_group import Done, Failed, Step, run_together
from retro.errors import RuleViolation
from retro.events import Event, ItemAdded
from retro.phases import Phase
from retro.records import RetroRecord
from retro.secrets import owner_hash
from retro.session import Session
from retro.sqlite_store import SqliteStore
from retro.state import RetroState
from retro.store import EventStore
from tests.support.client import Client, Clients, new_secret, serving
from tests.support.doors import first_answer, hello
from tests.support.doors import serving as serving_with
from tests.support.remote import applied, stored_events
from tests.support.serve import start_serve

PHONES = 40


@contextmanager
def commits_counted(store: SqliteStore) -> Iterator[list[str]]:
    """Every statement the store runs meanwhile, as SQLite traces it."""
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)
    try:
        yield statements
    finally:
        store._db.set_trace_callback(None)


def commits(statements: list[str]) -> int:
    return statements.count("COMMIT")


def known_on_disk(db: Path, retro_id: str) -> set[str]:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as read_only:
        rows = read_only.execute("SELECT ballot FROM phones WHERE retro_id = ?", (retro_id,))
        return {ballot for (ballot,) in rows}


def add_item(text: str, prompt_id: str = "learning") -> dict[str, str]:
    return {"prompt_id": prompt_id, "text": text, "owner_hash": owner_hash(new_secret())}


async def phones_in(pool: Clients, count: int) -> list[Client]:
    return list(await asyncio.gather(*(pool.join() for _ in range(count))))


async def test_a_burst_of_items_is_written_in_few_transactions_and_each_is_on_disk_when_its_ack_arrives(
    store: SqliteStore, session: Session, db_path: Path
) -> None:
    retro_id = session.record.retro_id
    async with serving(session) as pool:
        phones = await phones_in(pool, PHONES)

        async def write(phone: Client, n: int) -> None:
            message_id = await phone.send_command("add_item", **add_item(f"Item {n}"))
            reply = await phone.reply(message_id)
            assert reply["type"] == "ack", reply
            assert applied(db_path, retro_id, message_id), "acknowledged before it was on disk"

        with commits_counted(store) as statements:
            await asyncio.gather(*(write(phone, n) for n, phone in enumerate(phones)))

    assert 1 <= commits(statements) <= PHONES // 4, f"{commits(statements)} commits for {PHONES} items"
    texts = {event["text"] for event in stored_events(db_path, retro_id) if event["type"] == "item_added"}
    assert texts == {f"Item {n}" for n in range(PHONES)}


async def test_refused_commands_in_a_burst_get_their_own_error_and_the_others_still_commit(
    store: SqliteStore, session: Session, db_path: Path
) -> None:
    retro_id = session.record.retro_id
    async with serving(session) as pool:
        phones = await phones_in(pool, PHONES)
        with commits_counted(store) as statements:
            sent = [
                await phone.send_command("add_item", **add_item(f"Item {n}", "learning" if n % 2 else "nope"))
                for n, phone in enumerate(phones)
            ]
            replies = await asyncio.gather(*(phone.reply(m) for phone, m in zip(phones, sent, strict=True)))

    assert commits(statements) <= PHONES // 4
    for n, reply in enumerate(replies):
        if n % 2:
            assert reply["type"] == "ack", reply
        else:
            assert (reply["type"], reply["code"]) == ("error", "not_found"), reply
    texts = {event["text"] for event in stored_events(db_path, retro_id) if event["type"] == "item_added"}
    assert texts == {f"Item {n}" for n in range(1, PHONES, 2)}
    assert not any(applied(db_path, retro_id, sent[n]) for n in range(0, PHONES, 2))


async def test_one_message_id_sent_twice_at_once_adds_one_item_and_both_get_its_id(
    session: Session, db_path: Path
) -> None:
    async with serving(session) as pool:
        secret = new_secret()
        first, again = await pool.join(secret=secret), await pool.join(secret=secret)
        command = add_item("Said twice, kept once")
        message_id = Client.new_id()
        await asyncio.gather(
            *(phone.send_command("add_item", message_id, **command) for phone in (first, again))
        )
        replies = await asyncio.gather(first.reply(message_id), again.reply(message_id))

    assert [reply["type"] for reply in replies] == ["ack", "ack"]
    assert sorted(reply["duplicate"] for reply in replies) == [False, True]
    assert replies[0]["item_id"] == replies[1]["item_id"] is not None
    added = [
        event for event in stored_events(db_path, session.record.retro_id) if event["type"] == "item_added"
    ]
    assert len(added) == 1


def test_steps_written_together_commit_once_a_failing_step_is_undone_alone_and_an_id_applies_once(
    store: SqliteStore, session: Session, db_path: Path
) -> None:
    retro_id = session.record.retro_id
    same = AddItem(prompt_id="learning", text="Once", owner_hash=owner_hash(new_secret()))
    ballot = session.pseudonym_for(new_secret())
    assert ballot is not None
    phone = Participant(ballot)
    stray: list[Event] = [ItemAdded(item_id="stray", prompt_id="learning", text="Nowhere", owner_hash="x")]

    def to_no_retro() -> bool:
        return store.append("no such retro", stray, "stray-message")  # the foreign key refuses it

    steps: list[Step[object]] = [
        Step(lambda: session.execute(phone, same, "same-id")),
        Step(
            lambda: session.execute(
                phone, AddItem(prompt_id="nope", text="x", owner_hash=owner_hash(new_secret()))
            )
        ),
        Step(to_no_retro),
        Step(lambda: session.execute(phone, same, "same-id")),
        Step(lambda: store.remember_phone(retro_id, "ballot-1")),
    ]
    with commits_counted(store) as statements:
        results = run_together(store, steps)

    assert commits(statements) == 1
    first, refused, failed, repeated, remembered = results
    assert isinstance(first, Done) and isinstance(repeated, Done) and isinstance(remembered, Done)
    assert isinstance(refused, Failed) and isinstance(refused.error, RuleViolation)
    assert isinstance(failed, Failed) and isinstance(failed.error, sqlite3.IntegrityError)
    assert (first.value.duplicate, repeated.value.duplicate) == (False, True)
    assert repeated.value.item_id == first.value.item_id
    assert [e["text"] for e in stored_events(db_path, retro_id) if e["type"] == "item_added"] == ["Once"]
    assert not applied(db_path, "no such retro", "stray-message")
    assert known_on_disk(db_path, retro_id) == {"ballot-1"}


def test_the_end_and_its_erasure_are_one_step_so_a_failed_erasure_leaves_the_retro_as_it_was(
    store: SqliteStore, db_path: Path
) -> None:
    def failing_erasure(store: EventStore, retro_id: str, state: RetroState) -> None:
        store.forget_pseudonyms(retro_id)
        raise sqlite3.OperationalError("disk I/O error")

    session = Session.start(store, title="Sprint 42", team="Ward 7", erase=failing_erasure)
    session.execute(Facilitator(), ChangePhase(to=Phase.CLOSE))
    try:
        session.execute(Facilitator(), ChangePhase(to=Phase.ENDED))
        raise AssertionError("the erasure's failure must reach the caller")
    except sqlite3.OperationalError:
        pass

    assert session.state.phase is Phase.CLOSE and not session.closed
    phases = [
        e["to"] for e in stored_events(db_path, session.record.retro_id) if e["type"] == "phase_changed"
    ]
    assert phases == ["close"]
    record = store.record(session.record.retro_id)
    assert isinstance(record, RetroRecord) and record.retro_key is not None and not record.closed


async def test_a_burst_of_new_phones_is_remembered_in_few_transactions_each_known_on_disk_before_its_welcome(
    store: SqliteStore, session: Session, db_path: Path
) -> None:
    retro_id = session.record.retro_id
    async with serving(session) as pool:
        sockets = [await pool.connect() for _ in range(PHONES)]
        secrets = [new_secret() for _ in sockets]

        async def join(socket: Client, secret: str) -> None:
            await socket.websocket.send(hello(secret))
            welcome = await socket.recv()
            assert welcome["type"] == "welcome", welcome
            assert session.pseudonym_for(secret) in known_on_disk(db_path, retro_id), "welcomed before known"

        with commits_counted(store) as statements:
            await asyncio.gather(
                *(join(socket, secret) for socket, secret in zip(sockets, secrets, strict=True))
            )

    assert 1 <= commits(statements) <= PHONES // 4, f"{commits(statements)} commits for {PHONES} joins"
    assert len(known_on_disk(db_path, retro_id)) == PHONES


async def test_phones_let_in_by_one_group_count_against_the_cap_together(
    session: Session, db_path: Path
) -> None:
    async with serving_with(session, max_participants=5) as server:
        sockets = [await connect(server.websocket_url) for _ in range(12)]
        await asyncio.gather(*(socket.send(hello()) for socket in sockets))
        answers = await asyncio.gather(*(first_answer(socket) for socket in sockets))
        for socket in sockets:
            await socket.close()

    kinds = sorted(answer.get("code", answer["type"]) for answer in answers)
    assert kinds == ["full"] * 7 + ["welcome"] * 5
    assert len(known_on_disk(db_path, session.record.retro_id)) == 5, "a phone turned away is not remembered"


async def test_a_kill_9_in_the_middle_of_a_burst_loses_no_acknowledged_item(tmp_path: Path) -> None:
    db = tmp_path / "retro.db"
    process, printed = start_serve(db, "--port", "0", "--title", "Burst")
    url = printed["Facilitator URL"]
    sent: list[str] = []
    acked: set[str] = set()
    phones: list[Client] = []
    try:
        facilitator = await Client.join(url, facilitator_key=printed["Facilitator key"])
        await facilitator.move("write")
        phones = [await Client.join(url) for _ in range(20)]
        for n in range(25):
            for phone in phones:
                sent.append(await phone.send_command("add_item", **add_item(f"Item {n}")))

        async def read_acks(phone: Client) -> None:
            try:
                while True:
                    message = await phone.recv()
                    if message["type"] == "ack":
                        acked.add(message["id"])
                        if len(acked) == len(sent) // 3:
                            process.send_signal(signal.SIGKILL)
            except ConnectionClosed:
                pass

        await asyncio.wait_for(asyncio.gather(*(read_acks(phone) for phone in phones)), 60)
    finally:
        process.kill()
        process.communicate(timeout=20)
        for client in phones:
            await client.close()

    assert len(sent) // 3 <= len(acked) < len(sent), "the kill came in the middle of the burst"
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as read_only:
        (retro_id,) = read_only.execute("SELECT retro_id FROM retros").fetchone()
    kept = {message_id for message_id in sent if applied(db, retro_id, message_id)}
    assert acked <= kept, f"{len(acked - kept)} acknowledged items were lost"
    added = [event for event in stored_events(db, retro_id) if event["type"] == "item_added"]
    assert len(added) == len(kept), "each command kept is whole: its id and its item together"
    store = SqliteStore(db)
    try:
        record = store.record(retro_id)
        assert record is not None
        assert len(Session.resume(store, record).state.items) == len(kept)
    finally:
        store.close()
