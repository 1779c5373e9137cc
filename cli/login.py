"""`retro login URL` and `retro logout URL`: keep a team's token for a server, once the server took it."""

import argparse
import getpass
import sys

from cli.catalogue import help_of
from cli.command import CommandFailed, Commands
from cli.logins import logins_path, read_logins, write_logins
from cli.remote import RemoteServer, ServerAddress, checked_token
from cli.server_options import SERVER_VARIABLE, TOKEN_VARIABLE, required_server, token_given


def add_commands(commands: Commands, db: argparse.ArgumentParser) -> None:
    login = commands.add_parser("login", help=help_of("login"))
    login.add_argument("url", nargs="?", help=f"The `retro serve` URL (default: {SERVER_VARIABLE})")
    login.add_argument(
        "--token", help=f"The team's token (default: {TOKEN_VARIABLE}, else asked for, or read from stdin)"
    )
    login.set_defaults(run=_login)
    logout = commands.add_parser("logout", help=help_of("logout"))
    logout.add_argument("url", nargs="?", help=f"The `retro serve` URL (default: {SERVER_VARIABLE})")
    logout.set_defaults(run=_logout)


def _token(args: argparse.Namespace, server: ServerAddress) -> str:
    given = token_given(args.token, "--token", TOKEN_VARIABLE)
    if given is not None:
        return given
    typed = _asked(server) if sys.stdin.isatty() else sys.stdin.readline()  # `… | retro login URL`
    if not typed.strip():
        raise CommandFailed("no token given; nothing kept.")
    return checked_token(typed, "the token given")


def _asked(server: ServerAddress) -> str:
    try:
        return getpass.getpass(f"Team token for {server.web} (not shown): ")
    except (EOFError, KeyboardInterrupt):
        print(file=sys.stderr)  # off the prompt's line
        return ""


def _login(args: argparse.Namespace) -> int:
    server = required_server(args.url, "URL")
    token = _token(args, server)
    with RemoteServer(server, token) as checked:
        if checked.role != "team":
            raise CommandFailed(
                "that is the operator token, which `retro login` does not keep; give it to `retro team` "
                "commands with --operator-token or RETRO_OPERATOR_TOKEN."
            )
    path = logins_path()
    logins = read_logins(path)
    logins[server.web] = token
    write_logins(path, logins)
    print(f"Logged in to {server.web}; the token is kept in {path}, readable by you alone.")
    return 0


def _logout(args: argparse.Namespace) -> int:
    server = required_server(args.url, "URL")
    path = logins_path()
    logins = read_logins(path)
    if logins.pop(server.web, None) is None:
        print(f"No token was kept for {server.web}.")
        return 0
    write_logins(path, logins)
    print(f"Logged out of {server.web}; its token is no longer kept.")
    return 0
