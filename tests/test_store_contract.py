"""One contract, two engines: every EventStore and PulseStore method's documented behaviour, run against a
real SQLite file and a real PostgreSQL database (a throwaway cluster the suite starts itself).

What must be gone after the end of a retro, `retro forget` and the close of a pulse is looked for in the
tables, and in the bytes on disk: the SQLite file and its WAL; PostgreSQL's whole data directory, WAL
included, once routine checkpoints have run (tests/support/postgres.py)."""

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from retro.actors import Facilitator
from retro.commands import AddItem, ChangePhase, WithdrawItem
from retro.events import BALLOT_EVENT_TYPES, Event, ItemAdded, PhaseChanged
from retro.history import find_outcome, forget_retro
from retro.launch import start_session
from retro.phases import Phase
from retro.pulse.lifecycle import answer, close_pulse, my_answers, open_pulse
from retro.pulse.models import PulseAction, PulseAnswer
from retro.records import RetroRecord
from retro.secrets import new_key, new_token, owner_hash, pseudonym
from retro.session import Session
from retro.sqlite_store import SqliteStore
from retro.state import replay
from retro.store import EventStore, RegisteredTeam, StoredCredential
from retro.stores import open_store
from tests.support.anonymity import Needles, scan
from tests.support.postgres import Cluster
from tests.test_forget import (
    BEFORE_REWRITE,
    FACILITATOR_TEXTS,
    PARTICIPANT_TEXTS,
    PHONES,
    TEAM,
    run_to_close,
    secret_of,
)

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
WITHDRAWN = "Planted-withdrawn: said and taken back"


@dataclass
class Engine:
    name: str
    store: EventStore
    on_disk: Callable[[], dict[str, bytes]]
    """Every byte the engine keeps on disk, once what it deletes has been compacted and checkpointed."""


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        path = tmp_path / "retro.db"
        store: EventStore = open_store(path)
        assert isinstance(store, SqliteStore)

        def sqlite_bytes() -> dict[str, bytes]:
            files = (path, path.with_name(path.name + "-wal"))
            return {file.name: file.read_bytes() for file in files if file.exists()}

        yield Engine("sqlite", store, sqlite_bytes)
    else:
        cluster: Cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.new_database()
        store = open_store(url)

        def postgres_bytes() -> dict[str, bytes]:
            cluster.forget_old_wal()
            return cluster.files(url)

        yield Engine("postgres", store, postgres_bytes)
    store.close()


def new_record(team: str = TEAM, title: str = "Sprint 42") -> RetroRecord:
    return RetroRecord(
        retro_id=secrets.token_hex(8),
        title=title,
        team=team,
        created_on=date(2026, 12, 1),
        join_token=new_token(),
        facilitator_key=new_token(),
        retro_key=new_key(),
    )


def phase(to: Phase) -> list[Event]:
    return [PhaseChanged(to=to)]


# --- the log --------------------------------------------------------------------------------------------


def test_events_come_back_in_the_order_appended_with_their_sequence(engine: Engine) -> None:
    store, record = engine.store, new_record()
    store.create_retro(record, phase(Phase.REVIEW))
    assert store.append(record.retro_id, phase(Phase.CHECK_IN) + phase(Phase.WRITE), None)
    assert store.append(record.retro_id, phase(Phase.GROUP), None)

    assert store.events(record.retro_id) == [
        PhaseChanged(to=to) for to in (Phase.REVIEW, Phase.CHECK_IN, Phase.WRITE, Phase.GROUP)
    ]
    assert store.last_seq(record.retro_id) == 4
    assert store.events_since(record.retro_id, 2) == [
        (3, PhaseChanged(to=Phase.WRITE)),
        (4, phase(Phase.GROUP)[0]),
    ]
    assert store.events_since(record.retro_id, 4) == []
    assert store.last_seq("no such retro") == 0 and store.events("no such retro") == []
    assert store.record(record.retro_id) == record


def test_a_message_id_is_applied_once_and_only_in_its_own_retro(engine: Engine) -> None:
    store, first, second = engine.store, new_record(), new_record()
    store.create_retro(first, [])
    store.create_retro(second, [])
    assert store.append(first.retro_id, phase(Phase.WRITE), "message-1")
    assert not store.append(first.retro_id, phase(Phase.GROUP), "message-1")
    assert store.append(second.retro_id, phase(Phase.WRITE), "message-1"), "ids are per retro"

    assert store.events(first.retro_id) == phase(Phase.WRITE)
    assert store.was_applied(first.retro_id, "message-1")
    assert not store.was_applied(first.retro_id, "message-2")


def test_appending_to_an_unknown_retro_fails_and_keeps_nothing(engine: Engine) -> None:
    with pytest.raises(Exception):  # noqa: B017 - each engine's own integrity error
        engine.store.append("no such retro", phase(Phase.WRITE), "message-1")
    assert not engine.store.was_applied("no such retro", "message-1")
    assert engine.store.events("no such retro") == []


def test_a_group_commits_together_a_failing_step_is_undone_alone_and_a_raising_group_keeps_nothing(
    engine: Engine,
) -> None:
    store, record = engine.store, new_record()
    store.create_retro(record, [])
    with store.group():
        store.append(record.retro_id, phase(Phase.WRITE), "kept")
        with pytest.raises(RuntimeError), store.group():
            store.append(record.retro_id, phase(Phase.GROUP), "undone")
            raise RuntimeError("this step fails")
        store.remember_phone(record.retro_id, "ballot-1")
    assert store.events(record.retro_id) == phase(Phase.WRITE)
    assert not store.was_applied(record.retro_id, "undone")
    assert store.known_phones(record.retro_id) == {"ballot-1"}

    with pytest.raises(RuntimeError), store.group():
        store.append(record.retro_id, phase(Phase.VOTE), "whole group undone")
        store.remember_phone(record.retro_id, "ballot-2")
        raise RuntimeError("the group fails")
    assert store.events(record.retro_id) == phase(Phase.WRITE)
    assert store.known_phones(record.retro_id) == {"ballot-1"}
    assert store.append(record.retro_id, phase(Phase.VOTE), None), "the store works on after a failed group"


# --- retros, tokens, phones -----------------------------------------------------------------------------


def test_open_retros_latest_first_or_oldest_first_by_team_and_closed_ones_left_out(engine: Engine) -> None:
    store = engine.store
    older, other, newer = new_record(title="Older"), new_record(team="Ward 9"), new_record(title="Newer")
    for record in (older, other, newer):
        store.create_retro(record, [])

    assert store.latest_open_retro() == newer
    assert store.latest_open_retro("Ward 9") == other
    assert store.latest_open_retro("Nobody") is None
    assert store.open_retros(TEAM) == [older, newer]
    assert store.retros() == [older, other, newer]
    assert store.retros(TEAM) == [older, newer]

    store.forget_pseudonyms(newer.retro_id)
    assert store.latest_open_retro(TEAM) == older
    assert store.open_retros(TEAM) == [older]
    closed = store.record(newer.retro_id)
    assert closed is not None and closed.closed and closed.retro_key is None


def test_a_retro_is_found_by_its_current_or_a_retired_join_token_and_nothing_else(engine: Engine) -> None:
    store, record = engine.store, new_record()
    store.create_retro(record, [])
    store.set_join_token(record.retro_id, "second-token")
    store.set_join_token(record.retro_id, "third-token")

    assert store.retired_tokens(record.retro_id) == {record.join_token, "second-token"}
    for token in (record.join_token, "second-token", "third-token"):
        found = store.retro_for_token(token)
        assert found is not None and found.retro_id == record.retro_id
    current = store.record(record.retro_id)
    assert current is not None and current.join_token == "third-token"
    for stranger in ("", "unknown", "third-token\x00", "'; DROP TABLE retros; --"):
        assert store.retro_for_token(stranger) is None


def test_phones_are_known_per_retro_and_the_port_is_remembered(engine: Engine) -> None:
    store, first, second = engine.store, new_record(), new_record()
    store.create_retro(first, [])
    store.create_retro(second, [])
    store.remember_phone(first.retro_id, "ballot-1")
    store.remember_phone(first.retro_id, "ballot-1")
    store.remember_phone(first.retro_id, "ballot-2")
    store.remember_port(first.retro_id, 8042)

    assert store.known_phones(first.retro_id) == {"ballot-1", "ballot-2"}
    assert store.known_phones(second.retro_id) == set()
    remembered = store.record(first.retro_id)
    assert remembered is not None and remembered.port == 8042


def test_presence_shared_by_processes_counts_each_phone_once_and_only_live_processes(engine: Engine) -> None:
    presence, first, second = engine.store.presence, new_record(), new_record()
    engine.store.create_retro(first, [])
    engine.store.create_retro(second, [])
    for process in ("a", "b", "c"):
        presence.beat(process)
    assert presence.live_processes(60) == {"a", "b", "c"}
    assert presence.live_processes(0) == set(), "seen before now, not within no time at all"
    presence.put(first.retro_id, "a", {"phone-1": False, "phone-2": True}, [])
    presence.put(first.retro_id, "b", {"phone-2": False, "phone-3": False}, [])
    presence.put(second.retro_id, "b", {"phone-9": False}, [])

    assert presence.others(first.retro_id, "c", 60) == {"phone-1": False, "phone-2": True, "phone-3": False}
    assert presence.others(first.retro_id, "a", 60) == {"phone-2": False, "phone-3": False}
    assert presence.others(first.retro_id, "c", 0) == {}, "the rows of a process not seen lately are ignored"

    presence.put(first.retro_id, "b", {"phone-3": True}, ["phone-2"])
    assert presence.others(first.retro_id, "a", 60) == {"phone-3": True}
    presence.forget_process("b")
    assert presence.others(first.retro_id, "a", 60) == {}
    assert presence.others(second.retro_id, "a", 60) == {}
    assert presence.live_processes(60) == {"a", "c"}


def test_presence_is_not_kept_for_a_retro_that_has_ended_or_is_unknown(engine: Engine) -> None:
    presence, record = engine.store.presence, new_record()
    engine.store.create_retro(record, [])
    presence.beat("a")
    presence.put(record.retro_id, "a", {"phone-1": False}, [])
    engine.store.forget_pseudonyms(record.retro_id)
    assert presence.others(record.retro_id, "b", 60) == {}
    presence.put(record.retro_id, "a", {"phone-1": True}, [])  # written late, by a process yet to hear
    presence.put("no-such-retro", "a", {"phone-2": True}, [])
    assert presence.others(record.retro_id, "b", 60) == {}
    assert b"phone-" not in rows_of(engine)


# --- the end of a retro, and forget ---------------------------------------------------------------------


def ended(store: EventStore) -> tuple[Session, Needles]:
    """A retro run through every way words reach the outcome, with a withdrawn item, then ended; and the
    needles that must be gone once it has ended."""
    session = start_session(store, title="Sprint 42", team=TEAM)
    retro_key = session.record.retro_key
    assert retro_key is not None
    session.execute(Facilitator(), ChangePhase(to=Phase.WRITE))
    added = session.execute(
        PHONES[2], AddItem(prompt_id="hard", text=WITHDRAWN, owner_hash=owner_hash(secret_of(WITHDRAWN)))
    ).events[0]
    assert isinstance(added, ItemAdded)
    session.execute(PHONES[2], WithdrawItem(item_id=added.item_id, item_secret=secret_of(WITHDRAWN)))
    session.execute(Facilitator(), ChangePhase(to=Phase.CHECK_IN))
    run_to_close(session)
    needles = Needles()
    needles.add("retro key", retro_key)
    for phone in PHONES:
        store.remember_phone(session.record.retro_id, phone.pseudonym)
        needles.add("pseudonym", phone.pseudonym)
    store.presence.beat("process-a")
    store.presence.put(session.record.retro_id, "process-a", {p.pseudonym: True for p in PHONES}, [])
    assert len(store.presence.others(session.record.retro_id, "process-b", 60)) == len(PHONES)
    for text in (*PARTICIPANT_TEXTS, WITHDRAWN):
        needles.add("owner hash", owner_hash(secret_of(text)))
    needles.add("text before its rewrite", BEFORE_REWRITE)
    needles.add("withdrawn text", WITHDRAWN)
    session.execute(Facilitator(), ChangePhase(to=Phase.ENDED))
    return session, needles


def test_the_end_keeps_the_outcome_and_leaves_no_pseudonym_key_or_erased_word_in_the_tables_or_on_disk(
    engine: Engine,
) -> None:
    session, needles = ended(engine.store)
    retro_id = session.record.retro_id
    events = engine.store.events(retro_id)

    assert replay(retro_id, events) == session.state
    assert not [event for event in events if event.type in BALLOT_EVENT_TYPES]
    assert [event.owner_hash for event in events if isinstance(event, ItemAdded)] == [""] * 8
    added = [event.item_id for event in events if isinstance(event, ItemAdded)]
    assert added == sorted(added), "the items added are in the order of their random ids, not of writing"
    assert engine.store.known_phones(retro_id) == set()
    record = engine.store.record(retro_id)
    assert record is not None and record.retro_key is None and record.closed
    assert scan({"rows": rows_of(engine)}, needles) == []
    assert scan(engine.on_disk(), needles) == []
    assert all(text.encode() in rows_of(engine) for text in FACILITATOR_TEXTS), (
        "what the facilitator wrote stays"
    )


def test_forget_keeps_only_the_outcome_and_leaves_no_participant_word_in_the_tables_or_on_disk(
    engine: Engine,
) -> None:
    session, needles = ended(engine.store)
    retro_id = session.record.retro_id
    for text in PARTICIPANT_TEXTS:
        needles.add("participant text", text)
    needles.add("join token", session.record.join_token)
    needles.add("facilitator key", session.record.facilitator_key)

    forget_retro(engine.store, retro_id)

    assert engine.store.record(retro_id) is None and engine.store.events(retro_id) == []
    outcome = find_outcome(engine.store, retro_id)
    assert outcome.retro_id == retro_id and len(outcome.actions) == 3
    assert len(engine.store.imported(TEAM)) == 1
    assert scan({"rows": rows_of(engine)}, needles) == []
    assert scan(engine.on_disk(), needles) == []
    forget_retro(engine.store, retro_id)
    assert len(engine.store.imported()) == 1, "forgetting again changes nothing"


def test_an_imported_outcome_is_kept_once_and_listed_by_team_oldest_first(engine: Engine) -> None:
    store, hosted = engine.store, new_record()
    store.create_retro(hosted, [])
    assert store.save_imported("later", TEAM, date(2026, 12, 8), '{"n": 2}')
    assert store.save_imported("earlier", TEAM, date(2026, 12, 1), '{"n": 1}')
    assert store.save_imported("elsewhere", "Ward 9", date(2026, 12, 1), '{"n": 3}')
    assert not store.save_imported("later", TEAM, date(2026, 12, 8), '{"n": 4}')
    assert not store.save_imported(hosted.retro_id, TEAM, date(2026, 12, 8), '{"n": 5}')

    assert store.imported(TEAM) == ['{"n": 1}', '{"n": 2}']
    assert len(store.imported()) == 3


def test_a_teams_retention_is_kept_and_replaced(engine: Engine) -> None:
    assert engine.store.retention(TEAM) is None
    engine.store.set_retention(TEAM, "outcome")
    engine.store.set_retention("Ward 9", "raw")
    engine.store.set_retention(TEAM, "raw")
    assert (engine.store.retention(TEAM), engine.store.retention("Ward 9")) == ("raw", "raw")


# --- credentials ----------------------------------------------------------------------------------------


def test_the_operator_credential_is_kept_once(engine: Engine) -> None:
    store = engine.store
    assert not store.has_operator()
    assert store.save_operator_credential("operator-hash", date(2026, 12, 1))
    assert not store.save_operator_credential("another-hash", date(2026, 12, 2))
    assert store.has_operator()
    assert store.find_credential("operator-hash") == StoredCredential("operator", None, False)
    assert store.find_credential("another-hash") is None
    assert store.find_credential("\x00") is None


def test_teams_are_registered_revoked_with_every_token_and_readded_with_a_new_one(engine: Engine) -> None:
    store, day = engine.store, date(2026, 12, 1)
    assert store.save_team_credential("Ward 9", "hash-9", day)
    assert store.save_team_credential(TEAM, "hash-7", day)
    assert not store.save_team_credential(TEAM, "hash-7b", day), "registered and not revoked"
    assert store.registered_teams() == [
        RegisteredTeam("Ward 7", day, False),
        RegisteredTeam("Ward 9", day, False),
    ]

    assert store.revoke_team_credentials(TEAM)
    assert not store.revoke_team_credentials("Nobody")
    assert store.find_credential("hash-7") == StoredCredential("team", TEAM, True)
    assert store.registered_teams()[0] == RegisteredTeam(TEAM, day, True)

    assert store.save_team_credential(TEAM, "hash-7c", date(2026, 12, 9))
    assert store.find_credential("hash-7c") == StoredCredential("team", TEAM, False)
    assert store.find_credential("hash-7") == StoredCredential("team", TEAM, True), "old tokens stay dead"
    assert store.find_credential("hash-9") == StoredCredential("team", "Ward 9", False)


def test_the_store_answers_while_open(engine: Engine) -> None:
    assert engine.store.is_reachable()


# --- pulses ---------------------------------------------------------------------------------------------


def values_for(record_questions: Any, value: int) -> list[PulseAnswer]:
    return [PulseAnswer(question_id=q.id, value=min(value, q.high)) for q in record_questions]


def test_a_pulse_takes_answers_while_open_and_keeps_only_a_shuffled_count_after_the_close(
    engine: Engine,
) -> None:
    pulses = engine.store.pulses
    record = open_pulse(pulses, team=TEAM, now=MONDAY)
    assert pulses.pulse(record.pulse_id) == record
    assert pulses.pulse_for_token(record.join_token) == record
    assert pulses.pulse_for_token("\x00") is None and pulses.pulse_for_token("nothing") is None
    phone_secrets = [secrets.token_urlsafe(24) for _ in range(4)]
    for n, secret in enumerate(phone_secrets):
        answer(pulses, record, secret, values_for(record.questions, 3 + n))
    comment = "Planted-comment: the rota is unfair"
    answer(
        pulses,
        record,
        phone_secrets[0],
        [*values_for(record.questions, 9), PulseAnswer(question_id="help", text=comment)],
    )

    assert pulses.answer_count(record.pulse_id) == 4
    assert [a.value for a in my_answers(pulses, record, phone_secrets[0])][:1] == [9], (
        "answering again replaces"
    )
    needles = Needles()
    assert record.pulse_key is not None
    needles.add("pulse key", record.pulse_key)
    for secret in phone_secrets:
        needles.add("pseudonym", pseudonym(record.pulse_key, secret))

    closed = close_pulse(pulses, record.pulse_id)
    assert closed.closed and closed.pulse_key is None
    assert pulses.answer_count(record.pulse_id) == 4, "the count is kept"
    stored = pulses.stored_answers(record.pulse_id)
    assert len(stored) == 4 * len(record.questions) + 1
    assert [a.text for a in stored if a.text] == [comment]
    assert not pulses.replace_answers(record.pulse_id, "late-ballot", values_for(record.questions, 5))
    assert pulses.answer_count(record.pulse_id) == 4
    assert scan({"rows": rows_of(engine)}, needles) == []
    assert scan(engine.on_disk(), needles) == []


def test_pulses_are_listed_oldest_first_by_team_and_count_what_they_asked(engine: Engine) -> None:
    pulses = engine.store.pulses
    first = open_pulse(pulses, team=TEAM, now=MONDAY)
    elsewhere = open_pulse(pulses, team="Ward 9", now=MONDAY + timedelta(days=1))
    second = open_pulse(pulses, team=TEAM, now=MONDAY + timedelta(weeks=1))
    assert [p.pulse_id for p in pulses.pulses(TEAM)] == [first.pulse_id, second.pulse_id]
    assert [p.pulse_id for p in pulses.pulses()] == [first.pulse_id, elsewhere.pulse_id, second.pulse_id]
    counts = pulses.asked_counts(TEAM)
    assert counts["motivation"] == 2 and sum(counts.values()) == len(first.questions) + len(second.questions)
    assert pulses.answers_of(first.pulse_id, "nobody") == []


def test_pulse_actions_are_kept_in_the_order_recorded_and_roll_ups_once(engine: Engine) -> None:
    pulses = engine.store.pulses
    record = open_pulse(pulses, team=TEAM, now=MONDAY)

    def action(action_id: str, text: str, status: Any = "open") -> PulseAction:
        return PulseAction(
            action_id=action_id, team=TEAM, pulse_id=record.pulse_id, text=text, owner="Sam",
            due=date(2026, 12, 14), status=status,
        )  # fmt: skip

    pulses.save_action(action("a", "First"))
    pulses.save_action(action("b", "Second"))
    assert [a.text for a in pulses.actions(TEAM)] == ["First", "Second"]
    pulses.save_action(action("a", "First", "done"))
    assert [(a.text, a.status) for a in pulses.actions(TEAM)] == [("Second", "open"), ("First", "done")]
    assert pulses.action("a") == action("a", "First", "done") and pulses.action("z") is None
    assert pulses.actions("Ward 9") == []

    pulses.release_rollup("2026-W49", frozenset({TEAM, "Ward 9"}))
    pulses.release_rollup("2026-W49", frozenset({"Ward 9", TEAM}))
    assert pulses.released_rollups("2026-W49") == [frozenset({TEAM, "Ward 9"})]
    assert pulses.released_rollups("2026-W50") == []


# --- reading what an engine keeps -----------------------------------------------------------------------


def rows_of(engine: Engine) -> bytes:
    """Every row of every table, as bytes: text as UTF-8, binary values as they are."""
    if isinstance(engine.store, SqliteStore):
        db = engine.store._db
        tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        rows = [row for table in tables for row in db.execute(f"SELECT * FROM {table}")]
    else:
        db = engine.store._database.db  # type: ignore[attr-defined]
        tables = [
            name
            for (name,) in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
        ]
        rows = [row for table in tables for row in db.execute(f"SELECT * FROM {table}").fetchall()]
    return b"\n".join(
        value if isinstance(value, bytes) else str(value).encode() for row in rows for value in row
    )
