"""Which server a command talks to, and with which token: options first, then the environment, then what
`retro login` kept.

- The server: `--server`, else `RETRO_SERVER` (unless `--db` names a local file).
- A team's token: `--token`, else `RETRO_TOKEN`, else the login kept for that server.
- The operator's token: `--operator-token`, else `RETRO_OPERATOR_TOKEN`; never kept.
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from cli.command import CommandFailed

if TYPE_CHECKING:
    from cli.remote import RemoteServer, ServerAddress

SERVER_VARIABLE = "RETRO_SERVER"
TOKEN_VARIABLE = "RETRO_TOKEN"
OPERATOR_TOKEN_VARIABLE = "RETRO_OPERATOR_TOKEN"


def team_options() -> argparse.ArgumentParser:
    """`--server` and `--token`, for the commands a team's facilitator runs against a server."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--server", help=f"A `retro serve` URL to run this against (or {SERVER_VARIABLE})")
    options.add_argument(
        "--token", help=f"The team's token for --server (or {TOKEN_VARIABLE}, or `retro login URL`)"
    )
    return options


def operator_options() -> argparse.ArgumentParser:
    """`--server` and `--operator-token`, for managing a server's teams."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--server", help=f"The `retro serve` URL (or {SERVER_VARIABLE})")
    options.add_argument(
        "--operator-token",
        help=f"The operator token `retro serve` printed on its first start (or {OPERATOR_TOKEN_VARIABLE})",
    )
    return options


def chosen_server(args: argparse.Namespace) -> ServerAddress | None:
    """The server this command runs against; None to use the local database."""
    given: str | None = args.server
    local: str | None = getattr(args, "db", None)
    if given is not None and local is not None:
        raise CommandFailed("give --db (a local file) or --server (a retro server), not both.", code=2)
    return server_given(given, "--server") if local is None else None


def server_given(given: str | None, given_by: str) -> ServerAddress | None:
    """The server named by an option or argument (`given_by`), else by `RETRO_SERVER`; None if neither."""
    from cli.remote import server_address

    if given is not None:
        return server_address(given, given_by)
    from_environment = os.environ.get(SERVER_VARIABLE)
    return server_address(from_environment, SERVER_VARIABLE) if from_environment else None


def required_server(given: str | None, given_by: str) -> ServerAddress:
    server = server_given(given, given_by)
    if server is None:
        raise CommandFailed(f"which server? give {given_by} or set {SERVER_VARIABLE}.", code=2)
    return server


def token_given(given: str | None, given_by: str, variable: str) -> str | None:
    """The token in the option (`given_by`), else in the environment `variable`; None if neither."""
    from cli.remote import checked_token

    if given is not None:
        return checked_token(given, given_by)
    from_environment = os.environ.get(variable)
    return checked_token(from_environment, variable) if from_environment else None


def team_token(args: argparse.Namespace, server: ServerAddress) -> str:
    """The team's token for `server`: `--token`, else `RETRO_TOKEN`, else the login kept for it."""
    from cli.logins import logins_path, read_logins

    token = token_given(args.token, "--token", TOKEN_VARIABLE) or read_logins(logins_path()).get(server.web)
    if token is None:
        raise CommandFailed(
            f"no token for {server.web}: give --token, set {TOKEN_VARIABLE}, "
            f"or run `retro login {server.web}`.",
            code=2,
        )
    return token


def operator_token(args: argparse.Namespace) -> str:
    token = token_given(args.operator_token, "--operator-token", OPERATOR_TOKEN_VARIABLE)
    if token is None:
        raise CommandFailed(
            "managing teams needs the operator token: "
            f"give --operator-token or set {OPERATOR_TOKEN_VARIABLE}.",
            code=2,
        )
    return token


def team_server(args: argparse.Namespace) -> RemoteServer | None:
    """The server this command runs against with the team's token, not yet connected; None to stay local."""
    from cli.remote import RemoteServer

    server = chosen_server(args)
    return RemoteServer(server, team_token(args, server)) if server is not None else None


def operator_server(args: argparse.Namespace) -> RemoteServer:
    from cli.remote import RemoteServer

    return RemoteServer(required_server(args.server, "--server"), operator_token(args))
