"""`retro export`, `retro import`, `retro forget`: a retro's outcome out of the store, back in, kept alone;
in the local database, or with `--server` on a server (the team's own retros), printed the same way."""

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from cli.catalogue import help_of
from cli.command import CommandFailed, Commands
from cli.remote import RemoteServer
from cli.server_options import team_options, team_server
from retro.exports.files import CsvContent, ExportExists, ExportFormat, default_name, write_export
from retro.exports.formats import render
from retro.exports.paper import Paper, locale_paper
from retro.exports.pdf import PdfUnavailable
from retro.history import BadImport, NoSuchRetro, find_outcome, forget_retro, import_outcome
from retro.nudge import unframed_items
from retro.outcome import OUTCOME_ADAPTER, RetroOutcome
from retro.paths import default_db_path
from retro.store import EventStore
from retro.stores import open_store
from server.asks import ForgetAsk, Forgotten, ImportAsk, Imported, OutcomeAsk, OutcomeResult, RetroRef

_RETRO_REF: TypeAdapter[str] = TypeAdapter(RetroRef)


def add_commands(commands: Commands, db: argparse.ArgumentParser) -> None:
    remote = team_options()
    export = commands.add_parser("export", help=help_of("export"), parents=[db, remote])
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
    forget = commands.add_parser("forget", help=help_of("forget"), parents=[db, remote])
    forget.add_argument("retro", help="A retro id from `retro history` (or its start), or `latest`")
    forget.set_defaults(run=_forget)
    importer = commands.add_parser("import", help=help_of("import"), parents=[db, remote])
    importer.add_argument("file", help="A file written by `retro export --format json`")
    importer.set_defaults(run=_import)


def _store(args: argparse.Namespace) -> EventStore:
    return open_store(args.db or default_db_path())


def _named_retro(
    args: argparse.Namespace,
    act: Callable[[EventStore, str], RetroOutcome],
    ask: Callable[[RemoteServer, str], RetroOutcome],
) -> RetroOutcome:
    """`act` on the retro that `args.retro` names, in the store, or `ask` the server to; a name that fits no
    retro fails clearly."""
    server = team_server(args)
    if server is not None:
        with server:
            return ask(server, _retro_ref(args.retro))
    store = _store(args)
    try:
        return act(store, args.retro)
    except NoSuchRetro as exc:
        raise CommandFailed(str(exc)) from exc
    finally:
        store.close()


def _retro_ref(text: str) -> str:
    try:
        return _RETRO_REF.validate_python(text)
    except ValidationError:
        raise CommandFailed(f"No retro {text!r}; `retro history` lists them, or use `latest`.") from None


def _outcome_from(server: RemoteServer, ref: str) -> RetroOutcome:
    return server.ask(OutcomeAsk(retro=ref), OutcomeResult).outcome


def _forgotten_on(server: RemoteServer, ref: str) -> RetroOutcome:
    return server.ask(ForgetAsk(retro=ref), Forgotten).outcome


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
    outcome = _named_retro(args, find_outcome, _outcome_from)
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
    outcome = _named_retro(args, forget_retro, _forgotten_on)
    when = outcome.date.isoformat()
    print(f"Forgot the raw items of {outcome.title!r} ({when}); its outcome stays in history.")
    return 0


def _import(args: argparse.Namespace) -> int:
    outcome = _read_outcome(args.file)
    server = team_server(args)
    if server is not None:
        with server:
            outcome = server.ask(ImportAsk(outcome=outcome), Imported).outcome
    else:
        _import_locally(args, outcome)
    print(f"Imported {outcome.title!r} ({outcome.date.isoformat()}) into history as {outcome.retro_id}.")
    return 0


def _read_outcome(file: str) -> RetroOutcome:
    """The outcome in a file written by `retro export --format json`, checked here, wherever it goes."""
    try:
        raw = Path(file).read_bytes()
    except OSError as exc:
        raise CommandFailed(f"cannot read {file}: {exc.strerror}.") from exc
    try:
        return OUTCOME_ADAPTER.validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "file"
        raise CommandFailed(f"{file}: not a retro JSON export: {where}: {first['msg']}") from None


def _import_locally(args: argparse.Namespace, outcome: RetroOutcome) -> None:
    store = _store(args)
    try:
        import_outcome(store, outcome.model_dump_json().encode())
    except BadImport as exc:
        raise CommandFailed(f"{args.file}: {exc}") from exc
    finally:
        store.close()
