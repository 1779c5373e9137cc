"""The pulse's staff-room poster, checked the way it is used: printed by Debian's Chromium, its QR code
scanned by zbarimg from a 100 dpi picture of the page, its words read back by pdftotext, its paper by
pdfinfo."""

import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from retro.exports.paper import Paper
from retro.exports.poster import PosterContent, render_poster_html, render_poster_pdf
from tests.support.browser import chromium

JOIN_URL = "https://retro.example.org/j/k3J9_xQ2vLm8Rt4Wz7Yb1A"
QUESTIONS = (
    "How motivated do you feel about work this week?",
    "I have a say in how my work is done.",
    "I feel safe to speak up about things that worry me.",
    "My workload is manageable this week.",
)
ANONYMITY_LINES = (
    "No names and no accounts:",
    "nobody, the facilitator included, can see who answered what.",
    "Results appear only after the pulse closes, and only for questions that at least 5 people answered.",
)
FRIDAY_FIVE_PM = datetime(2026, 12, 4, 17, 0).astimezone()
"""Friday 4 December 2026, 17:00 in this machine's own time zone, as the poster prints it."""


def poster(**changes: object) -> PosterContent:
    content = PosterContent(
        title="Weekly pulse",
        team="Ward 7",
        join_url=JOIN_URL,
        questions=QUESTIONS,
        free_text="What would help?",
        closes_at=FRIDAY_FIVE_PM,
        min_responses=5,
    )
    return content.model_copy(update=changes)


def printed(content: PosterContent, paper: Paper, tmp_path: Path) -> Path:
    pdf = tmp_path / f"poster-{paper}.pdf"
    pdf.write_bytes(render_poster_pdf(content, paper))
    return pdf


def scanned(pdf: Path) -> str:
    """What a QR reader finds on a 100 dpi picture of the poster's first page."""
    picture = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", str(pdf), str(picture)], check=True)
    found = subprocess.run(
        ["zbarimg", "-q", "--raw", f"{picture}.png"], capture_output=True, text=True, check=False
    )
    return found.stdout.strip()


def words(pdf: Path) -> str:
    """The PDF's text with every run of spaces and line breaks made one space."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def pdf_info(pdf: Path) -> str:
    return subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout


def test_the_poster_says_what_it_asks_how_long_it_takes_and_what_anonymity_means() -> None:
    page = render_poster_html(poster(), Paper.A4).decode("utf-8")
    for question in QUESTIONS:
        assert question in page
    assert "What would help?" in page and "(optional)" in page
    assert JOIN_URL in page
    assert "Takes under a minute." in page
    assert "<br>".join(ANONYMITY_LINES) in page
    assert "Open until Friday 4 December, 17:00" in page
    assert "<svg" in page and "@page { size: A4;" in page


def test_user_text_on_the_poster_stays_text() -> None:
    hostile = "<script>alert(1)</script> & <b>bold</b>"
    page = render_poster_html(
        poster(title=hostile, team=hostile, questions=(hostile,), free_text=hostile), Paper.A4
    ).decode("utf-8")
    assert "<script" not in page and "<b>" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;") == 6, (
        "the tab's title (title and team), the team, the heading, the question and the open question"
    )


def test_the_poster_needs_nothing_but_itself() -> None:
    page = render_poster_html(poster(), Paper.LETTER).decode("utf-8")
    for outside in ("src=", "href=", "url(", "@import", "<link", "<img", "<script"):
        assert outside not in page
    assert "http" not in page.replace(JOIN_URL, "").replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_without_a_closing_time_the_poster_says_who_closes_it() -> None:
    page = render_poster_html(poster(closes_at=None), Paper.A4).decode("utf-8")
    assert "Open until the team closes it" in page and "December" not in page


@pytest.mark.browser
async def test_a_script_in_the_title_does_not_run_when_the_poster_is_opened(tmp_path: Path) -> None:
    page_file = tmp_path / "poster.html"
    page_file.write_bytes(render_poster_html(poster(title="<script>alert(1)</script>"), Paper.A4))
    async with chromium() as browser:
        page = await browser.new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: dialogs.append(dialog.message))
        await page.goto(page_file.as_uri())
        heading = await page.locator("h1").inner_text()
        await page.close()
    assert heading == "<script>alert(1)</script>"
    assert dialogs == [] and requested == [page_file.as_uri()]


def test_the_printed_poster_scans_to_the_join_link_and_shows_the_questions(tmp_path: Path) -> None:
    pdf = printed(poster(), Paper.A4, tmp_path)
    assert scanned(pdf) == JOIN_URL
    text = words(pdf)
    for question in QUESTIONS:
        assert question in text
    assert "What would help? (optional)" in text
    assert "Open until Friday 4 December, 17:00" in text
    assert f"Anonymous. {' '.join(ANONYMITY_LINES)}" in text
    assert JOIN_URL in text


@pytest.mark.parametrize(("paper", "size"), [(Paper.A4, "(A4)"), (Paper.LETTER, "(letter)")])
def test_the_poster_is_one_page_of_the_paper_asked_for(paper: Paper, size: str, tmp_path: Path) -> None:
    info = pdf_info(printed(poster(), paper, tmp_path))
    assert size in info
    assert "Pages:           1\n" in info


def test_a_long_title_and_long_questions_still_fit_one_letter_page_with_a_scannable_code(
    tmp_path: Path,
) -> None:
    statement = ("I can talk to my manager about anything that worries me at work, " * 2)[:120]
    long_link = "https://retro.a-long-hospital-hostname.example.org:8443/j/" + "A" * 43
    content = poster(
        title="Night shift weekly pulse for the surgical admissions unit and theatres",
        team="Surgical admissions unit, nights and weekends",
        join_url=long_link,
        questions=(QUESTIONS[0], statement, statement, statement),
        free_text=statement,
    )
    pdf = printed(content, Paper.LETTER, tmp_path)
    assert "Pages:           1\n" in pdf_info(pdf)
    assert scanned(pdf) == long_link
    assert words(pdf).count(statement) == 4
