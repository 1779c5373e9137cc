"""The pulse's poster for the staff room: one A4 (or Letter) page with a large QR code, the questions, when
it closes, and what anonymity means here. Every text is escaped; the QR code is inline SVG, so the page
needs nothing but itself."""

from datetime import datetime
from html import escape
from itertools import groupby
from math import ceil

import qrcode
from pydantic import BaseModel, ConfigDict

from retro.exports.paper import Paper
from retro.exports.pdf import print_to_pdf

MARGIN_MM = 12
PAPER_MM = {Paper.A4: (210.0, 297.0), Paper.LETTER: (215.9, 279.4)}
"""Width and height; the sheet is sized to fit the page, so the QR code takes whatever the text leaves."""
QUESTION_LINE_CHARS = 56
"""About as many characters as a 16pt line of the question list holds."""
QUIET_ZONE = 4
"""The light margin the QR standard asks for, in modules."""


class PosterContent(BaseModel):
    model_config = ConfigDict(frozen=True)

    title: str
    team: str
    join_url: str
    questions: tuple[str, ...]
    """The question texts in the order they are asked: motivation first."""
    free_text: str | None
    closes_at: datetime | None
    min_responses: int


def qr_svg(url: str) -> str:
    """The URL as a QR code scaled to its box: one SVG path of dark runs, inside the quiet zone."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(url)
    code.make(fit=True)
    matrix: list[list[bool]] = code.get_matrix()
    runs: list[str] = []
    for y, row in enumerate(matrix):
        x = 0
        for dark, cells in groupby(row):
            width = len(list(cells))
            if dark:
                runs.append(f"M{x},{y}h{width}v1h-{width}z")
            x += width
    side = len(matrix)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" shape-rendering="crispEdges"'
        f' role="img" aria-label="QR code that opens the pulse">'
        f'<rect width="{side}" height="{side}" fill="#fff"/><path d="{"".join(runs)}" fill="#000"/></svg>'
    )


def closing_words(closes_at: datetime | None) -> str:
    """`Open until Friday 4 December, 17:00`, in the local time of whoever prints the poster."""
    if closes_at is None:
        return "Open until the team closes it"
    local = closes_at.astimezone()
    return f"Open until {local:%A} {local.day} {local:%B}, {local:%H:%M}"


def anonymity_lines(min_responses: int) -> tuple[str, ...]:
    """One claim a line, so that each reads on its own from across the room."""
    return (
        "No names and no accounts:",
        "nobody, the facilitator included, can see who answered what.",
        f"Results appear only after the pulse closes, and only for questions that at least {min_responses}"
        " people answered.",
    )


def _style(paper: Paper) -> str:
    width, height = PAPER_MM[paper]
    sheet_width, sheet_height = width - 2 * MARGIN_MM, height - 2 * MARGIN_MM - 2
    return f"""
@page {{ size: {paper.css_size}; margin: {MARGIN_MM}mm; }}
* {{ box-sizing: border-box; }}
html {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
body {{ font-family: "DejaVu Sans", Arial, sans-serif; color: #14201f; margin: 0; background: #fff; }}
.sheet {{ width: {sheet_width:.1f}mm; height: {sheet_height:.1f}mm; display: flex; flex-direction: column;
  overflow-wrap: anywhere; }}
.team {{ font-size: 18pt; font-weight: bold; color: #1f5c56; letter-spacing: 0.04em; margin: 0; }}
h1 {{ font-size: 38pt; line-height: 1.1; margin: 1mm 0 3mm; }}
header, .lead, .quick {{ text-align: center; }}
.lead {{ font-size: 26pt; font-weight: bold; margin: 0; }}
.quick {{ font-size: 18pt; font-weight: bold; color: #1f5c56; margin: 1mm 0 0; }}
.qr {{ flex: 1 1 0; min-height: 85mm; position: relative; margin: 2mm 0 0; }}
.qr svg {{ position: absolute; inset: 0; width: 100%; height: 100%; }}
.url {{ font-family: "DejaVu Sans Mono", monospace; font-size: 14pt; text-align: center;
  word-break: break-all; margin: 0 0 4mm; }}
.when {{ font-size: 22pt; font-weight: bold; margin: 0 0 4mm; padding: 2mm 4mm; border: 0.8mm solid #14201f;
  align-self: center; }}
h2 {{ font-size: 18pt; margin: 0 0 1mm; }}
ol {{ font-size: 16pt; line-height: 1.35; margin: 0 0 4mm; padding-left: 9mm; }}
.optional {{ color: #3f4b49; font-size: 13pt; }}
.anonymous {{ font-size: 14pt; line-height: 1.35; margin: 0; padding: 3mm 5mm; background: #e2eeec;
  border-left: 2mm solid #1f5c56; }}
.compact h1 {{ font-size: 26pt; }}
.compact .lead {{ font-size: 22pt; }}
.compact .quick, .compact h2 {{ font-size: 15pt; }}
.compact .qr {{ min-height: 60mm; }}
.compact .url {{ font-size: 12pt; }}
.compact .when {{ font-size: 17pt; }}
.compact ol {{ font-size: 14pt; line-height: 1.25; }}
.compact .anonymous {{ font-size: 12pt; line-height: 1.25; }}
@media screen {{
  body {{ background: #d6dcdb; }}
  .sheet {{ margin: 8mm auto; padding: {MARGIN_MM}mm; width: {width}mm; height: {height}mm;
    background: #fff; }}
}}
"""


def _is_long(content: PosterContent) -> bool:
    """Whether the words need smaller type to leave the QR code room on one page."""
    asked = [*content.questions, *([content.free_text] if content.free_text else [])]
    question_lines = sum(ceil(len(text) / QUESTION_LINE_CHARS) for text in asked)
    return len(content.title) > 28 or len(content.team) > 60 or question_lines > 7


def render_poster_html(content: PosterContent, paper: Paper) -> bytes:
    e = escape
    asked = [f'<li dir="auto">{e(text)}</li>' for text in content.questions]
    if content.free_text:
        optional = '<span class="optional">(optional)</span>'
        asked.append(f'<li><span dir="auto">{e(content.free_text)}</span> {optional}</li>')
    anonymity = "<br>".join(map(e, anonymity_lines(content.min_responses)))
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(content.title)} · {e(content.team)}</title>
<style>{_style(paper)}</style></head>
<body><main class="{"sheet compact" if _is_long(content) else "sheet"}">
<header><p class="team" dir="auto">{e(content.team)}</p>
<h1 dir="auto">{e(content.title)}</h1></header>
<p class="lead">Scan with your phone&#39;s camera</p>
<p class="quick">Takes under a minute. No app, no account.</p>
<div class="qr">{qr_svg(content.join_url)}</div>
<p class="url">{e(content.join_url)}</p>
<p class="when">{e(closing_words(content.closes_at))}</p>
<h2>What it asks</h2>
<ol>{"".join(asked)}</ol>
<p class="anonymous"><strong>Anonymous.</strong> {anonymity}</p>
</main></body></html>
"""
    return page.encode("utf-8")


def render_poster_pdf(content: PosterContent, paper: Paper) -> bytes:
    return print_to_pdf(render_poster_html(content, paper).decode("utf-8"))
