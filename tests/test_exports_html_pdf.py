"""The HTML and PDF exports, checked the way their readers would: Debian's Chromium, without any external
request and right to left where the text is, and pdftotext; the paper the locale chooses."""

import os
import subprocess
from pathlib import Path

import pytest

from retro.aggregates import summarise
from retro.exports.files import ExportFormat
from retro.exports.formats import render
from retro.exports.html import render_html
from retro.exports.paper import Paper, locale_paper
from retro.exports.wording import summary_text
from retro.outcome import RetroOutcome, outcome_of
from retro.session import Session
from retro.templates import MOTIVATION
from tests.support.browser import chromium
from tests.support.retro_fixtures import (
    NASTY,
    ran_outcome,
    vote_counted_topics,
    write_counted_items,
)
from tests.support.serve import RETRO


@pytest.fixture
def outcome(session: Session) -> RetroOutcome:
    return ran_outcome(session)


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


@pytest.mark.browser
async def test_right_to_left_text_in_the_html_reads_right_to_left(
    tmp_path: Path, outcome: RetroOutcome
) -> None:
    arabic = "التسليم كان متأخرا مرة أخرى"
    first = outcome.topics[0].model_copy(update={"notes": (arabic, "Try the shared template")})
    action = outcome.actions[0].model_copy(update={"text": arabic})
    page_file = tmp_path / "retro.html"
    rtl = outcome.model_copy(update={"topics": (first, *outcome.topics[1:]), "actions": (action,)})
    page_file.write_text(render_html(rtl), encoding="utf-8")
    async with chromium() as browser:
        page = await browser.new_page()
        await page.goto(page_file.as_uri())
        directions = await page.evaluate(
            """() => [...document.querySelectorAll('li, td')].map(
                (element) => [element.textContent.trim(), getComputedStyle(element).direction])"""
        )
        await page.close()
    assert [arabic, "rtl"] in directions and ["Try the shared template", "ltr"] in directions
    assert directions.count([arabic, "rtl"]) == 2, "the note and the action both read right to left"


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


def pdf_words(pdf: Path) -> str:
    extracted = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return " ".join(extracted.stdout.split())


def test_html_and_pdf_counts_agree_with_their_nouns(tmp_path: Path, session: Session) -> None:
    ids = write_counted_items(session)
    html = render_html(outcome_of(session.record.retro_id, session.state))
    for counted in ("hard?: 1 item,", "learning here?: 2 items,", "help?: 0 items,"):
        assert counted in html
    vote_counted_topics(session, ids)
    outcome = outcome_of(session.record.retro_id, session.state)
    html = render_html(outcome)
    for title, votes in (("hard 1", "1 vote"), ("learning 1", "2 votes"), ("learning 2", "0 votes")):
        assert f'<h3 dir="auto">{title} <span class="votes">{votes}</span></h3>' in html
    pdf = tmp_path / "retro.pdf"
    pdf.write_bytes(render(outcome, ExportFormat.PDF))
    words = pdf_words(pdf)
    assert "hard 1 1 vote " in words and "learning 1 2 votes" in words and "learning 2 0 votes" in words


def test_an_aggregate_waiting_for_one_answer_says_has() -> None:
    waiting = summarise(MOTIVATION, [], min_responses=1)
    assert summary_text(waiting, 1) == "0 answered; shown once 1 has answered."
    assert summary_text(waiting, 3) == "0 answered; shown once 3 have answered."


# --- paper ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environment", "paper"),
    [
        ({}, Paper.A4),
        ({"LANG": "C.UTF-8"}, Paper.A4),
        ({"LANG": "en_GB.UTF-8"}, Paper.A4),
        ({"LANG": "de_DE@euro"}, Paper.A4),
        ({"LANG": "en_US.UTF-8"}, Paper.LETTER),
        ({"LANG": "en_CA"}, Paper.LETTER),
        ({"LC_MESSAGES": "fr_CA.UTF-8", "LANG": "en_GB.UTF-8"}, Paper.LETTER),
        ({"LC_PAPER": "es_US.UTF-8", "LANG": "en_GB.UTF-8"}, Paper.LETTER),
        ({"LC_ALL": "en_GB.UTF-8", "LC_PAPER": "en_US.UTF-8"}, Paper.A4),
        ({"LC_ALL": "", "LANG": "en_US.UTF-8"}, Paper.LETTER),
    ],
)
def test_the_locale_chooses_the_paper(environment: dict[str, str], paper: Paper) -> None:
    assert locale_paper(environment) is paper


@pytest.mark.parametrize(
    ("locale", "options", "size"),
    [
        ("en_GB.UTF-8", [], "(A4)"),
        ("en_US.UTF-8", [], "(letter)"),
        ("fr_CA.UTF-8", [], "(letter)"),
        ("en_US.UTF-8", ["--paper", "a4"], "(A4)"),
        ("de_DE.UTF-8", ["--paper", "letter"], "(letter)"),
    ],
)
def test_the_pdf_is_printed_on_the_locales_paper_or_the_one_asked_for(
    tmp_path: Path, db_path: Path, session: Session, locale: str, options: list[str], size: str
) -> None:
    pdf = tmp_path / "retro.pdf"
    environment = {k: v for k, v in os.environ.items() if k not in {"LC_ALL", "LC_PAPER", "LC_MESSAGES"}}
    subprocess.run(
        [*RETRO, "export", "latest", "--format", "pdf", "--db", str(db_path), "--out", str(pdf), *options],
        env={**environment, "LANG": locale},
        capture_output=True,
        check=True,
    )
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    (page_size,) = [line for line in info.splitlines() if line.startswith("Page size:")]
    assert page_size.endswith(size)
