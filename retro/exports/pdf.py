"""The PDF export: the HTML export printed by headless Chromium, when Chromium is installed, on A4 or
US Letter paper (Chromium follows the page's CSS `@page { size }`)."""

import shutil
import subprocess
import tempfile
from pathlib import Path

from retro.exports.html import render_html
from retro.exports.paper import Paper
from retro.outcome import RetroOutcome

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class PdfUnavailable(Exception):
    pass


def find_chromium() -> str | None:
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def render_pdf(outcome: RetroOutcome, paper: Paper) -> bytes:
    return print_to_pdf(render_html(outcome, paper))


def print_to_pdf(html: str) -> bytes:
    """A self-contained HTML page printed by headless Chromium, on the paper its CSS `@page` names."""
    chromium = find_chromium()
    if chromium is None:
        raise PdfUnavailable(
            "PDF export needs Chromium, which is not installed (on Debian: apt-get install chromium);"
            " the HTML export works without it and prints to PDF from any browser."
        )
    with tempfile.TemporaryDirectory() as scratch:
        page, pdf = Path(scratch) / "retro.html", Path(scratch) / "retro.pdf"
        page.write_text(html, encoding="utf-8")
        command = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={scratch}/profile", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
            page.as_uri(),
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if not pdf.exists():
            raise PdfUnavailable(f"Chromium could not print the PDF: {result.stderr.strip()[-300:]}")
        return pdf.read_bytes()
