"""`retro history`: past retros, one line each, check-in means only above the threshold; from the local
database, or from a server with `--server` (the team's own retros)."""

import argparse
from pathlib import Path

from cli.catalogue import help_of
from cli.command import Commands
from cli.config import run_config
from cli.remote import RemoteServer
from cli.server_options import team_options, team_server
from retro.history import HistoryRow, history_rows
from retro.stores import open_store
from retro.text import clean_line
from server.asks import History, HistoryAsk


def add_commands(commands: Commands, db: argparse.ArgumentParser) -> None:
    history = commands.add_parser("history", help=help_of("history"), parents=[db, team_options()])
    history.add_argument("--team", help="Only this team's retros")
    history.set_defaults(run=_history)


def _history(args: argparse.Namespace) -> int:
    config = run_config(args)
    team = config.team or None
    server = team_server(args)
    rows = _local_rows(config.db, team) if server is None else _remote_rows(server, team)
    if not rows:
        print("No retros yet." if not team else f"No retros for team {team!r} yet.")
        return 0
    header = f"{'id':<16} {'date':<10} {'team':<14} {'title':<28}"
    print(f"{header} {'items':>5} {'check-in':>8} {'open':>5} {'done':>5}  kept")
    for row in rows:
        mean = f"{row.check_in_mean:.1f}" if row.check_in_mean is not None else "—"
        team_name, title = clean_line(row.team)[:14], clean_line(row.title)[:28]
        print(
            f"{clean_line(row.retro_id):<16} {row.created_on.isoformat():<10} {team_name:<14} {title:<28}"
            f" {row.items:>5} {mean:>8} {row.actions_open:>5} {row.actions_done:>5}  {clean_line(row.kept)}"
        )
    return 0


def _local_rows(db: str | Path, team: str | None) -> list[HistoryRow]:
    store = open_store(db)
    try:
        return history_rows(store, team)
    finally:
        store.close()


def _remote_rows(server: RemoteServer, team: str | None) -> list[HistoryRow]:
    """The token's team's retros; `--team` can only narrow them to that same team."""
    with server:
        rows = server.ask(HistoryAsk(), History).rows
    return [row for row in rows if team is None or row.team == team]
