"""The `retro` command: host (the TUI), serve (headless), schema."""

import argparse
import asyncio
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from retro.launch import NothingToResume, open_session
from retro.session import Session
from retro.sqlite_store import SqliteStore
from server.app import ServerConfig
from tui.config import RunConfig

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
        sub.add_argument("--team", help="The team this retro belongs to")
        sub.add_argument("--host", help="Address to listen on (default 0.0.0.0: every interface)")
        sub.add_argument("--port", type=int, help=f"Port to listen on (default {DEFAULT_PORT})")
        sub.add_argument("--public-url", help="Base URL phones use, behind a tunnel or reverse proxy")
        sub.add_argument("--resume", action="store_true", help="Bring back the latest open retro")
        sub.add_argument("--votes", type=int, help="Dots per person (default 3)")
        sub.add_argument("--certfile", help="TLS certificate (PEM)")
        sub.add_argument("--keyfile", help="TLS private key (PEM)")
    commands.add_parser("schema", help="Print the JSON Schema of the websocket protocol.")
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
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "schema":
        from server.protocol import json_schema_text

        print(json_schema_text())
        return 0
    try:
        config = _config(args)
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"])
            print(f"retro: --{where.replace('_', '-')}: {error['msg']}", file=sys.stderr)
        return 2
    store = SqliteStore(config.db)
    try:
        session = open_session(
            store, resume=config.resume, title=config.title, team=config.team, votes=config.votes
        )
    except NothingToResume as exc:
        print(f"retro: {exc}", file=sys.stderr)
        return 1
    server_config = _server_config(config, session)
    try:
        if args.command == "serve":
            from server.headless import serve_headless

            asyncio.run(serve_headless(session, server_config))
        else:
            from tui.app import RetroApp

            RetroApp(session, server_config).run()
    except OSError as exc:
        print(
            f"retro: cannot listen on {server_config.host}:{server_config.port}: {exc.strerror}",
            file=sys.stderr,
        )
        return 1
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
