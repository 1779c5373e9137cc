"""`retro team add|list|revoke`: the operator manages a server's teams, with the operator token."""

import argparse

from pydantic import ValidationError

from cli.catalogue import help_of
from cli.command import CommandFailed, Commands
from cli.server_options import operator_options, operator_server
from retro.text import clean_line
from server.asks import TeamAddAsk, TeamAdded, TeamListAsk, TeamRevokeAsk, TeamRevoked, Teams


def add_commands(commands: Commands, db: argparse.ArgumentParser) -> None:
    team = commands.add_parser("team", help=help_of("team"))
    actions = team.add_subparsers(dest="team_command", required=True)
    options = operator_options()
    add = actions.add_parser("add", help="Add a team and print its token, once.", parents=[options])
    add.add_argument("name", help="The team's name, as its retros are filed under")
    add.set_defaults(run=_add)
    listed = actions.add_parser(
        "list", help="Every team, its open retros, and whether it is revoked.", parents=[options]
    )
    listed.set_defaults(run=_list)
    revoke = actions.add_parser("revoke", help="Revoke a team's token for good.", parents=[options])
    revoke.add_argument("name", help="The team's name")
    revoke.set_defaults(run=_revoke)


def _add(args: argparse.Namespace) -> int:
    with operator_server(args) as server:
        added = server.ask(_named(TeamAddAsk, args.name), TeamAdded)
    web = server.address.web
    print(added.token)
    name = clean_line(added.name)
    print(f"Team {name!r} is added. Its token is shown this once; the server keeps only its hash.")
    print(
        f"A facilitator of the team runs a retro with `retro host --server {web} --token TOKEN`, "
        f"or keeps the token with `retro login {web}` first."
    )
    return 0


def _list(args: argparse.Namespace) -> int:
    with operator_server(args) as server:
        teams = server.ask(TeamListAsk(), Teams).teams
    if not teams:
        print("No teams yet; add one with `retro team add NAME`.")
        return 0
    print(f"{'team':<40} {'open retros':>11}  revoked")
    for team in teams:
        print(f"{clean_line(team.name):<40} {team.open_retros:>11}  {'yes' if team.revoked else 'no'}")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    with operator_server(args) as server:
        revoked = server.ask(_named(TeamRevokeAsk, args.name), TeamRevoked)
    print(f"Team {clean_line(revoked.name)!r} is revoked: its token works no more, on this server.")
    return 0


def _named(ask: type[TeamAddAsk] | type[TeamRevokeAsk], name: str) -> TeamAddAsk | TeamRevokeAsk:
    try:
        return ask(name=name)
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"]
        raise CommandFailed(f"team name {name!r}: {reason}.", code=2) from None
