"""Forget means forget: after `retro forget`, after a `--keep outcome` team's retro ends, and after any retro
ends, no participant text that should be gone is in the SQLite file, its WAL or any export. What the
facilitator wrote (topic names, notes, actions) stays, and so do the totals."""

import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from cli.main import main
from retro.actors import Facilitator, Participant
from retro.commands import (
    AddItem,
    AddNote,
    AnswerCheckIn,
    AnswerRoti,
    CastVote,
    ChangePhase,
    ClaimItem,
    HoldItem,
    MergeTopics,
    RecordAction,
    RenameTopic,
    RewriteItem,
)
from retro.events import ItemAdded
from retro.history import find_outcome
from retro.launch import resume_session, start_session
from retro.phases import Phase
from retro.retention import Keep
from retro.rules import decide
from retro.secrets import owner_hash
from retro.session import Session
from retro.sqlite_store import SqliteStore
from retro.state import replay

TEAM = "Ward 7"
FACILITATOR = Facilitator()
PHONES = [Participant(f"pseudonym-of-phone-{n}") for n in range(3)]

VOTED = "Planted-voted: the night rota burns people out"
NOTED = "Planted-noted: handovers lose the context"
ACTED = "Planted-acted: nobody owns the checklist"
IGNORED = "Planted-ignored: the coffee machine is broken"
MERGED = ("Planted-merged-a: notes go missing", "Planted-merged-b: the board is out of date")
RENAMED = "Planted-renamed: the pager goes off at three"
BEFORE_REWRITE = "Planted-before-rewrite: Sam ignores the runbook"
AFTER_REWRITE = "Planted-after-rewrite: the runbook is hard to find"
CLAIMED_BY = "Planted-claimer Jo"
PARTICIPANT_TEXTS = (
    VOTED,
    NOTED,
    ACTED,
    IGNORED,
    *MERGED,
    RENAMED,
    BEFORE_REWRITE,
    AFTER_REWRITE,
    CLAIMED_BY,
)

GROUP_NAME = "Handover gaps"
RENAME = "Out-of-hours paging"
NOTE = "Facilitator note: try a shared template"
ACTIONS = ("Draft a handover template", "Give the checklist an owner", "Ask for a second night nurse")
FACILITATOR_TEXTS = (GROUP_NAME, RENAME, NOTE, *ACTIONS)

EXPORTS = (
    ("md", "actions"),
    ("html", "actions"),
    ("csv", "actions"),
    ("csv", "items"),
    ("jira-csv", "actions"),
    ("json", "actions"),
    ("ics", "actions"),
    ("pdf", "actions"),
)


def file_bytes(db_path: Path) -> bytes:
    files = [db_path, db_path.with_name(db_path.name + "-wal")]
    return b"".join(path.read_bytes() for path in files if path.exists())


def secret_of(text: str) -> str:
    return f"item-secret-for-{len(text):04d}-{text[8:20]}"


@dataclass
class Topics:
    voted: str
    noted: str
    acted: str
    renamed: str
    rewritten: str


def write(session: Session, text: str, phone: Participant = PHONES[0]) -> str:
    added = session.execute(
        phone, AddItem(prompt_id="hard", text=text, owner_hash=owner_hash(secret_of(text)))
    ).events[0]
    assert isinstance(added, ItemAdded)
    return added.item_id


def run_to_close(session: Session) -> Topics:
    """Every way a participant's words can reach the outcome: as a lone item's title (voted on, noted on,
    acted on), inside a named group, renamed by the facilitator, rewritten after a hold, and claimed."""
    session.execute(FACILITATOR, ChangePhase(to=Phase.WRITE))
    voted, noted, acted = write(session, VOTED), write(session, NOTED), write(session, ACTED)
    write(session, IGNORED)
    merged = tuple(write(session, text) for text in MERGED)
    renamed = write(session, RENAMED)
    rewritten = write(session, BEFORE_REWRITE, PHONES[1])
    session.execute(FACILITATOR, HoldItem(item_id=rewritten, reason="Names a person"))
    rewrite = RewriteItem(item_id=rewritten, item_secret=secret_of(BEFORE_REWRITE), text=AFTER_REWRITE)
    session.execute(PHONES[1], rewrite)
    session.execute(FACILITATOR, ChangePhase(to=Phase.CHECK_IN))
    for phone, value in zip(PHONES, (6, 7, 8), strict=True):
        session.execute(phone, AnswerCheckIn(question_id="motivation", value=value))
    session.execute(FACILITATOR, ChangePhase(to=Phase.GROUP))
    session.execute(FACILITATOR, MergeTopics(topic_ids=merged, title=GROUP_NAME))
    session.execute(FACILITATOR, RenameTopic(topic_id=renamed, title=RENAME))
    session.execute(FACILITATOR, ChangePhase(to=Phase.VOTE))
    for phone in PHONES[:2]:
        session.execute(phone, CastVote(topic_id=voted))
    session.execute(PHONES[2], CastVote(topic_id=renamed))
    session.execute(FACILITATOR, ChangePhase(to=Phase.DISCUSS))
    session.execute(FACILITATOR, AddNote(topic_id=noted, text=NOTE))
    claim = ClaimItem(item_id=voted, item_secret=secret_of(VOTED), name=CLAIMED_BY)
    session.execute(PHONES[0], claim)
    due = date(2026, 12, 4)
    session.execute(FACILITATOR, RecordAction(text=ACTIONS[0], owner="Sam", due=due))
    session.execute(FACILITATOR, RecordAction(text=ACTIONS[1], owner="Priya", due=due, topic_id=acted))
    session.execute(FACILITATOR, RecordAction(text=ACTIONS[2], owner="Jo", due=due, topic_id=voted))
    session.execute(FACILITATOR, ChangePhase(to=Phase.CLOSE))
    for phone in PHONES:
        session.execute(phone, AnswerRoti(value=4))
    return Topics(voted, noted, acted, renamed, rewritten)


def ended_retro(store: SqliteStore) -> Session:
    session = start_session(store, title="Sprint 42", team=TEAM)
    run_to_close(session)
    session.execute(FACILITATOR, ChangePhase(to=Phase.ENDED))
    return session


def retro(*args: str) -> None:
    assert main(list(args)) == 0


def export_everything(db_path: Path, retro_id: str, directory: Path) -> dict[str, bytes]:
    """Every export format, written by the real `retro export` command."""
    outputs = {}
    for export_format, what in EXPORTS:
        path = directory / f"{export_format}-{what}.out"
        retro(
            "export",
            retro_id,
            "--format",
            export_format,
            "--what",
            what,
            "--out",
            str(path),
            "--db",
            str(db_path),
        )
        data = path.read_bytes()
        if export_format == "pdf":
            data = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
        outputs[f"{export_format} {what}"] = data
    return outputs


def found(texts: tuple[str, ...], surfaces: dict[str, bytes]) -> list[tuple[str, str]]:
    return [(name, text) for name, data in surfaces.items() for text in texts if text.encode() in data]


@pytest.fixture
def forgotten(store: SqliteStore, db_path: Path) -> str:
    """A retro that ended with its raw items kept, then `retro forget`."""
    session = ended_retro(store)
    assert VOTED.encode() in file_bytes(db_path), "the raw items were kept until now"
    store.close()
    retro("forget", session.record.retro_id, "--db", str(db_path))
    return session.record.retro_id


def test_forget_leaves_no_participant_text_in_the_file(forgotten: str, db_path: Path) -> None:
    assert found(PARTICIPANT_TEXTS, {"sqlite file and wal": file_bytes(db_path)}) == []
    assert found(FACILITATOR_TEXTS, {"sqlite file and wal": file_bytes(db_path)}) == [
        ("sqlite file and wal", text) for text in FACILITATOR_TEXTS
    ]


def test_no_export_after_forget_holds_participant_text(forgotten: str, db_path: Path, tmp_path: Path) -> None:
    exports = export_everything(db_path, forgotten, tmp_path)
    assert found(PARTICIPANT_TEXTS, exports) == []
    markdown = exports["md actions"].decode()
    for text in (GROUP_NAME, RENAME, NOTE, *ACTIONS, "### Untitled topic 1 — 2 votes"):
        assert text in markdown


def test_the_forgotten_outcome_keeps_names_notes_actions_and_totals_under_neutral_titles(
    forgotten: str, db_path: Path
) -> None:
    store = SqliteStore(db_path)
    outcome = find_outcome(store, forgotten)
    store.close()
    assert all(topic.items == () for topic in outcome.topics)
    topics = {topic.title: (topic.votes, topic.notes) for topic in outcome.topics}
    untitled = [f"Untitled topic {n}" for n in (1, 2, 3)]
    assert outcome.topics[0].title == untitled[0], "the most votes first, as before"
    assert topics == {
        untitled[0]: (2, ()),
        RENAME: (1, ()),
        GROUP_NAME: (0, ()),
        untitled[1]: topics[untitled[1]],
        untitled[2]: topics[untitled[2]],
    }
    noted = next(title for title in untitled if topics[title] == (0, (NOTE,)))
    [acted] = set(untitled) - {untitled[0], noted}
    assert topics[acted] == (0, ())
    assert [(action.text, action.topic) for action in outcome.actions] == [
        (ACTIONS[0], None),
        (ACTIONS[1], acted),
        (ACTIONS[2], untitled[0]),
    ]
    assert sum(outcome.counts.values()) == 8
    assert outcome.check_in[0].mean == 7.0 and outcome.roti is not None and outcome.roti.mean == 4.0


def test_forgetting_again_cleans_what_an_older_version_forgot(store: SqliteStore, db_path: Path) -> None:
    """Older versions kept a lone item's text as its topic's title; forgetting once more removes it."""
    session = ended_retro(store)
    outcome = find_outcome(store, session.record.retro_id)
    leaky = outcome.model_copy(
        update={"topics": tuple(topic.model_copy(update={"items": ()}) for topic in outcome.topics)}
    )
    store.forget_raw(outcome.retro_id, outcome.team, outcome.date, leaky.model_dump_json())
    assert VOTED.encode() in file_bytes(db_path)
    store.close()
    retro("forget", session.record.retro_id[:6], "--db", str(db_path))
    assert found(PARTICIPANT_TEXTS, {"sqlite file and wal": file_bytes(db_path)}) == []


def test_a_team_that_keeps_outcomes_keeps_no_participant_text_once_a_retro_ends(
    store: SqliteStore, db_path: Path, tmp_path: Path
) -> None:
    store.set_retention(TEAM, Keep.OUTCOME)
    session = ended_retro(store)
    assert store.record(session.record.retro_id) is None and store.latest_open_retro() is None
    store.close()
    surfaces = {"sqlite file and wal": file_bytes(db_path)}
    surfaces |= export_everything(db_path, session.record.retro_id, tmp_path)
    assert found(PARTICIPANT_TEXTS, surfaces) == []
    assert b"Untitled topic 1" in surfaces["json actions"] and GROUP_NAME.encode() in surfaces["json actions"]


def test_the_text_before_a_rewrite_is_erased_when_the_retro_ends(
    store: SqliteStore, db_path: Path, tmp_path: Path
) -> None:
    session = Session.start(store, title="Sprint 42", team=TEAM)
    run_to_close(session)
    assert BEFORE_REWRITE.encode() in file_bytes(db_path), "kept while the retro runs"
    session.execute(FACILITATOR, ChangePhase(to=Phase.ENDED))
    assert replay(session.record.retro_id, store.events(session.record.retro_id)) == session.state
    store.close()
    surfaces = {"sqlite file and wal": file_bytes(db_path)}
    surfaces |= export_everything(db_path, session.record.retro_id, tmp_path)
    assert found((BEFORE_REWRITE,), surfaces) == []
    assert AFTER_REWRITE.encode() in surfaces["sqlite file and wal"], "the team keeps raw items"
    assert AFTER_REWRITE.encode() in surfaces["csv items"]


def close_then_crash_while_ending(store: SqliteStore, session: Session) -> None:
    """Run to Close, then what Session.execute does for the end, up to the moment the process dies: the
    end is durably appended, nothing after it runs."""
    run_to_close(session)
    store.append(
        session.record.retro_id,
        decide(session.state, FACILITATOR, ChangePhase(to=Phase.ENDED), session.clock()),
        None,
    )


def test_an_end_cut_short_by_a_crash_erases_the_text_before_a_rewrite_on_resume(
    store: SqliteStore, db_path: Path
) -> None:
    session = Session.start(store, title="Sprint 42", team=TEAM)
    retro_id = session.record.retro_id
    close_then_crash_while_ending(store, session)
    assert BEFORE_REWRITE.encode() in file_bytes(db_path)
    record = store.latest_open_retro()
    assert record is not None
    resumed = Session.resume(store, record)
    assert BEFORE_REWRITE.encode() not in file_bytes(db_path)
    assert AFTER_REWRITE in {item.text for item in resumed.state.items.values()}
    assert replay(retro_id, store.events(retro_id)) == resumed.state


def test_a_keep_outcome_end_cut_short_by_a_crash_forgets_the_raw_items_when_the_retro_is_opened_again(
    store: SqliteStore, db_path: Path
) -> None:
    store.set_retention(TEAM, Keep.OUTCOME)
    session = start_session(store, title="Sprint 42", team=TEAM)
    retro_id = session.record.retro_id
    close_then_crash_while_ending(store, session)
    assert VOTED.encode() in file_bytes(db_path)
    record = store.latest_open_retro()
    assert record is not None
    resume_session(store, record)
    assert found(PARTICIPANT_TEXTS, {"sqlite file and wal": file_bytes(db_path)}) == []
    assert store.record(retro_id) is None and store.latest_open_retro() is None
    outcome = find_outcome(store, retro_id)
    assert GROUP_NAME in {topic.title for topic in outcome.topics}
    assert [action.text for action in outcome.actions] == list(ACTIONS)


def item_order(store: SqliteStore, retro_id: str) -> list[str]:
    return [event.item_id for event in store.events(retro_id) if isinstance(event, ItemAdded)]


def test_a_file_ended_by_an_older_version_loses_the_text_before_a_rewrite_and_the_order_when_opened(
    store: SqliteStore, db_path: Path
) -> None:
    session = ended_retro(store)
    store.close()
    with sqlite3.connect(db_path) as db:
        (item_id,) = db.execute(
            "SELECT json_extract(body, '$.item_id') FROM events"
            " WHERE json_extract(body, '$.type') = 'item_rewritten'"
        ).fetchone()
        db.execute(
            "UPDATE events SET body = json_set(body, '$.text', ?)"
            " WHERE json_extract(body, '$.type') = 'item_added' AND json_extract(body, '$.item_id') = ?",
            (BEFORE_REWRITE, item_id),
        )
        added = db.execute(
            "SELECT seq, body FROM events WHERE json_extract(body, '$.type') = 'item_added' ORDER BY seq"
        ).fetchall()
        for (seq, _), (_, body) in zip(added, reversed(added), strict=True):
            db.execute("UPDATE events SET body = ? WHERE seq = ?", (body, seq))
        db.execute("PRAGMA user_version = 0")
    db.close()
    assert BEFORE_REWRITE.encode() in file_bytes(db_path)
    reopened = SqliteStore(db_path)
    try:
        assert BEFORE_REWRITE.encode() not in file_bytes(db_path)
        state = replay(session.record.retro_id, reopened.events(session.record.retro_id))
        assert AFTER_REWRITE in {item.text for item in state.items.values()}
        assert item_order(reopened, session.record.retro_id) == sorted(state.items)
    finally:
        reopened.close()


def test_the_log_of_an_ended_retro_does_not_tell_the_order_items_were_written_in(
    session: Session, store: SqliteStore
) -> None:
    written = [write(session, f"Item number {n} in writing order") for n in range(12)]
    assert item_order(store, session.record.retro_id) == written
    session.execute(FACILITATOR, ChangePhase(to=Phase.ENDED))
    assert (
        item_order(store, session.record.retro_id) == sorted(written) != written
    )  # equal to the writing order 1 in 12! times by chance
    assert replay(session.record.retro_id, store.events(session.record.retro_id)) == session.state
