"""`retro export` and `retro import`: one-line errors and a non-zero exit on anything wrong."""

import argparse
import os
import sys
from pathlib import Path

from retro.exports.files import CsvContent, ExportExists, ExportFormat, default_name, write_export
from retro.exports.formats import render
from retro.exports.paper import Paper, locale_paper
from retro.exports.pdf import PdfUnavailable
from retro.history import BadImport, NoSuchRetro, find_outcome, forget_retro, import_outcome
from retro.nudge import unframed_items
from retro.paths import default_db_path
from retro.sqlite_store import SqliteStore


def _fail(message: str) -> int:
    print(f"retro: {message}", file=sys.stderr)
    return 1


def _store(args: argparse.Namespace) -> SqliteStore:
    return SqliteStore(Path(args.db) if args.db else default_db_path())


def run_export(args: argparse.Namespace) -> int:
    try:
        export_format = ExportFormat(args.format)
    except ValueError:
        return _fail(
            f"unknown format {args.format!r}; choose one of {', '.join(f.value for f in ExportFormat)}."
        )
    try:
        what = CsvContent(args.what)
    except ValueError:
        return _fail(f"unknown --what {args.what!r}; choose actions or items.")
    try:
        paper = Paper(args.paper) if args.paper else locale_paper(os.environ)
    except ValueError:
        return _fail(f"unknown --paper {args.paper!r}; choose a4 or letter.")
    store = _store(args)
    try:
        outcome = find_outcome(store, args.retro)
    except NoSuchRetro as exc:
        return _fail(str(exc))
    finally:
        store.close()
    for text in unframed_items(outcome.item_texts):
        print(f"retro: note: this item may point at a person: {text!r}", file=sys.stderr)
    path = Path(args.out) if args.out else Path.cwd() / default_name(outcome, export_format, what)
    try:
        data = render(outcome, export_format, what, paper)
        write_export(path, data, force=args.force)
    except (ExportExists, PdfUnavailable) as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot write {path}: {exc.strerror}.")
    print(path)
    return 0


def run_forget(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        outcome = forget_retro(store, args.retro)
    except NoSuchRetro as exc:
        return _fail(str(exc))
    finally:
        store.close()
    when = outcome.date.isoformat()
    print(f"Forgot the raw items of {outcome.title!r} ({when}); its outcome stays in history.")
    return 0


def run_import(args: argparse.Namespace) -> int:
    try:
        raw = Path(args.file).read_bytes()
    except OSError as exc:
        return _fail(f"cannot read {args.file}: {exc.strerror}.")
    store = _store(args)
    try:
        outcome = import_outcome(store, raw)
    except BadImport as exc:
        return _fail(f"{args.file}: {exc}")
    finally:
        store.close()
    print(f"Imported {outcome.title!r} ({outcome.date.isoformat()}) into history as {outcome.retro_id}.")
    return 0
