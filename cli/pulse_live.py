"""`retro pulse --team NAME`: a live pulse in this terminal, at a huddle or a shift start.

The TUI shows the QR code and how many phones have answered; `c` closes it and shows the results and the
team's trend. It serves the pulse from this machine's store, or opens it on a `retro serve` with --server.
"""

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cli.command import CommandFailed
from cli.pulse_options import add_question_options, open_ask
from cli.pulse_store import store_of, team_of
from cli.server_options import chosen_server, team_token
from server.app import ServerConfig
from server.pulse_asks import PulseOpenAsk, PulseWatchAsk

if TYPE_CHECKING:
    from tui.host import Host

DEFAULT_PORT = 8765
LOCAL_ONLY = ("db", "host", "port", "public_url", "certfile", "keyfile")


def add_live_options(pulse: argparse.ArgumentParser) -> None:
    add_question_options(pulse)
    pulse.add_argument("--until", help='When it closes by itself if not closed before, like "17:00"')
    pulse.add_argument("--host", help="Address to listen on (default 0.0.0.0: every interface)")
    pulse.add_argument("--port", type=int, help=f"Port to listen on (default {DEFAULT_PORT})")
    pulse.add_argument("--public-url", help="Base URL phones use, behind a tunnel or reverse proxy")
    pulse.add_argument("--certfile", help="TLS certificate (PEM)")
    pulse.add_argument("--keyfile", help="TLS private key (PEM)")
    pulse.add_argument(
        "--resume",
        action="store_true",
        help="Watch the team's open pulse (say, a poster's) instead of a new one",
    )
    pulse.add_argument("--weeks", type=int, default=12, help="How many weeks the trend shows (default 12)")


def run_live(args: argparse.Namespace) -> int:
    if not 1 <= args.weeks <= 104:
        raise CommandFailed("--weeks: give a number from 1 to 104.", code=2)
    ask: PulseOpenAsk | PulseWatchAsk = PulseWatchAsk() if args.resume else open_ask(args, datetime.now(UTC))
    server = chosen_server(args)
    if server is not None:
        given = [name for name in LOCAL_ONLY if getattr(args, name, None) is not None]
        if given:
            options = ", ".join("--" + name.replace("_", "-") for name in given)
            raise CommandFailed(
                f"{options}: only for a pulse served from this machine, not with --server", code=2
            )
        from tui.hosting import RemoteHost

        return _run(RemoteHost(server.web, team_token(args, server), ask), args.weeks)
    return _run_here(args, ask.model_copy(update={"team": team_of(args)}))


def _run_here(args: argparse.Namespace, ask: PulseOpenAsk | PulseWatchAsk) -> int:
    config = _server_config(args)
    store = store_of(args)
    try:
        from tui.hosting import EmbeddedPulseHost

        return _run(EmbeddedPulseHost(store, config, ask), args.weeks)
    finally:
        store.close()


def _server_config(args: argparse.Namespace) -> ServerConfig:
    port = DEFAULT_PORT if args.port is None else args.port
    if not 0 <= port <= 65535:
        raise CommandFailed("--port: give a port from 0 to 65535.", code=2)
    for option, path in (("--certfile", args.certfile), ("--keyfile", args.keyfile)):
        if path is not None and not _is_file(path):
            raise CommandFailed(f"{option}: no such file: {path}", code=2)
    public_url = args.public_url.rstrip("/") if args.public_url else None
    if public_url is not None and not public_url.startswith(("http://", "https://")):
        raise CommandFailed("--public-url: give an http:// or https:// address.", code=2)
    return ServerConfig(
        host=args.host or "0.0.0.0",
        port=port,
        public_url=public_url,
        certfile=args.certfile,
        keyfile=args.keyfile,
    )


def _is_file(path: str) -> bool:
    return Path(path).is_file()


def _run(host: "Host", weeks: int) -> int:
    from tui.pulse_app import PulseApp  # Textual loads only here, so every other command stays headless

    app = PulseApp(host, weeks=weeks)
    app.run()
    return app.return_code or 0
