"""Text from every source is only ever text: options, crafted imports and older databases, through the
real `retro` command on a real SQLite file, into every export and onto the terminal."""

import csv
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from cli.config import RunConfig
from cli.main import main
from retro.exports.files import ExportFormat
from retro.exports.formats import render
from retro.history import open_actions
from retro.outcome import outcome_of
from retro.session import Session
from retro.sqlite_store import SqliteStore
from retro.state import replay
from tests.support.retro_fixtures import run_retro
from tests.support.terminal import hosted_in_a_terminal

RETRO = [sys.executable, "-m", "cli"]
ROOT = Path(__file__).parent.parent

WINDOW_TITLE = "\x1b]0;pwned\x07"
HYPERLINK_START, HYPERLINK_END = "\x1b]8;;http://evil.example\x07", "\x1b]8;;\x07"
HOSTILE_TITLE = f"{WINDOW_TITLE}Sprint {HYPERLINK_START}click{HYPERLINK_END} 42"
CRAFTED = "Kind\x1b[2J\x07 words\r| injected | row |\u2028\x9d0;t\x9c end\x85"
"""Screen clear, bell, a bare CR opening a table row, a line separator, an 8-bit OSC, a NEL."""
CRAFTED_LINE = "Kind words | injected | row | end"
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Control characters (a newline aside), line and paragraph separators, bidi overrides."""


def unsafe_in(text: str) -> list[str]:
    return UNSAFE.findall(text)


def retro(*arguments: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The `retro` command run as a user would, in this process."""
    code = main(list(arguments))
    printed = capsys.readouterr()
    return code, printed.out, printed.err


# --- `retro import` of a crafted file -------------------------------------------------------------------


def crafted_export(session: Session, tmp_path: Path) -> Path:
    """A real JSON export with hostile text in every field a person can write."""
    run_retro(session)
    outcome = json.loads(render(outcome_of(session.record.retro_id, session.state), ExportFormat.JSON))
    outcome["retro_id"] = "feedfacefeedface"
    outcome["title"] = outcome["team"] = CRAFTED
    outcome["template"]["title"] = CRAFTED
    outcome["template"]["prompts"] = {key: CRAFTED for key in outcome["template"]["prompts"]}
    outcome["check_in"][0]["text"] = CRAFTED
    for topic in outcome["topics"]:
        topic["title"] = CRAFTED
        topic["notes"] = [CRAFTED]
        for item in topic["items"]:
            item["text"] = CRAFTED
    for action in outcome["actions"]:
        action.update(text=CRAFTED, owner=CRAFTED, topic=CRAFTED)
    outcome["actions"][0]["text"] = '＝HYPERLINK("http://evil.example","click")'
    path = tmp_path / "crafted.json"
    path.write_text(json.dumps(outcome), encoding="utf-8")
    return path


@pytest.fixture
def imported_db(tmp_path: Path, session: Session, capsys: pytest.CaptureFixture[str]) -> Iterator[Path]:
    other_db = tmp_path / "other.db"
    code, out, err = retro(
        "import", str(crafted_export(session, tmp_path)), "--db", str(other_db), capsys=capsys
    )
    assert (code, err) == (0, "") and "feedfacefeedface" in out
    assert not unsafe_in(out)
    yield other_db


def export(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], *options: str) -> bytes:
    out = tmp_path / "export"
    code, printed, err = retro(
        "export", "feedface", "--db", str(db), "--out", str(out), "--force", *options, capsys=capsys
    )
    assert code == 0, err
    assert not unsafe_in(printed + err)
    return out.read_bytes()


def test_an_import_is_stored_clean(imported_db: Path) -> None:
    with sqlite3.connect(imported_db) as db:
        (team, body), *_ = db.execute("SELECT team, body FROM imported_outcomes").fetchall()
    assert team == CRAFTED_LINE
    assert "\\u001b" not in body and "\\u0007" not in body and "\\r" not in body and "\\u0085" not in body


def test_an_imported_markdown_export_has_no_control_and_no_extra_table_row(
    tmp_path: Path, imported_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    markdown = export(imported_db, tmp_path, capsys, "--format", "md").decode()
    assert not unsafe_in(markdown) and "\r" not in markdown
    table = [line for line in markdown.splitlines() if line.startswith("|")]
    assert len(table) == 2 + 2, "a header, its rule, and one row per action"
    assert "**Team:** Kind words \\| injected \\| row \\| end  " in markdown.splitlines()


def test_an_imported_html_export_has_no_control(
    tmp_path: Path, imported_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html = export(imported_db, tmp_path, capsys, "--format", "html").decode()
    assert not unsafe_in(html)
    assert f'<h1 dir="auto">{CRAFTED_LINE}</h1>' in html


def test_an_imported_pdf_export_has_no_control(
    tmp_path: Path, imported_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = tmp_path / "export"
    export(imported_db, tmp_path, capsys, "--format", "pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert not unsafe_in(text.replace("\f", ""))
    assert CRAFTED_LINE in " ".join(text.split())


@pytest.mark.parametrize(
    ("options", "rows"),
    [(["--format", "csv"], 3), (["--format", "csv", "--what", "items"], 5), (["--format", "jira-csv"], 3)],
)
def test_an_imported_csv_export_has_no_control_and_no_formula(
    tmp_path: Path, imported_db: Path, capsys: pytest.CaptureFixture[str], options: list[str], rows: int
) -> None:
    text = export(imported_db, tmp_path, capsys, *options).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert len(table) == rows
    assert not [cell for row in table for cell in row if unsafe_in(cell)]
    if "items" not in options:
        assert table[1][0] == '\'＝HYPERLINK("http://evil.example","click")'


def test_an_imported_calendar_has_no_bare_cr_and_no_control(
    tmp_path: Path, imported_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ics = export(imported_db, tmp_path, capsys, "--format", "ics")
    assert b"\r" not in ics.replace(b"\r\n", b""), "every CR ends a content line"
    assert not unsafe_in(ics.decode().replace("\r\n", "\n"))
    calendar = Calendar.from_ical(ics)
    assert [c.name for c in calendar.walk()] == ["VCALENDAR", "VTODO", "VTODO"]
    assert str(calendar["X-WR-CALNAME"]) == f"Actions: {CRAFTED_LINE}"


def test_an_imported_json_export_has_no_control(
    tmp_path: Path, imported_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = json.loads(export(imported_db, tmp_path, capsys, "--format", "json"))
    assert not [text for text in strings_in(exported) if unsafe_in(text)]


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from strings_in(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from strings_in(inner)


def test_the_next_retros_review_shows_imported_actions_clean(imported_db: Path) -> None:
    store = SqliteStore(imported_db)
    try:
        review = open_actions(store, CRAFTED_LINE)
        nxt = Session.start(store, title="Next", team=CRAFTED_LINE, review=review)
    finally:
        store.close()
    assert [(item.text, item.owner, item.from_title) for item in nxt.state.review][1:] == [
        (CRAFTED_LINE, CRAFTED_LINE, CRAFTED_LINE)
    ]


@pytest.mark.parametrize(
    ("change", "fault"),
    [
        (lambda o: o["topics"][0]["items"][0].update(prompt_id="nope"), "prompts the template does not have"),
        (lambda o: o["check_in"][0].update(histogram=[1, 2]), "one count, 0 or more, per value"),
        (lambda o: o["actions"][0].update(action_id="\x1b]0;x\x07"), "actions.0.action_id"),
    ],
)
def test_an_import_that_does_not_fit_together_is_refused_in_one_line(
    tmp_path: Path, session: Session, capsys: pytest.CaptureFixture[str], change: Any, fault: str
) -> None:
    path = crafted_export(session, tmp_path)
    outcome = json.loads(path.read_text())
    change(outcome)
    path.write_text(json.dumps(outcome))
    code, out, err = retro("import", str(path), "--db", str(tmp_path / "other.db"), capsys=capsys)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and fault in err and not unsafe_in(err)


# --- an older database, written before text was cleaned -------------------------------------------------


@pytest.fixture
def old_db(db_path: Path, store: SqliteStore, session: Session) -> Path:
    """A retro whose stored events carry raw text, as an older retro could have written them."""
    run_retro(session)
    store.close()
    raw = {
        "retro_started": {"title": "Sprint 42\r\nBEGIN:VEVENT\r\nSUMMARY:injected", "team": "Ward 7\r==="},
        "item_added": {"text": CRAFTED},
        "action_recorded": {"text": CRAFTED, "owner": "Sam\x1b[8m"},
    }
    with sqlite3.connect(db_path) as db:
        for kind, fields in raw.items():
            for field, text in fields.items():
                db.execute(
                    "UPDATE events SET body = json_set(body, ?, ?) WHERE json_extract(body, '$.type') = ?",
                    (f"$.{field}", text, kind),
                )
        db.execute("UPDATE retros SET title = ?, team = ?", (HOSTILE_TITLE, "Ward 7\r==="))
    return db_path


def test_an_older_database_is_read_clean(old_db: Path) -> None:
    store = SqliteStore(old_db)
    try:
        (record,) = store.retros()
        state = replay(record.retro_id, store.events(record.retro_id))
    finally:
        store.close()
    assert (record.title, record.team) == ("Sprint click 42", "Ward 7 ===")
    assert (state.title, state.team) == ("Sprint 42 BEGIN:VEVENT SUMMARY:injected", "Ward 7 ===")
    assert {item.text for item in state.items.values()} >= {"Kind words\n| injected | row |\nend"}
    assert [action.owner for action in state.actions.values()] == ["Sam", "Sam"]


def test_an_older_database_exports_a_markdown_header_without_an_injected_heading(
    tmp_path: Path, old_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "retro.md"
    code, _, err = retro("export", "latest", "--db", str(old_db), "--out", str(out), capsys=capsys)
    assert code == 0, err
    markdown = out.read_text()
    assert "\r" not in markdown and "===" not in markdown.splitlines()
    assert "**Team:** Ward 7 ===  " in markdown.splitlines()


@pytest.mark.parametrize("optimise", [[], ["-O"]], ids=["python", "python -O"])
def test_an_older_database_exports_a_calendar_with_no_injected_event(
    tmp_path: Path, old_db: Path, optimise: list[str]
) -> None:
    out = tmp_path / "retro.ics"
    result = subprocess.run(
        [sys.executable, *optimise, "-m", "cli", "export", "latest", "--format", "ics"]
        + ["--db", str(old_db), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert (result.returncode, result.stderr) == (0, "")
    calendar = Calendar.from_ical(out.read_bytes())
    assert [c.name for c in calendar.walk()] == ["VCALENDAR", "VTODO", "VTODO"]
    assert b"\nBEGIN:VEVENT" not in out.read_bytes()


# --- options on the command line ------------------------------------------------------------------------


def test_title_and_team_options_are_cleaned_and_kept_on_one_line() -> None:
    config = RunConfig.model_validate({"title": HOSTILE_TITLE, "team": "Ward 7\r# injected"})
    assert (config.title, config.team) == ("Sprint click 42", "Ward 7 # injected")


def test_a_title_of_nothing_but_escapes_is_refused_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [*RETRO, "serve", "--db", str(tmp_path / "r.db"), "--port", "0", "--title", WINDOW_TITLE],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=30,
    )
    assert result.returncode == 2
    assert result.stderr == "retro: --title: String should have at least 1 character\n"


def test_retro_serve_prints_the_title_without_escapes(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [*RETRO, "serve", "--db", str(tmp_path / "r.db"), "--host", "127.0.0.1", "--port", "0"]
        + ["--title", HOSTILE_TITLE, "--team", "Ward\x07 7"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    try:
        lines = [process.stdout.readline() for _ in range(4)]
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)
    assert b"Retro:           Sprint click 42\n" in lines


def test_retro_host_in_a_terminal_writes_no_window_title_or_hyperlink_from_the_title(tmp_path: Path) -> None:
    lobby = re.compile(rb"Sprint.{0,200}?42", re.DOTALL)
    with hosted_in_a_terminal(tmp_path / "r.db", "--title", HOSTILE_TITLE, columns=120, lines=40) as terminal:
        terminal.wait_until(lambda _: bool(lobby.search(terminal.written)))
    written = bytes(terminal.written)
    assert lobby.search(written), "the lobby showed the title"
    assert b"\x1b]0;" not in written and b"pwned" not in written, "no window title from the title"
    assert b"evil.example" not in written, "no hyperlink from the title"
