"""`retro migrate --from FILE.db --to postgresql://…`: a SQLite file made by the real product (retros through
Session, pulses through retro.pulse, teams through retro.credentials) is copied into a real PostgreSQL
database (the suite's throwaway cluster), which then answers every store query as the file did. A second run
changes nothing; a run killed or failing half way leaves nothing and is completed by the next; a target that
holds other data is refused, unchanged; every bad option fails in one line, never showing the password."""

import contextlib
import io
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli.main import main
from retro.actors import Facilitator, Participant
from retro.commands import (
    AddItem,
    AnswerCheckIn,
    AnswerRoti,
    CastVote,
    ChangePhase,
    LockJoining,
    RecordAction,
    RotateJoinToken,
)
from retro.credentials import (
    OperatorCredential,
    TeamCredential,
    add_team,
    authenticate,
    issue_operator_token,
    revoke_team,
    secret_hash,
)
from retro.events import ItemAdded
from retro.launch import resume_session, start_session
from retro.phases import Phase
from retro.pulse.actions import record_action
from retro.pulse.lifecycle import answer, close_pulse, open_pulse
from retro.pulse.models import PulseAnswer
from retro.pulse.results import results
from retro.pulse.rollups import rollup
from retro.pulse.trend import trend
from retro.retention import Keep
from retro.secrets import owner_hash, pseudonym
from retro.session import Session
from retro.sqlite_store import FILE_VERSION, SqliteStore
from retro.store import EventStore
from retro.stores import open_store
from tests.support.fuzzing import FUZZ
from tests.support.postgres import Cluster
from tests.support.waiting import until

ROOT = Path(__file__).resolve().parent.parent
WARD, NIGHTS, DAYS = "Ward 7", "Night shift", "Day shift"
FACILITATOR = Facilitator()
PHONES = [Participant(f"pseudonym-of-phone-{n}") for n in range(3)]
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
HOLD = (42, 42)
"""The advisory lock a test trigger waits on, to stop a copy half way."""


@dataclass(frozen=True)
class Source:
    path: Path
    operator: str
    """The operator's token, as `retro serve` showed it once."""
    teams: dict[str, str]
    """Each team's token."""
    message_ids: list[str]
    phone_secrets: list[str]


@pytest.fixture
def source(tmp_path: Path) -> Source:
    """A file as a season of use leaves it: an operator, three teams (one revoked), a team keeping only
    outcomes, ended retros (one forgotten to its outcome), a retro open in Write with a rotated link,
    phones and applied message ids, two pulses (one closed, with an action and a roll-up) and one open."""
    path = tmp_path / "retro.db"
    store = SqliteStore(path)
    operator = issue_operator_token(store, date(2026, 9, 1))
    assert operator is not None
    teams = {team: add_team(store, team, date(2026, 9, 2)) for team in (WARD, NIGHTS, DAYS)}
    revoke_team(store, DAYS)
    store.set_retention(NIGHTS, Keep.OUTCOME)
    store.set_retention(WARD, Keep.RAW)

    for team, title in ((WARD, "Sprint 41"), (NIGHTS, "Nights in November")):
        run_to_its_end(start_session(store, title=title, team=team))

    live = start_session(store, title="Sprint 42", team=WARD)
    live.execute(FACILITATOR, ChangePhase(to=Phase.WRITE))
    message_ids = [f"message-{n}" for n in range(3)]
    for phone, message_id in zip(PHONES, message_ids, strict=True):
        live.remember_phone(phone.pseudonym)
        text = f"Written by {phone.pseudonym}"
        live.execute(phone, AddItem(prompt_id="hard", text=text, owner_hash=owner_hash(text)), message_id)
    live.execute(FACILITATOR, RotateJoinToken())
    live.execute(FACILITATOR, LockJoining(locked=True))

    phone_secrets = [f"phone-secret-{n}" for n in range(4)]
    for team, values in ((WARD, (4, 6, 7, 9)), (NIGHTS, (3, 5, 8))):
        pulse = open_pulse(store.pulses, team=team, now=MONDAY, closes_at=MONDAY + timedelta(days=3))
        for secret, value in zip(phone_secrets, values, strict=False):
            given = [PulseAnswer(question_id="motivation", value=value)]
            answer(
                store.pulses, pulse, secret, [*given, PulseAnswer(question_id="help", text=f"More {secret}")]
            )
        close_pulse(store.pulses, pulse.pulse_id)
        record_action(
            store.pulses,
            pulse_id=pulse.pulse_id,
            text="Fewer night calls",
            owner="Sam",
            due=date(2026, 12, 11),
        )
    rollup(store.pulses, (WARD, NIGHTS), "2026-W49")
    still_open = open_pulse(store.pulses, team=WARD, now=MONDAY + timedelta(days=7))
    answer(store.pulses, still_open, phone_secrets[0], [PulseAnswer(question_id="motivation", value=5)])
    store.close()
    return Source(path, operator, teams, message_ids, phone_secrets)


def run_to_its_end(session: Session) -> None:
    """Items written, a check-in answered, a vote, an action, a ROTI, the end."""
    session.execute(FACILITATOR, ChangePhase(to=Phase.WRITE))
    topics = []
    for phone in PHONES:
        text = f"Said by {phone.pseudonym}"
        added = session.execute(phone, AddItem(prompt_id="hard", text=text, owner_hash=owner_hash(text)))
        assert isinstance(added.events[0], ItemAdded)
        topics.append(added.events[0].item_id)
    session.execute(FACILITATOR, ChangePhase(to=Phase.CHECK_IN))
    for phone, value in zip(PHONES, (6, 7, 8), strict=True):
        session.execute(phone, AnswerCheckIn(question_id="motivation", value=value))
    for phase in (Phase.GROUP, Phase.VOTE):
        session.execute(FACILITATOR, ChangePhase(to=phase))
    for phone in PHONES:
        session.execute(phone, CastVote(topic_id=topics[0]))
    session.execute(FACILITATOR, ChangePhase(to=Phase.DISCUSS))
    due = date(2026, 12, 4)
    session.execute(FACILITATOR, RecordAction(text="Fix the rota", owner="Sam", due=due, topic_id=topics[0]))
    session.execute(FACILITATOR, ChangePhase(to=Phase.CLOSE))
    for phone in PHONES:
        session.execute(phone, AnswerRoti(value=4))
    session.execute(FACILITATOR, ChangePhase(to=Phase.ENDED))


def migrate(source: Path | str, url: str) -> int:
    return main(["migrate", "--from", str(source), "--to", url])


def answers(store: EventStore, source: Source) -> dict[str, Any]:
    """What every store query answers, about everything the source file keeps."""
    seen: dict[str, Any] = {
        "retros": store.retros(),
        "imported": store.imported(),
        "registered teams": store.registered_teams(),
        "has operator": store.has_operator(),
        "latest open": store.latest_open_retro(),
        "operator": store.find_credential(secret_hash(source.operator)),
        "pulses": store.pulses.pulses(),
    }
    for record in store.retros():
        retro_id = record.retro_id
        seen[retro_id] = (
            store.events(retro_id),
            store.record(retro_id),
            store.last_seq(retro_id),
            store.events_since(retro_id, 2),
            store.retired_tokens(retro_id),
            store.known_phones(retro_id),
            [store.was_applied(retro_id, message_id) for message_id in source.message_ids],
            [store.retro_for_token(token) for token in (record.join_token, *store.retired_tokens(retro_id))],
        )
    for team, token in source.teams.items():
        seen[team] = (
            store.retention(team),
            store.imported(team),
            store.retros(team),
            store.open_retros(team),
            store.latest_open_retro(team),
            store.find_credential(secret_hash(token)),
            store.pulses.actions(team),
            store.pulses.asked_counts(team),
            trend(store.pulses, team),
        )
    for pulse in store.pulses.pulses():
        seen[pulse.pulse_id] = (
            store.pulses.pulse(pulse.pulse_id),
            store.pulses.pulse_for_token(pulse.join_token),
            store.pulses.answer_count(pulse.pulse_id),
            store.pulses.stored_answers(pulse.pulse_id),
            results(store.pulses, pulse.pulse_id) if pulse.closed else None,
            [
                store.pulses.answers_of(pulse.pulse_id, pseudonym(pulse.pulse_key, secret))
                for secret in source.phone_secrets
                if pulse.pulse_key is not None
            ],
        )
        for action in store.pulses.actions(pulse.team):
            seen[action.action_id] = store.pulses.action(action.action_id)
    seen["roll-ups"] = store.pulses.released_rollups("2026-W49")
    return seen


def opened(db: str | Path, source: Source) -> dict[str, Any]:
    store = open_store(db)
    try:
        return answers(store, source)
    finally:
        store.close()


def tables(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as PostgreSQL keeps them (sequences' numbers included)."""
    with psycopg.connect(url) as db:
        names = [
            str(name)
            for (name,) in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {name: sorted(db.execute(f"SELECT * FROM {name}").fetchall(), key=repr) for name in names}


def database_of(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


@pytest.fixture
def admin(postgres_cluster: Cluster, postgres_url: str) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """The superuser, in the test's own database."""
    with postgres_cluster.admin(database_of(postgres_url)) as connection:
        yield connection


def test_after_migrating_postgres_answers_every_query_as_the_sqlite_file_did(
    source: Source, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = opened(source.path, source)

    assert migrate(source.path, postgres_url) == 0

    printed = capsys.readouterr()
    port = urlsplit(postgres_url).port
    assert printed.out == (
        f"Copied to 127.0.0.1:{port}/{database_of(postgres_url)}: 2 retros, 1 imported outcome,"
        " 2 teams' retention, 3 registered teams, 1 operator credential, 3 pulses, 2 pulse actions,"
        " 1 released roll-up.\n"
    )
    assert printed.err == ""
    after = opened(postgres_url, source)
    assert after == before
    assert len(after["retros"]) == 2 and len(after["imported"]) == 1 and len(after["pulses"]) == 3
    assert opened(source.path, source) == before, "the file is as it was"


def test_tokens_that_worked_against_the_file_work_against_postgres(source: Source, postgres_url: str) -> None:
    assert migrate(source.path, postgres_url) == 0

    store = open_store(postgres_url)
    try:
        assert authenticate(store, source.operator) == OperatorCredential()
        assert authenticate(store, source.teams[WARD]) == TeamCredential(WARD)
        assert authenticate(store, source.teams[NIGHTS]) == TeamCredential(NIGHTS)
        assert authenticate(store, source.teams[DAYS]) is None, "a revoked team stays revoked"
        live = store.latest_open_retro(WARD)
        assert live is not None and store.retro_for_token(live.join_token) == live
    finally:
        store.close()


def test_retro_history_on_postgres_lists_what_it_listed_on_the_file(
    source: Source, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["history", "--db", str(source.path)]) == 0
    from_file = capsys.readouterr().out
    assert migrate(source.path, postgres_url) == 0
    capsys.readouterr()

    assert main(["history", "--db", postgres_url]) == 0

    assert capsys.readouterr().out == from_file
    assert "Sprint 41" in from_file and "Sprint 42" in from_file and "Nights in November" in from_file


def test_a_second_run_changes_nothing_and_says_so(
    source: Source, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert migrate(source.path, postgres_url) == 0
    copied = tables(postgres_url)
    capsys.readouterr()

    assert migrate(source.path, postgres_url) == 0

    port = urlsplit(postgres_url).port
    assert capsys.readouterr().out == (
        f"Nothing to copy: 127.0.0.1:{port}/{database_of(postgres_url)} already holds everything in"
        f" {str(source.path)!r}; nothing changed.\n"
    )
    assert tables(postgres_url) == copied


def test_a_copy_that_fails_at_one_table_changes_nothing_and_the_next_run_completes_it(
    source: Source, postgres_url: str, admin: psycopg.Connection[tuple[object, ...]],
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    empty = tables(postgres_url)
    admin.execute(
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS"
        " $$ BEGIN RAISE EXCEPTION 'the disk is full'; END $$"
    )
    admin.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON pulse_answers FOR EACH ROW EXECUTE FUNCTION refuse()"
    )

    assert migrate(source.path, postgres_url) == 1

    error = capsys.readouterr().err
    port = urlsplit(postgres_url).port
    assert error == (
        f"retro: the copy to 127.0.0.1:{port}/{database_of(postgres_url)} failed, nothing was changed:"
        " the disk is full\n"
    )
    assert tables(postgres_url) == empty, "the retros, teams and credentials copied before it are undone"
    admin.execute("DROP TRIGGER refuse ON pulse_answers")
    assert migrate(source.path, postgres_url) == 0
    assert opened(postgres_url, source) == opened(source.path, source)


async def test_a_run_killed_mid_copy_leaves_nothing_and_the_next_run_completes_it(
    source: Source, postgres_url: str, admin: psycopg.Connection[tuple[object, ...]]
) -> None:
    empty = tables(postgres_url)
    admin.execute(
        "CREATE FUNCTION hold() RETURNS trigger LANGUAGE plpgsql AS"
        f" $$ BEGIN PERFORM pg_advisory_xact_lock({HOLD[0]}, {HOLD[1]}); RETURN NEW; END $$"
    )
    admin.execute("CREATE TRIGGER hold BEFORE INSERT ON pulse_answers FOR EACH ROW EXECUTE FUNCTION hold()")
    admin.execute("SELECT pg_advisory_lock(%s, %s)", HOLD)
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "migrate", "--from", str(source.path), "--to", postgres_url],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        await until(lambda: waiting_on_hold(admin) or process.poll() is not None, timeout=60)
        assert process.poll() is None, "the copy ended before it reached the pulses' answers"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
        admin.execute("SELECT pg_advisory_unlock(%s, %s)", HOLD)
    admin.execute("DROP TRIGGER hold ON pulse_answers")

    assert tables(postgres_url) == empty, "retros, teams and credentials were copied before the kill: undone"
    assert migrate(source.path, postgres_url) == 0
    assert opened(postgres_url, source) == opened(source.path, source)


def waiting_on_hold(admin: psycopg.Connection[tuple[object, ...]]) -> bool:
    """Whether a copy is stopped at the trigger, waiting for the HOLD lock."""
    row = admin.execute(
        "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        " AND classid = %s AND objid = %s",
        HOLD,
    ).fetchone()
    return row is not None and row[0] != 0


def refused(url: str, capsys: pytest.CaptureFixture[str], source: Source) -> str:
    """What a run against a target holding other data says; checks it changed nothing and failed."""
    before = tables(url)
    capsys.readouterr()
    assert migrate(source.path, url) == 1
    printed = capsys.readouterr()
    assert printed.out == "" and printed.err.count("\n") == 1
    assert tables(url) == before
    where = f"127.0.0.1:{urlsplit(url).port}/{database_of(url)}"
    return printed.err.removeprefix(
        f"retro: {where} already holds other data, so nothing was copied: there, "
    )


def test_a_target_whose_retro_has_other_events_is_refused_unchanged(
    source: Source, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert migrate(source.path, postgres_url) == 0
    store = open_store(postgres_url)
    live = store.latest_open_retro(WARD)
    assert live is not None
    resume_session(store, live).execute(FACILITATOR, LockJoining(locked=False))
    store.close()

    assert (
        refused(postgres_url, capsys, source)
        == f"retro {live.retro_id} ('Sprint 42') has different events.\n"
    )


def test_a_target_whose_team_keeps_otherwise_is_refused_unchanged(
    source: Source, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(postgres_url)
    store.set_retention(WARD, Keep.OUTCOME)
    store.close()

    assert refused(postgres_url, capsys, source) == "team 'Ward 7' has a different retention.\n"


def test_a_target_with_another_operator_credential_is_refused_unchanged(
    source: Source, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(postgres_url)
    other = issue_operator_token(store)
    store.close()

    said = refused(postgres_url, capsys, source)

    assert said == "the operator has a different credential.\n"
    assert other is not None and other not in said and source.operator not in said


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def bad_inputs(source: Source, cluster: Cluster, directory: Path) -> dict[str, tuple[str, str]]:
    """Each bad pair of options, by what is wrong with it."""
    not_sqlite = directory / "notes.db"
    not_sqlite.write_text("these are notes, not a database\n" * 100)
    no_retros = directory / "other.db"
    sqlite3.connect(no_retros).execute("CREATE TABLE t (x)").connection.close()
    newer = directory / "newer.db"
    newer.write_bytes(source.path.read_bytes())
    with sqlite3.connect(newer) as db:
        db.execute(f"PRAGMA user_version = {FILE_VERSION + 1}")
    good, file = cluster.url("postgres"), str(source.path)
    return {
        "missing file": (str(directory / "nothing.db"), good),
        "a directory": (str(directory), good),
        "not a database": (str(not_sqlite), good),
        "not a retro database": (str(no_retros), good),
        "a newer file": (str(newer), good),
        "--from a URL": (good, good),
        "--to a file": (file, str(directory / "target.db")),
        "a bad port": (file, good.replace(f":{cluster.port}/", ":notaport/")),
        "nothing listening": (file, good.replace(f":{cluster.port}/", f":{closed_port()}/")),
        "a wrong password": (file, good.replace(cluster.password, "Wr0ng-s3cret-pw")),
        "no such database": (file, good.replace("/postgres", "/no_such_database")),
    }


EXPECTED = {
    "missing file": "there is no file '{directory}/nothing.db'",
    "a directory": "'{directory}' is not a file",
    "not a database": "'{directory}/notes.db' is not a retro database (file is not a database)",
    "not a retro database": "'{directory}/other.db' is not a retro database: it has no retros and events",
    "a newer file": (
        f"'{{directory}}/newer.db' was written by a newer retro (file version {FILE_VERSION + 1}; this one"
        f" reads up to {FILE_VERSION}): upgrade retro"
    ),
    "--from a URL": "--from takes the SQLite file to copy; the database goes in --to.",
    "--to a file": "--to takes a PostgreSQL database's URL, like postgresql://host/retro.",
}


@pytest.mark.parametrize(
    "wrong", [*EXPECTED, "a bad port", "nothing listening", "a wrong password", "no such database"]
)
def test_every_bad_option_fails_in_one_line_without_the_password_or_a_traceback(
    wrong: str, source: Source, postgres_cluster: Cluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = tmp_path / "inputs"
    directory.mkdir()
    given_from, given_to = bad_inputs(source, postgres_cluster, directory)[wrong]

    code = migrate(given_from, given_to)

    printed = capsys.readouterr()
    assert code in (1, 2) and printed.out == ""
    assert printed.err.startswith("retro: ") and printed.err.count("\n") == 1, printed.err
    assert postgres_cluster.password not in printed.err and "Wr0ng-s3cret-pw" not in printed.err
    if wrong in EXPECTED:
        assert printed.err == f"retro: {EXPECTED[wrong].format(directory=directory)}\n"
    else:
        assert printed.err.startswith("retro: the PostgreSQL server at "), printed.err


URL_PART = st.text(st.characters(blacklist_characters="@/?#"), max_size=20)
"""Any text that keeps the URL's host 127.0.0.1, so that no fuzzed URL reaches another machine."""


@FUZZ
@given(given_from=st.text(max_size=40), user=URL_PART, password=URL_PART, database=URL_PART)
def test_fuzzed_options_fail_in_one_line_without_a_traceback_or_the_password(
    given_from: str, user: str, password: str, database: str, source: Source, tmp_path: Path
) -> None:
    """Any --from (at a file that is there, or not), and any user, password and database in a URL whose
    server does not answer: one `retro:` line, never the password."""
    password = f"S3cret{password}"
    url = f"postgresql://{user}:{password}@127.0.0.1:{closed_port()}/{database}"
    for from_file in (given_from, str(source.path)):
        done = run_quietly(["migrate", f"--from={from_file}", f"--to={url}"])
        assert done.code in (1, 2), done
        assert done.err.startswith("retro: ") and done.err.count("\n") == 1, done
        assert "S3cret" not in done.err, done
        assert done.out == ""


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def run_quietly(argv: list[str]) -> Run:
    """`retro …` in this process, its output kept."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as stopped:  # argparse, for options it cannot parse
            code = int(stopped.code or 0)
    return Run(code, out.getvalue(), err.getvalue())
