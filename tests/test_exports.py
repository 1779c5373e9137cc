"""Every export format, checked the way its reader would: a CSV reader, icalendar, JSON read back in, and
the `retro export` command (HTML and PDF, in a browser and pdftotext: test_exports_html_pdf.py)."""

import csv
import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from icalendar import Calendar

from retro.exports.calendar import render_ics
from retro.exports.files import CsvContent, ExportFormat, default_name
from retro.exports.formats import render
from retro.exports.spreadsheet import neutralise, render_actions_csv, render_items_csv, render_jira_csv
from retro.outcome import OUTCOME_ADAPTER, RetroOutcome
from retro.session import Session
from retro.sqlite_store import SqliteStore
from tests.support.retro_fixtures import (
    FORMULA,
    NASTY,
    PHONES,
    ran_outcome,
    run_retro,
)
from tests.support.serve import RETRO


@pytest.fixture
def outcome(session: Session) -> RetroOutcome:
    return ran_outcome(session)


def rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff"), "a byte-order mark, so that spreadsheet programs read UTF-8"
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


# --- CSV ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["=1+1", "+44 20", "-2 hours", "@SUM(A1)", "\tx", "\rx"])
def test_cells_a_spreadsheet_would_run_are_neutralised(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize(
    "cell", ["＝1+1", "＋44 20", "－2 hours", "＠SUM(A1)", "﹦1+1", "⁼1", " =1+1", "\u3000=1"]
)
def test_look_alikes_a_spreadsheet_folds_into_a_formula_are_neutralised(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Ünïcode", "１ hour", "ｒｏｔａ", "Sam = Priya"])
def test_other_cells_are_left_alone(cell: str) -> None:
    assert neutralise(cell) == cell


@pytest.mark.parametrize("render_csv", [render_actions_csv, render_jira_csv])
def test_a_full_width_formula_in_an_action_is_neutralised(
    outcome: RetroOutcome, render_csv: Callable[[RetroOutcome], str]
) -> None:
    first = outcome.actions[0].model_copy(update={"text": '＝HYPERLINK("http://evil.example")'})
    sneaky = outcome.model_copy(update={"actions": (first, *outcome.actions[1:])})
    assert rows(render_csv(sneaky))[1][0] == '\'＝HYPERLINK("http://evil.example")'


def test_actions_csv_has_every_action_with_neutralised_cells(outcome: RetroOutcome) -> None:
    header, first, second = rows(render_actions_csv(outcome))
    assert header == ["Action", "Owner", "Due", "Status", "Topic", "Retro", "Date", "Team"]
    assert first[:5] == ["Write | the <runbook>", "Sam", "2026-12-04", "open", ""]
    assert second[:2] == ["'-2 hours of overtime", "'+Priya"]
    assert second[4] == NASTY


def test_items_csv_lists_every_item_under_its_topic_with_votes(outcome: RetroOutcome) -> None:
    header, *body = rows(render_items_csv(outcome))
    assert header == ["Topic", "Votes", "Item", "Prompt"]
    assert [NASTY, "2", NASTY, "What's the learning here?"] in body
    assert ["Handover [and] rota", "0", "Rota changes at short notice", "What has been hard?"] in body
    assert ["'" + FORMULA, "0", "'" + FORMULA, "What would help?"] in body


def test_jira_csv_has_the_columns_jiras_importer_maps(outcome: RetroOutcome) -> None:
    header, first, second = rows(render_jira_csv(outcome))
    assert header == ["Summary", "Assignee", "Due date", "Description", "Labels"]
    assert first[:3] == ["Write | the <runbook>", "Sam", "2026-12-04"]
    assert first[4] == "retro-ward-7"
    assert "Sprint 42" in first[3] and f"Topic: {NASTY}." in second[3]


# --- JSON -----------------------------------------------------------------------------------------------


def test_json_is_versioned_and_carries_no_secret(session: Session, outcome: RetroOutcome) -> None:
    exported = json.loads(render(outcome, ExportFormat.JSON))
    assert (exported["format"], exported["version"]) == ("retro-outcome", 1)
    text = json.dumps(exported)
    assert not [p for p in PHONES if p.pseudonym in text]
    assert "owner_hash" not in text and session.record.join_token not in text


def test_import_round_trip_loses_nothing(tmp_path: Path, session: Session, outcome: RetroOutcome) -> None:
    first = tmp_path / "first.json"
    first.write_bytes(render(outcome, ExportFormat.JSON))
    other_db = tmp_path / "other.db"
    imported = subprocess.run(
        [*RETRO, "import", str(first), "--db", str(other_db)], capture_output=True, text=True, check=True
    )
    assert outcome.retro_id in imported.stdout
    second = tmp_path / "second.json"
    subprocess.run(
        [
            *RETRO,
            "export",
            outcome.retro_id[:6],
            "--format",
            "json",
            "--out",
            str(second),
            "--db",
            str(other_db),
        ],
        capture_output=True,
        check=True,
    )
    assert OUTCOME_ADAPTER.validate_json(second.read_bytes()) == outcome
    assert second.read_bytes() == first.read_bytes()
    again = subprocess.run(
        [*RETRO, "import", str(first), "--db", str(other_db)], capture_output=True, text=True
    )
    assert again.returncode == 1 and "already in this history" in again.stderr


def test_export_schema_is_printed() -> None:
    result = subprocess.run([*RETRO, "schema", "export"], capture_output=True, text=True, check=True)
    schema = json.loads(result.stdout)
    assert {"retro_id", "topics", "actions", "check_in", "roti"} <= set(schema["properties"])


# --- ICS ------------------------------------------------------------------------------------------------


def test_ics_has_one_todo_per_action_with_its_due_date(outcome: RetroOutcome) -> None:
    calendar = Calendar.from_ical(render_ics(outcome))
    todos = [component for component in calendar.walk() if component.name == "VTODO"]
    assert [str(todo["SUMMARY"]) for todo in todos] == ["Write | the <runbook>", "-2 hours of overtime"]
    assert [todo.decoded("DUE").isoformat() for todo in todos] == ["2026-12-04", "2026-12-11"]
    assert all(str(todo["STATUS"]) == "NEEDS-ACTION" for todo in todos)
    assert "Owner: Sam" in str(todos[0]["DESCRIPTION"])


INJECTED_EVENT = "Sprint 42\nBEGIN:VEVENT\r\nSUMMARY:injected\rEND:VEVENT\u2028x"
ICS_OF_UNCLEANED_OUTCOME = """
import sys
from retro.exports.calendar import render_ics
from retro.outcome import OUTCOME_ADAPTER
outcome = OUTCOME_ADAPTER.validate_json(sys.stdin.buffer.read())
sys.stdout.buffer.write(render_ics(outcome.model_copy(update={"title": sys.argv[1]})))
"""


@pytest.mark.parametrize("optimise", [[], ["-O"]], ids=["python", "python -O"])
def test_every_text_in_the_calendar_is_escaped_even_without_cleaning(
    outcome: RetroOutcome, optimise: list[str]
) -> None:
    """icalendar checks content lines with `assert`, which `python -O` drops: escaping must not rely on it."""
    result = subprocess.run(
        [sys.executable, *optimise, "-c", ICS_OF_UNCLEANED_OUTCOME, INJECTED_EVENT],
        input=render(outcome, ExportFormat.JSON),
        capture_output=True,
        check=True,
    )
    ics = result.stdout
    assert b"\r" not in ics.replace(b"\r\n", b"")
    calendar = Calendar.from_ical(ics)
    assert [component.name for component in calendar.walk()] == ["VCALENDAR", "VTODO", "VTODO"]
    assert str(calendar["X-WR-CALNAME"]).startswith(r"Actions: Sprint 42\nBEGIN:VEVENT\nSUMMARY:injected")
    assert [line for line in ics.split(b"\r\n") if line.startswith(b"BEGIN:")] == [
        b"BEGIN:VCALENDAR",
        b"BEGIN:VTODO",
        b"BEGIN:VTODO",
    ]


# --- the command ----------------------------------------------------------------------------------------


def test_default_names_are_readable(outcome: RetroOutcome) -> None:
    day = outcome.date.isoformat()
    assert default_name(outcome, ExportFormat.MARKDOWN) == f"ward-7-{day}-retro.md"
    assert default_name(outcome, ExportFormat.CSV, CsvContent.ITEMS) == f"ward-7-{day}-retro-items.csv"
    assert default_name(outcome, ExportFormat.JIRA_CSV) == f"ward-7-{day}-retro-jira.csv"


def test_export_works_at_any_phase_and_never_overwrites_without_force(
    tmp_path: Path, db_path: Path, store: SqliteStore
) -> None:
    session = Session.start(store, title="Early export", team="Ward 7")
    store.close()
    day = session.state.created_on.isoformat()
    command = [*RETRO, "export", "latest", "--db", str(db_path)]
    first = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, check=True)
    written = tmp_path / f"ward-7-{day}-retro.md"
    assert first.stdout.strip() == str(written) and "Early export" in written.read_text()
    again = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert again.returncode == 1
    assert again.stderr.strip() == f"retro: {written} already exists; pass --force to replace it."
    forced = subprocess.run([*command, "--force"], capture_output=True, text=True, cwd=tmp_path)
    assert forced.returncode == 0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["export", "0000aaaa"], "retro: No retro '0000aaaa'; `retro history` lists them, or use `latest`."),
        (
            ["export", "latest", "--format", "docx"],
            "retro: unknown format 'docx'; choose one of md, html, pdf, csv,",
        ),
        (["export", "latest", "--out", "/proc/nope/retro.md"], "retro: cannot write /proc/nope/retro.md:"),
        (["export", "latest", "--paper", "a5"], "retro: unknown --paper 'a5'; choose a4 or letter."),
    ],
)
def test_bad_exports_get_one_line_and_a_non_zero_exit(
    db_path: Path, session: Session, arguments: list[str], message: str
) -> None:
    result = subprocess.run([*RETRO, *arguments, "--db", str(db_path)], capture_output=True, text=True)
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(message)


def test_items_that_point_at_people_are_reported_but_not_blocked(
    tmp_path: Path, db_path: Path, session: Session
) -> None:
    run_retro(session)
    out = tmp_path / "out.md"
    result = subprocess.run(
        [*RETRO, "export", "latest", "--db", str(db_path), "--out", str(out)], capture_output=True, text=True
    )
    assert result.returncode == 0 and out.exists()
    assert "may point at a person" not in result.stderr or NASTY in result.stderr
