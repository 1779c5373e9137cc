"""What every `retro pulse` command starts from: the store, and the team named with --team."""

import argparse

from cli.command import CommandFailed
from retro.paths import default_db_path
from retro.store import EventStore
from retro.stores import open_store
from retro.text import clean_line


def store_of(args: argparse.Namespace) -> EventStore:
    return open_store(args.db or default_db_path())


def team_of(args: argparse.Namespace) -> str:
    team = clean_line(args.team or "")
    if not team:
        raise CommandFailed("--team: give the team's name, like 'Ward 7'.", code=2)
    return team
