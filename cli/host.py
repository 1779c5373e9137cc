"""`retro host` (the TUI in this terminal) and `retro serve` (headless): open a retro, listen for phones.

Each command imports what it runs when it runs, so that `retro host` loads neither the headless server's
service log nor the remote client, and `retro serve` never loads Textual.

`retro host` starting a new retro puts its QR code on screen first: it binds the socket phones join on and
chooses the join token, so that it knows the join link, then starts the app with the lobby alone; only then
do the options' checks, the store, the session and the server load (JoinFirstHost). What fails then ends the
app with the same lines as before it. A retro resumed, or served behind a public URL or TLS, opens first.
"""

import argparse
import asyncio
import socket
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, TypeAlias

from cli.catalogue import help_of
from cli.command import CommandFailed, Commands
from cli.loading import load_for_good
from cli.remote_host import SERVER_OPTIONS, host_remotely, server_of

if TYPE_CHECKING:
    from pathlib import Path

    from cli.config import RunConfig
    from retro.session import Session
    from retro.store import EventStore
    from server.app import ServerConfig
    from tui.app import RetroApp

DEFAULT_PORT = 8765

Listen: TypeAlias = "Callable[[Session, ServerConfig], None]"

HOSTING_MODULES = ("cli.config", "retro.launch", "retro.sqlite_store", "server.app", "tui.app", "tui.hosting")
"""What `retro host` runs on this machine: loaded in one go, before the store is opened."""
LOBBY_MODULES = ("tui.app", "tui.hosting")
"""What `retro host` loads to show a new retro's QR code: the app and its lobby, none of the rest."""
UNSPECIFIED_HOST = "0.0.0.0"


def add_commands(commands: Commands, db: argparse.ArgumentParser) -> None:
    for name, help_text, listen in (
        ("host", help_of("host"), _in_this_terminal),
        ("serve", help_of("serve"), _headless),
    ):
        parents = [db] if name == "serve" else [db, SERVER_OPTIONS]
        sub = commands.add_parser(name, help=help_text, parents=parents)
        if name == "serve":
            sub.__class__ = _ServeParser  # Python 3.11's add_parser takes no class for one subcommand
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
        sub.add_argument("--max-items", type=int, help="Most items in one retro (default 2000)")
        sub.add_argument(
            "--lang",
            help="Phones' language when theirs is none of the page's (en, cy, pl, ro, pt, es, fil, ml, ar)",
        )
        sub.set_defaults(run=_runner(listen) if name == "serve" else _host_runner)


class _ServeParser(argparse.ArgumentParser):
    """`retro serve`'s parser. Its service options take their defaults from the server, so they are added
    once the parser is used, for `retro serve` or its help: `retro host` parses its options without
    loading the server."""

    _complete = False

    def _completed(self) -> None:
        if not self._complete:
            self._complete = True
            _add_service_options(self)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        self._completed()
        return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        self._completed()
        return super().format_usage()

    def format_help(self) -> str:
        self._completed()
        return super().format_help()


def _add_service_options(serve: argparse.ArgumentParser) -> None:
    from server.answering import Limits
    from server.app import ServerConfig
    from server.service_log import LogFormat

    serve.add_argument(
        "--log-format",
        choices=[choice.value for choice in LogFormat],
        default=LogFormat.TEXT.value,
        help="One line per event on stderr, as text (default) or json; never addresses, tokens or user text",
    )
    serve.add_argument(
        "--max-open-retros",
        type=int,
        default=Limits.max_open_retros_per_team,
        help=f"Most retros one team may have open at once (default {Limits.max_open_retros_per_team})",
    )
    serve.add_argument(
        "--drain-seconds",
        type=_seconds,
        default=ServerConfig.drain_seconds,
        help="On SIGTERM, spread the phones' reconnect (close code 1012) over this many seconds (default 3)",
    )
    serve.set_defaults(run=_serve_runner)


def _seconds(text: str) -> float:
    seconds = float(text)
    if not 0 <= seconds <= 600:
        raise argparse.ArgumentTypeError("give seconds from 0 to 600")
    return seconds


def _serve_runner(args: argparse.Namespace) -> int:
    from cli.config import run_config
    from server.answering import Limits
    from server.headless import serve_headless
    from server.service_log import LogFormat, configure

    configure(LogFormat(args.log_format))
    config = run_config(args)
    max_open: int = args.max_open_retros
    if not 1 <= max_open <= 10_000:
        raise CommandFailed("--max-open-retros: give a number from 1 to 10000", code=2)
    limits = Limits(max_open_retros_per_team=max_open, max_items_per_retro=config.max_items)
    drain_seconds: float = args.drain_seconds

    def headless(store: "EventStore", session: "Session | None", server_config: "ServerConfig") -> None:
        tuned = replace(server_config, drain_seconds=drain_seconds, limits=limits)
        asyncio.run(serve_headless(store, session, tuned))

    if not _hosts_own_retro(args):
        server_config = _server_config(config, None)
        return _with_store(
            config, lambda store: _listen(lambda: headless(store, None, server_config), server_config)
        )
    return _run(config, lambda session, server_config: headless(session.store, session, server_config))


RETRO_OPTIONS = ("title", "team", "template", "votes", "max_per_topic", "min_responses", "keep")
"""Options that describe one retro: given to `retro serve`, it hosts that retro as its own."""


def _hosts_own_retro(args: argparse.Namespace) -> bool:
    return bool(args.resume) or any(getattr(args, name) is not None for name in RETRO_OPTIONS)


def _with_store(config: "RunConfig", use: "Callable[[EventStore], None]") -> int:
    store = _opened_store(config.db)
    try:
        use(store)
    finally:
        store.close()
    return 0


def _host_runner(args: argparse.Namespace) -> int:
    server = server_of(args)
    if server is not None:
        return host_remotely(args, server)
    listening = _listening_ahead(args)
    if listening is not None:
        return _join_first(args, listening)
    load_for_good(HOSTING_MODULES)
    from cli.config import run_config

    return _run(run_config(args), _in_this_terminal)


def _listening_ahead(args: argparse.Namespace) -> socket.socket | None:
    """For a new retro whose join link follows from the address alone: a socket bound where the server
    will listen, as it would bind it, and listening. None when the link needs more (a retro to resume, a
    public URL, TLS) or the address is not one socket: the retro opens first, as it always has."""
    host: str = args.host if args.host is not None else UNSPECIFIED_HOST
    port: int = args.port if args.port is not None else DEFAULT_PORT
    if args.resume or args.public_url or args.certfile or args.keyfile:
        return None
    if not 0 <= port <= 65535 or host != host.strip() or not host.isprintable():
        return None  # the options' checks say what is wrong
    try:
        found = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP, flags=socket.AI_PASSIVE
        )
    except (OSError, UnicodeError):
        return None
    if len({address for *_, address in found}) != 1:
        return None
    family, kind, proto, _, address = found[0]
    listening = socket.socket(family, kind, proto)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as asyncio's create_server does
        if family == socket.AF_INET6:
            listening.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        listening.bind(address)
        listening.listen(100)
    except OSError as exc:
        listening.close()
        raise CommandFailed(f"cannot listen on port {port}: {exc.strerror}") from exc
    return listening


def _join_first(args: argparse.Namespace, listening: socket.socket) -> int:
    app, opened = join_first_app(args, listening)
    try:
        app.run()
    finally:
        listening.close()
        for store in opened:
            store.close()
    if app.return_code:
        raise CommandFailed(code=app.return_code)  # the app has said why
    return 0


def join_first_app(args: argparse.Namespace, listening: socket.socket) -> "tuple[RetroApp, list[EventStore]]":
    """The app for a new retro whose QR code shows before the rest loads: its join link is chosen here
    and handed to the session once that opens, in the app, after the code is on screen. The list holds
    the store once it is open, for the caller to close."""
    from retro.secrets import new_token
    from server.addresses import PublicAddress

    load_for_good(LOBBY_MODULES)
    from tui.app import RetroApp
    from tui.host import HostUnavailable
    from tui.hosting import JoinFirstHost

    join_token = new_token()
    port: int = listening.getsockname()[1]
    host: str = args.host if args.host is not None else UNSPECIFIED_HOST
    join_url = PublicAddress.for_listener(host, port, None).join_url(join_token)
    opened: list[EventStore] = []

    def opening() -> "tuple[Session, ServerConfig]":
        from retro.stores import StoreUnavailable

        load_for_good(HOSTING_MODULES)
        from cli.config import run_config
        from retro.launch import open_session

        try:
            config = run_config(args)
            template, settings = config.template_chosen(), config.settings()
            store = _opened_store(config.db)
            opened.append(store)
            if config.keep is not None:
                store.set_retention(config.team, config.keep)
            session = open_session(
                store,
                resume=False,
                title=config.title,
                team=config.team,
                template=template,
                settings=settings,
                join_token=join_token,
            )
        except CommandFailed as failed:
            raise HostUnavailable(*failed.messages, code=failed.code) from None
        except StoreUnavailable as unavailable:
            raise HostUnavailable(str(unavailable)) from None
        return session, replace(_server_config(config, session), port=port)

    return RetroApp(JoinFirstHost(listening, join_url, opening)), opened


def _opened_store(db: "Path | str") -> "EventStore":
    """The store `db` names, open; a file that cannot be opened fails in one line, as an unreachable
    database server does (StoreUnavailable)."""
    import sqlite3

    from retro.stores import open_store

    try:
        return open_store(db)
    except (OSError, sqlite3.Error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CommandFailed(f"cannot open the store {db}: {reason}") from exc


def _in_this_terminal(session: "Session", server_config: "ServerConfig") -> None:
    from tui.app import RetroApp  # Textual loads only here, so every other command stays headless
    from tui.hosting import EmbeddedHost

    app = RetroApp(EmbeddedHost(session, server_config))
    app.run()
    if app.return_code:
        raise CommandFailed(code=app.return_code)  # the app has said why, in one line


def _headless(session: "Session", server_config: "ServerConfig") -> None:
    from server.headless import serve_headless

    asyncio.run(serve_headless(session.store, session, server_config))


def _runner(listen: Listen) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from cli.config import run_config

        return _run(run_config(args), listen)

    return run


def _run(config: "RunConfig", listen: Listen) -> int:
    from retro.launch import NothingToResume, open_session

    template, settings = config.template_chosen(), config.settings()
    store = _opened_store(config.db)
    try:
        if config.keep is not None:
            store.set_retention(config.team, config.keep)
        session = open_session(
            store,
            resume=config.resume,
            title=config.title,
            team=config.team,
            template=template,
            settings=settings,
        )
        server_config = _server_config(config, session)
        _listen(lambda: listen(session, server_config), server_config)
    except NothingToResume as exc:
        raise CommandFailed(str(exc)) from exc
    finally:
        store.close()
    return 0


def _listen(listen: Callable[[], None], server_config: "ServerConfig") -> None:
    try:
        listen()
    except OSError as exc:
        where = f"{server_config.host}:{server_config.port}"
        raise CommandFailed(f"cannot listen on {where}: {exc.strerror}") from exc


def _server_config(config: "RunConfig", session: "Session | None") -> "ServerConfig":
    from server.app import ServerConfig

    remembered = session.record.port if session is not None else None
    port = config.port if config.port is not None else remembered or DEFAULT_PORT
    return ServerConfig(
        host=config.host,
        port=port,
        public_url=str(config.public_url).rstrip("/") if config.public_url else None,
        certfile=str(config.certfile) if config.certfile else None,
        keyfile=str(config.keyfile) if config.keyfile else None,
        max_participants=config.max_phones,
    )
