"""CSV exports (actions, items, and Jira's importer columns), safe to open in any spreadsheet program.

Files are UTF-8 with a byte-order mark so that Excel reads accents and emoji correctly, and any cell
that a spreadsheet could take for a formula is neutralised with a leading apostrophe. Spreadsheets
fold look-alikes such as the full-width `＝` into `=`, so cells are judged after NFKC normalisation.
"""

import csv
import io
import re
import unicodedata

from retro.outcome import RetroOutcome

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
BOM = "\ufeff"


def neutralise(cell: str) -> str:
    folded = unicodedata.normalize("NFKC", cell).lstrip(" ")
    return f"'{cell}" if folded.startswith(FORMULA_STARTS) else cell


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[neutralise(cell) for cell in row] for row in rows])
    return BOM + buffer.getvalue()


def render_actions_csv(outcome: RetroOutcome) -> str:
    return csv_text(
        ["Action", "Owner", "Due", "Status", "Topic", "Retro", "Date", "Team"],
        [
            [a.text, a.owner, a.due.isoformat(), a.status.value, a.topic or "", outcome.title,
             outcome.date.isoformat(), outcome.team]
            for a in outcome.actions
        ],
    )  # fmt: skip


def render_items_csv(outcome: RetroOutcome) -> str:
    prompts = outcome.template.prompts
    return csv_text(
        ["Topic", "Votes", "Item", "Prompt"],
        [
            [topic.title, "" if topic.votes is None else str(topic.votes), item.text, prompts[item.prompt_id]]
            for topic in outcome.topics
            for item in topic.items
        ],
    )


def render_jira_csv(outcome: RetroOutcome) -> str:
    """Columns Jira's CSV importer maps: Summary, Assignee, Due date, Description, Labels.
    Dates are yyyy-MM-dd; choose that format in the importer's date setting."""
    label = "retro-" + (re.sub(r"[^a-z0-9]+", "-", outcome.team.lower()).strip("-") or "team")
    rows = []
    for action in outcome.actions:
        description = f"From the retro {outcome.title!r} on {outcome.date.isoformat()}."
        if action.topic:
            description += f" Topic: {action.topic}."
        rows.append([action.text, action.owner, action.due.isoformat(), description, label])
    return csv_text(["Summary", "Assignee", "Due date", "Description", "Labels"], rows)
