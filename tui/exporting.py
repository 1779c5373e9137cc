"""What the TUI's export dialog offers, and writing one export without ever overwriting a file."""

from dataclasses import dataclass
from pathlib import Path

from retro.exports.files import CsvContent, ExportFormat, default_name, unused_path
from retro.exports.formats import render
from retro.exports.pdf import PdfUnavailable
from retro.outcome import RetroOutcome


@dataclass(frozen=True)
class ExportChoice:
    key: str
    label: str
    export_format: ExportFormat
    what: CsvContent = CsvContent.ACTIONS


EXPORT_CHOICES: tuple[ExportChoice, ...] = (
    ExportChoice("md", "Markdown — for a wiki, GitHub or Confluence", ExportFormat.MARKDOWN),
    ExportChoice("html", "HTML — one self-contained page, prints cleanly", ExportFormat.HTML),
    ExportChoice("pdf", "PDF — printed by Chromium", ExportFormat.PDF),
    ExportChoice("csv-actions", "CSV — the actions, for a spreadsheet", ExportFormat.CSV, CsvContent.ACTIONS),
    ExportChoice(
        "csv-items", "CSV — every item with its topic and votes", ExportFormat.CSV, CsvContent.ITEMS
    ),
    ExportChoice("jira", "Jira CSV — actions for Jira's CSV importer", ExportFormat.JIRA_CSV),
    ExportChoice("ics", "Calendar — one to-do per action (.ics)", ExportFormat.ICS),
    ExportChoice("json", "JSON — the whole outcome, for `retro import`", ExportFormat.JSON),
)
COPY_MARKDOWN = "copy-md"


def export_error(error: BaseException | None) -> str:
    if isinstance(error, PdfUnavailable):
        return str(error)
    if isinstance(error, OSError):
        return f"Could not write the export: {error.strerror}"
    return f"Could not write the export: {error}"


def write_choice(outcome: RetroOutcome, choice: ExportChoice, directory: Path) -> Path:
    data = render(outcome, choice.export_format, choice.what)
    directory.mkdir(parents=True, exist_ok=True)
    path = unused_path(directory, default_name(outcome, choice.export_format, choice.what))
    path.write_bytes(data)
    return path
