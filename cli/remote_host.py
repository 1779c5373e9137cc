"""`retro host --server URL`: the same TUI, on a retro of the token's team on a remote `retro serve`."""

import argparse
import os

from cli.command import CommandFailed
from cli.config import run_config
from retro.settings import RetroSettings
from retro.template_files import TemplateError, resolve_template
from server.asks import OpenAsk, ResumeAsk

LOCAL_ONLY = ("db", "host", "port", "public_url", "certfile", "keyfile", "keep", "max_phones", "team")
"""Options about a retro hosted on this machine; on a server, its operator sets them, and the team is the
token's own."""


def add_server_options(host: argparse.ArgumentParser) -> None:
    host.add_argument("--server", help="Run the retro on this `retro serve` (or set RETRO_SERVER)")
    host.add_argument("--token", help="Your team's token for --server (or RETRO_TOKEN, or `retro login`)")


def server_of(args: argparse.Namespace) -> str | None:
    server: str | None = args.server or os.environ.get("RETRO_SERVER") or None
    return server


def host_remotely(args: argparse.Namespace, server: str) -> int:
    given = [name for name in LOCAL_ONLY if getattr(args, name, None) not in (None, False)]
    if given:
        options = ", ".join("--" + name.replace("_", "-") for name in given)
        raise CommandFailed(f"{options}: only for a retro hosted on this machine, not with --server", code=2)
    token = token_for(server, args.token)
    config = run_config(args)
    if config.resume:
        ask: OpenAsk | ResumeAsk = ResumeAsk()
    else:
        try:
            template = resolve_template(config.template)
        except TemplateError as exc:
            raise CommandFailed(str(exc), code=2) from exc
        settings = RetroSettings(
            votes_per_person=config.votes,
            max_votes_per_topic=config.max_per_topic or config.votes,
            min_responses=config.min_responses,
            max_items_per_retro=config.max_items,
        )
        ask = OpenAsk(title=config.title, template=template, settings=settings)
    from tui.app import RetroApp  # Textual loads only here, so every other command stays headless
    from tui.hosting import RemoteHost

    app = RetroApp(RemoteHost(server, token, ask))
    app.run()
    return app.return_code or 0


def token_for(server: str, given: str | None) -> str:
    token = given or os.environ.get("RETRO_TOKEN")
    if not token:
        raise CommandFailed(
            f"no token for {server}: give --token, set RETRO_TOKEN, or run `retro login {server}`", code=2
        )
    return token
