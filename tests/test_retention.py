"""Forgetting: a retro's raw items go for good, its outcome stays; a team can choose to keep only outcomes."""

import subprocess
import sys
from pathlib import Path

from retro.actors import Facilitator
from retro.commands import ChangePhase
from retro.history import find_outcome, history_rows
from retro.launch import start_session
from retro.phases import Phase
from retro.retention import Keep, stripped
from retro.session import Session
from retro.sqlite_store import SqliteStore
from tests.support.retro_fixtures import FORMULA, NASTY, run_retro

RETRO = [sys.executable, "-m", "cli"]


def file_bytes(db_path: Path) -> bytes:
    files = [db_path, db_path.with_name(db_path.name + "-wal")]
    return b"".join(path.read_bytes() for path in files if path.exists())


def test_forget_drops_raw_items_and_keeps_the_outcome(
    session: Session, db_path: Path, store: SqliteStore
) -> None:
    run_retro(session, end=True)
    assert b"Rota changes at short notice" in file_bytes(db_path)
    store.close()

    result = subprocess.run(
        [*RETRO, "forget", "latest", "--db", str(db_path)], capture_output=True, text=True
    )
    assert result.returncode == 0 and "its outcome stays in history" in result.stdout

    raw = file_bytes(db_path)
    for text in ("Rota changes at short notice", "Night shift handover", FORMULA, NASTY):
        assert text.encode() not in raw, f"{text!r} should be forgotten"
    reopened = SqliteStore(db_path)
    outcome = find_outcome(reopened, session.record.retro_id)
    titles = {topic.title: (topic.votes, topic.items) for topic in outcome.topics}
    assert titles == {"Untitled topic 1": (2, ()), "Handover [and] rota": (0, ())}
    assert [(action.text, action.topic) for action in outcome.actions] == [
        ("Write | the <runbook>", None),
        ("-2 hours of overtime", "Untitled topic 1"),
    ]
    assert outcome.check_in[0].mean == 7.0 and outcome.roti is not None and outcome.roti.mean == 4.0
    [row] = history_rows(reopened, "Ward 7")
    assert (row.kept, row.items, row.check_in_mean) == ("outcome", 4, 7.0)
    reopened.close()


def test_forgetting_a_forgotten_outcome_changes_nothing(session: Session, store: SqliteStore) -> None:
    run_retro(session, end=True)
    once = stripped(find_outcome(store, session.record.retro_id))
    assert stripped(once) == once
    assert [topic.title for topic in once.topics] == ["Untitled topic 1", "Handover [and] rota"]


def test_a_team_that_keeps_outcomes_forgets_raw_items_when_a_retro_ends(
    store: SqliteStore, db_path: Path
) -> None:
    store.set_retention("Ward 7", Keep.OUTCOME)
    session = start_session(store, title="Sprint 43", team="Ward 7")
    session.execute(Facilitator(), ChangePhase(to=Phase.WRITE))
    run_retro(session)
    assert b"Night shift handover" in file_bytes(db_path)
    session.execute(Facilitator(), ChangePhase(to=Phase.ENDED))
    assert b"Night shift handover" not in file_bytes(db_path)
    assert [row.kept for row in history_rows(store, "Ward 7")] == ["outcome"]


def test_keep_needs_a_team(tmp_path: Path) -> None:
    result = subprocess.run(
        [*RETRO, "serve", "--db", str(tmp_path / "r.db"), "--keep", "outcome"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "--keep sets a team's retention; give the team with --team" in result.stderr
