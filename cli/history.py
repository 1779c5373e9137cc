"""`retro history`: past retros, one line each, check-in means only above the threshold."""

import argparse

from cli.command import Commands
from cli.config import run_config
from retro.history import history_rows
from retro.sqlite_store import SqliteStore


def add_command(commands: Commands, db: argparse.ArgumentParser) -> None:
    history = commands.add_parser("history", help="List past retros.", parents=[db])
    history.add_argument("--team", help="Only this team's retros")
    history.set_defaults(run=_history)


def _history(args: argparse.Namespace) -> int:
    config = run_config(args)
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
