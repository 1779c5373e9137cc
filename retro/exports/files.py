"""Export formats, their file names, and writing files without overwriting."""

import re
from enum import StrEnum
from pathlib import Path

from retro.outcome import RetroOutcome


class ExportFormat(StrEnum):
    MARKDOWN = "md"
    HTML = "html"
    PDF = "pdf"
    CSV = "csv"
    JSON = "json"
    ICS = "ics"
    JIRA_CSV = "jira-csv"


class CsvContent(StrEnum):
    ACTIONS = "actions"
    ITEMS = "items"


class ExportExists(Exception):
    pass


def file_slug(team: str, fallback: str = "retro") -> str:
    """A team's name as it can stand in a file name."""
    return re.sub(r"[^a-z0-9]+", "-", team.lower()).strip("-") or fallback


def default_name(
    outcome: RetroOutcome, export_format: ExportFormat, what: CsvContent = CsvContent.ACTIONS
) -> str:
    """`<team>-<date>-retro.<ext>`, readable in a file list."""
    stem = f"{file_slug(outcome.team)}-{outcome.date.isoformat()}-retro"
    match export_format:
        case ExportFormat.CSV:
            return f"{stem}-{what.value}.csv"
        case ExportFormat.JIRA_CSV:
            return f"{stem}-jira.csv"
        case _:
            return f"{stem}.{export_format.value}"


def write_export(path: Path, data: bytes, *, force: bool = False) -> Path:
    """Write the file; an existing one is kept unless force is given."""
    if path.exists() and not force:
        raise ExportExists(f"{path} already exists; pass --force to replace it.")
    path.write_bytes(data)
    return path


def unused_path(directory: Path, name: str) -> Path:
    """The name in the directory, or name-2, name-3… when it is taken: the TUI never overwrites."""
    path = directory / name
    stem, suffix = path.name.split(".", 1) if "." in path.name else (path.name, "")
    counter = 2
    while path.exists():
        path = directory / (f"{stem}-{counter}.{suffix}" if suffix else f"{stem}-{counter}")
        counter += 1
    return path
