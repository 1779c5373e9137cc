"""Rendering a retro's outcome in any export format."""

import os

from retro.exports.calendar import render_ics
from retro.exports.files import CsvContent, ExportFormat
from retro.exports.html import render_html
from retro.exports.markdown import render_markdown
from retro.exports.paper import Paper, locale_paper
from retro.exports.pdf import render_pdf
from retro.exports.spreadsheet import render_actions_csv, render_items_csv, render_jira_csv
from retro.outcome import RetroOutcome


def render(
    outcome: RetroOutcome,
    export_format: ExportFormat,
    what: CsvContent = CsvContent.ACTIONS,
    paper: Paper | None = None,
) -> bytes:
    """`paper` sizes the PDF; without it, the locale decides (see retro.exports.paper)."""
    match export_format:
        case ExportFormat.MARKDOWN:
            return render_markdown(outcome).encode()
        case ExportFormat.HTML:
            return render_html(outcome).encode()
        case ExportFormat.PDF:
            return render_pdf(outcome, paper or locale_paper(os.environ))
        case ExportFormat.CSV:
            csv = render_items_csv(outcome) if what is CsvContent.ITEMS else render_actions_csv(outcome)
            return csv.encode()
        case ExportFormat.JSON:
            return outcome.model_dump_json(indent=2).encode() + b"\n"
        case ExportFormat.ICS:
            return render_ics(outcome)
        case ExportFormat.JIRA_CSV:
            return render_jira_csv(outcome).encode()
