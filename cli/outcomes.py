"""`retro export`, `retro import`, `retro forget`: a retro's outcome out of the store, back in, kept alone."""

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from cli.command import CommandFailed, Commands
from retro.exports.files import CsvContent, ExportExists, ExportFormat, default_name, write_export
from retro.exports.formats import render
from retro.exports.paper import Paper, locale_paper
from retro.exports.pdf import PdfUnavailable
from retro.history import BadImport, NoSuchRetro, find_outcome, forget_retro, import_outcome
from retro.nudge import unframed_items
from retro.outcome import RetroOutcome
from retro.paths import default_db_path
from retro.sqlite_store import SqliteStore


def add_commands(commands: Commands, db: argparse.ArgumentParser) -> None:
    export = commands.add_parser("export", help="Export a retro's outcome, at any phase.", parents=[db])
    export.add_argument("retro", help="A retro id from `retro history` (or its start), or `latest`")
    export.add_argument(
        "--format", default="md", help="md, html, pdf, csv, json, ics or jira-csv (default md)"
    )
    export.add_argument("--what", default="actions", help="For csv: actions (default) or items")
    export.add_argument(
        "--paper", help="For pdf: a4 or letter (default: letter in US and Canadian locales, else a4)"
    )
    export.add_argument("--out", help="File to write (default: <team>-<date>-retro.<ext> here)")
    export.add_argument("--force", action="store_true", help="Replace the file if it exists")
    export.set_defaults(run=_export)
    forget = commands.add_parser("forget", help="Drop a retro's raw items; keep its outcome.", parents=[db])
    forget.add_argument("retro", help="A retro id from `retro history` (or its start), or `latest`")
    forget.set_defaults(run=_forget)
    importer = commands.add_parser("import", help="Load a JSON export back into history.", parents=[db])
    importer.add_argument("file", help="A file written by `retro export --format json`")
    importer.set_defaults(run=_import)


def _store(args: argparse.Namespace) -> SqliteStore:
    return SqliteStore(Path(args.db) if args.db else default_db_path())


def _named_retro(args: argparse.Namespace, act: Callable[[SqliteStore, str], RetroOutcome]) -> RetroOutcome:
    """`act` on the retro that `args.retro` names, in the store; a name that fits no retro fails clearly."""
    store = _store(args)
    try:
        return act(store, args.retro)
    except NoSuchRetro as exc:
        raise CommandFailed(str(exc)) from exc
    finally:
        store.close()


def _export(args: argparse.Namespace) -> int:
    try:
        export_format = ExportFormat(args.format)
    except ValueError:
        raise CommandFailed(
            f"unknown format {args.format!r}; choose one of {', '.join(f.value for f in ExportFormat)}."
        ) from None
    try:
        what = CsvContent(args.what)
    except ValueError:
        raise CommandFailed(f"unknown --what {args.what!r}; choose actions or items.") from None
    try:
        paper = Paper(args.paper) if args.paper else locale_paper(os.environ)
    except ValueError:
        raise CommandFailed(f"unknown --paper {args.paper!r}; choose a4 or letter.") from None
    outcome = _named_retro(args, find_outcome)
    for text in unframed_items(outcome.item_texts):
        print(f"retro: note: this item may point at a person: {text!r}", file=sys.stderr)
    path = Path(args.out) if args.out else Path.cwd() / default_name(outcome, export_format, what)
    try:
        data = render(outcome, export_format, what, paper)
        write_export(path, data, force=args.force)
    except (ExportExists, PdfUnavailable) as exc:
        raise CommandFailed(str(exc)) from exc
    except OSError as exc:
        raise CommandFailed(f"cannot write {path}: {exc.strerror}.") from exc
    print(path)
    return 0


def _forget(args: argparse.Namespace) -> int:
    outcome = _named_retro(args, forget_retro)
    when = outcome.date.isoformat()
    print(f"Forgot the raw items of {outcome.title!r} ({when}); its outcome stays in history.")
    return 0


def _import(args: argparse.Namespace) -> int:
    try:
        raw = Path(args.file).read_bytes()
    except OSError as exc:
        raise CommandFailed(f"cannot read {args.file}: {exc.strerror}.") from exc
    store = _store(args)
    try:
        outcome = import_outcome(store, raw)
    except BadImport as exc:
        raise CommandFailed(f"{args.file}: {exc}") from exc
    finally:
        store.close()
    print(f"Imported {outcome.title!r} ({outcome.date.isoformat()}) into history as {outcome.retro_id}.")
    return 0
