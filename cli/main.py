"""The `retro` command: host (the TUI), serve (headless), templates, history, schema."""

import argparse
import asyncio
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from cli.config import RunConfig
from cli.outcomes import run_export, run_forget, run_import
from retro.builtin_templates import BUILT_IN
from retro.history import history_rows
from retro.launch import NothingToResume, open_session
from retro.outcome import outcome_schema_text
from retro.session import Session
from retro.settings import RetroSettings
from retro.sqlite_store import SqliteStore
from retro.template_files import TemplateError, resolve_template
from server.app import ServerConfig

DEFAULT_PORT = 8765


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="retro", description="Anonymous, phone-joined retrospectives.")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("host", "Host a retro in this terminal; phones join by QR code."),
        ("serve", "Run the retro server headless and print the join and facilitator URLs."),
    ):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--db", help="SQLite file (default: in the user data directory)")
        sub.add_argument("--title", help="The retro's title")
        sub.add_argument("--team", help="File the retro under this team; its open actions open the Review")
        sub.add_argument("--template", help="A built-in template (see `retro templates`) or a .toml file")
        sub.add_argument("--host", help="Address to listen on (default 0.0.0.0: every interface)")
        sub.add_argument("--port", type=int, help=f"Port to listen on (default {DEFAULT_PORT})")
        sub.add_argument("--public-url", help="Base URL phones use, behind a tunnel or reverse proxy")
        sub.add_argument("--resume", action="store_true", help="Bring back the latest open retro")
        sub.add_argument("--votes", type=int, help="Dots per person (default 3)")
        sub.add_argument("--max-per-topic", type=int, help="Most dots one person may put on one topic")
        sub.add_argument(
            "--min-responses", type=int, help="Answers needed before any aggregate shows (default 3)"
        )
        sub.add_argument("--keep", help="raw (default) or outcome: what the team keeps once a retro ends")
        sub.add_argument("--certfile", help="TLS certificate (PEM)")
        sub.add_argument("--keyfile", help="TLS private key (PEM)")
        sub.add_argument("--max-phones", type=int, help="Most phones in one retro (default 1000)")
    commands.add_parser("templates", help="List the built-in templates.")
    history = commands.add_parser("history", help="List past retros.")
    history.add_argument("--db", help="SQLite file (default: in the user data directory)")
    history.add_argument("--team", help="Only this team's retros")
    export = commands.add_parser("export", help="Export a retro's outcome, at any phase.")
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
    export.add_argument("--db", help="SQLite file (default: in the user data directory)")
    forget = commands.add_parser("forget", help="Drop a retro's raw items; keep its outcome.")
    forget.add_argument("retro", help="A retro id from `retro history` (or its start), or `latest`")
    forget.add_argument("--db", help="SQLite file (default: in the user data directory)")
    importer = commands.add_parser("import", help="Load a JSON export back into history.")
    importer.add_argument("file", help="A file written by `retro export --format json`")
    importer.add_argument("--db", help="SQLite file (default: in the user data directory)")
    schema = commands.add_parser("schema", help="Print a JSON Schema: the websocket protocol, or the export.")
    schema.add_argument("which", nargs="?", default="protocol", choices=["protocol", "export"])
    return parser


def _config(args: argparse.Namespace) -> RunConfig:
    given = {
        key: value
        for key, value in vars(args).items()
        if key != "command" and value is not None and value is not False
    }
    return RunConfig.model_validate(given)


def _server_config(config: RunConfig, session: Session) -> ServerConfig:
    port = config.port if config.port is not None else session.record.port or DEFAULT_PORT
    return ServerConfig(
        host=config.host,
        port=port,
        public_url=str(config.public_url).rstrip("/") if config.public_url else None,
        certfile=str(config.certfile) if config.certfile else None,
        keyfile=str(config.keyfile) if config.keyfile else None,
        max_participants=config.max_phones,
    )


def _fail(message: str, code: int = 1) -> int:
    print(f"retro: {message}", file=sys.stderr)
    return code


def _list_templates() -> int:
    for template in BUILT_IN.values():
        prompts = " / ".join(prompt.text for prompt in template.prompts)
        print(f"{template.name:<20} {template.title}: {prompts}")
    print("\nOr pass --template path/to/your-template.toml.")
    return 0


def _history(config: RunConfig) -> int:
    store = SqliteStore(config.db)
    try:
        rows = history_rows(store, config.team or None)
    finally:
        store.close()
    if not rows:
        print("No retros yet." if not config.team else f"No retros for team {config.team!r} yet.")
        return 0
    header = f"{'id':<16} {'date':<10} {'team':<14} {'title':<28}"
    print(f"{header} {'items':>5} {'check-in':>8} {'open':>5} {'done':>5}  kept")
    for row in rows:
        mean = f"{row.check_in_mean:.1f}" if row.check_in_mean is not None else "—"
        print(
            f"{row.retro_id:<16} {row.created_on.isoformat():<10} {row.team[:14]:<14} {row.title[:28]:<28}"
            f" {row.items:>5} {mean:>8} {row.actions_open:>5} {row.actions_done:>5}  {row.kept}"
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "schema":
        from server.protocol import json_schema_text

        print(outcome_schema_text() if args.which == "export" else json_schema_text())
        return 0
    if args.command == "export":
        return run_export(args)
    if args.command == "import":
        return run_import(args)
    if args.command == "forget":
        return run_forget(args)
    if args.command == "templates":
        return _list_templates()
    try:
        config = _config(args)
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"]).replace("_", "-")
            message = error["msg"].removeprefix("Value error, ")
            print(f"retro: --{where}: {message}" if where else f"retro: {message}", file=sys.stderr)
        return 2
    if args.command == "history":
        return _history(config)
    try:
        template = resolve_template(config.template)
    except TemplateError as exc:
        return _fail(str(exc), 2)
    settings = RetroSettings(
        votes_per_person=config.votes,
        max_votes_per_topic=config.max_per_topic or config.votes,
        min_responses=config.min_responses,
    )
    store = SqliteStore(config.db)
    if config.keep is not None:
        store.set_retention(config.team, config.keep)
    try:
        session = open_session(
            store,
            resume=config.resume,
            title=config.title,
            team=config.team,
            template=template,
            settings=settings,
        )
    except NothingToResume as exc:
        store.close()
        return _fail(str(exc))
    server_config = _server_config(config, session)
    try:
        if args.command == "serve":
            from server.headless import serve_headless

            asyncio.run(serve_headless(session, server_config))
        else:
            from tui.app import RetroApp

            RetroApp(session, server_config).run()
    except OSError as exc:
        return _fail(f"cannot listen on {server_config.host}:{server_config.port}: {exc.strerror}")
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
