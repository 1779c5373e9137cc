"""The pulse's poster for the staff room: one A4 (or Letter) page with a large QR code, the questions, when
it closes, and what anonymity means here. Every text is escaped; the QR code is inline SVG."""

import html
from datetime import datetime

import qrcode
from pydantic import BaseModel, ConfigDict

from retro.exports.paper import Paper
from retro.exports.pdf import print_to_pdf


class PosterContent(BaseModel):
    model_config = ConfigDict(frozen=True)

    title: str
    team: str
    join_url: str
    questions: tuple[str, ...]
    free_text: str | None
    closes_at: datetime | None
    min_responses: int


def qr_svg(url: str, size_mm: int) -> str:
    """The URL as a QR code: one SVG path of dark modules, with a four-module quiet zone."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    cells = "".join(f"M{x},{y}h1v1h-1z" for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark)
    side = len(matrix)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" width="{size_mm}mm" '
        f'height="{size_mm}mm" shape-rendering="crispEdges" role="img" aria-label="QR code for the pulse">'
        f'<rect width="{side}" height="{side}" fill="#fff"/><path d="{cells}" fill="#000"/></svg>'
    )


def closing_words(closes_at: datetime | None) -> str:
    if closes_at is None:
        return "Open until the team closes it."
    local = closes_at.astimezone()
    return f"Open until {local.strftime('%A')} {local.day} {local.strftime('%B')}, {local.strftime('%H:%M')}."


def render_poster_html(content: PosterContent, paper: Paper) -> bytes:
    e = html.escape
    questions = "".join(f"<li>{e(text)}</li>" for text in content.questions)
    if content.free_text:
        questions += f"<li>{e(content.free_text)} <span class='optional'>(optional)</span></li>"
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{e(content.title)} · {e(content.team)}</title>
<style>
@page {{ size: {paper.css_size}; margin: 14mm; }}
body {{ font-family: "DejaVu Sans", Arial, sans-serif; color: #1d2b2a; margin: 0; }}
h1 {{ font-size: 30pt; margin: 0 0 2mm; }}
.team {{ font-size: 16pt; color: #2f6f68; margin: 0 0 6mm; text-transform: uppercase; }}
.scan {{ display: flex; gap: 10mm; align-items: center; }}
.lead {{ font-size: 20pt; font-weight: bold; margin: 0 0 3mm; }}
.url {{ font-family: "DejaVu Sans Mono", monospace; font-size: 10pt; word-break: break-all; }}
ol {{ font-size: 14pt; line-height: 1.45; padding-left: 7mm; }}
.optional {{ color: #55625f; font-size: 11pt; }}
.when {{ font-size: 14pt; font-weight: bold; }}
.anonymous {{ border-left: 2mm solid #2f6f68; padding: 3mm 5mm; background: #e4efed; font-size: 12pt; }}
</style></head>
<body>
<p class="team">{e(content.team)}</p>
<h1>{e(content.title)}</h1>
<div class="scan">{qr_svg(content.join_url, 95)}
<div><p class="lead">Scan with your phone&#39;s camera.</p><p>Takes under a minute. No app, no account.</p>
<p class="url">{e(content.join_url)}</p></div></div>
<p class="when">{e(closing_words(content.closes_at))}</p>
<h2>What it asks</h2>
<ol>{questions}</ol>
<p class="anonymous">Anonymous: no names and no accounts; nobody, the facilitator included, can see who
answered what. Results appear only after the pulse closes, and only for questions that at least
{content.min_responses} people answered.</p>
</body></html>
"""
    return page.encode("utf-8")


def render_poster_pdf(content: PosterContent, paper: Paper) -> bytes:
    return print_to_pdf(render_poster_html(content, paper).decode("utf-8"))
