"""Every export format, checked the way its reader would: a browser, pdftotext, a CSV reader, icalendar."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from icalendar import Calendar

from retro.exports.calendar import render_ics
from retro.exports.files import CsvContent, ExportFormat, default_name
from retro.exports.formats import render
from retro.exports.html import render_html
from retro.exports.outcome import OUTCOME_ADAPTER, RetroOutcome, outcome_of
from retro.exports.spreadsheet import neutralise, render_actions_csv, render_items_csv, render_jira_csv
from retro.session import Session
from retro.sqlite_store import SqliteStore
from tests.browser import chromium
from tests.retro_fixtures import FORMULA, NASTY, PHONES, run_retro

RETRO = [sys.executable, "-m", "tui.cli"]


@pytest.fixture
def outcome(session: Session) -> RetroOutcome:
    run_retro(session)
    return outcome_of(session.record.retro_id, session.state)


def rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff"), "a byte-order mark, so that spreadsheet programs read UTF-8"
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


# --- CSV ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["=1+1", "+44 20", "-2 hours", "@SUM(A1)", "\tx", "\rx"])
def test_cells_a_spreadsheet_would_run_are_neutralised(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


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


# --- HTML and PDF ---------------------------------------------------------------------------------------


def test_html_escapes_user_text_and_is_self_contained(outcome: RetroOutcome) -> None:
    html = render_html(outcome)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "http://" not in html.replace("http://x", "").replace("http://evil.example", "")
    assert "@page" in html and "@media print" in html


@pytest.mark.browser
async def test_html_renders_in_chromium_without_any_external_request(
    tmp_path: Path, outcome: RetroOutcome
) -> None:
    page_file = tmp_path / "retro.html"
    page_file.write_text(render_html(outcome), encoding="utf-8")
    async with chromium() as browser:
        page = await browser.new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: dialogs.append(dialog.message))
        await page.goto(page_file.as_uri())
        headings = await page.locator("h3").all_inner_texts()
        await page.close()
    assert requested == [page_file.as_uri()]
    assert dialogs == [], "user text must never run as script"
    assert f"{NASTY} 2 votes" in headings


def test_pdf_is_printed_by_chromium_and_holds_the_text(tmp_path: Path, outcome: RetroOutcome) -> None:
    pdf = tmp_path / "retro.pdf"
    pdf.write_bytes(render(outcome, ExportFormat.PDF))
    assert pdf.read_bytes().startswith(b"%PDF")
    extracted = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    words = " ".join(extracted.stdout.split())
    for expected in ("Sprint 42", "Handover [and] rota", "Write | the <runbook>", "Return on time invested"):
        assert expected in words


def test_without_chromium_the_pdf_export_names_what_is_missing(
    tmp_path: Path, db_path: Path, session: Session
) -> None:
    bare_path = tmp_path / "bin"
    bare_path.mkdir()
    result = subprocess.run(
        [*RETRO, "export", "latest", "--format", "pdf", "--db", str(db_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": str(bare_path), "PYTHONPATH": str(Path(__file__).parent.parent)},
    )
    assert result.returncode == 1
    assert result.stderr.startswith("retro: PDF export needs Chromium, which is not installed")
    assert not list(tmp_path.glob("*.pdf"))


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
