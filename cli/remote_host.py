"""`retro host --server URL`: the same TUI, on a retro of the token's team on a remote `retro serve`."""

import argparse
from typing import TYPE_CHECKING

from cli.command import CommandFailed
from cli.server_options import server_given, team_options, team_token

if TYPE_CHECKING:
    from cli.remote import ServerAddress

LOCAL_ONLY = ("db", "host", "port", "public_url", "certfile", "keyfile", "keep", "max_phones", "team")
"""Options about a retro hosted on this machine; on a server, its operator sets them, and the team is the
token's own."""


SERVER_OPTIONS = team_options()
"""`--server` and `--token`: `retro host` takes them as the other commands that reach a server do."""


def server_of(args: argparse.Namespace) -> "ServerAddress | None":
    """The server named by --server, or by RETRO_SERVER unless --db names a local file; None to host here."""
    if args.db is not None and args.server is None:
        return None
    return server_given(args.server, "--server")


def host_remotely(args: argparse.Namespace, server: "ServerAddress") -> int:
    from cli.config import run_config
    from server.asks import OpenAsk, ResumeAsk

    given = [name for name in LOCAL_ONLY if getattr(args, name, None) not in (None, False)]
    if given:
        options = ", ".join("--" + name.replace("_", "-") for name in given)
        raise CommandFailed(f"{options}: only for a retro hosted on this machine, not with --server", code=2)
    token = team_token(args, server)
    config = run_config(args)
    ask: OpenAsk | ResumeAsk = (
        ResumeAsk()
        if config.resume
        else OpenAsk(title=config.title, template=config.template_chosen(), settings=config.settings())
    )
    from tui.app import RetroApp  # Textual loads only here, so every other command stays headless
    from tui.hosting import RemoteHost

    app = RetroApp(RemoteHost(server.web, token, ask))
    app.run()
    return app.return_code or 0
