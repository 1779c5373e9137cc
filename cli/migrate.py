"""`retro migrate --from FILE.db --to postgresql://…`: move a SQLite file's whole history to PostgreSQL."""

import argparse
from pathlib import Path

from cli.catalogue import help_of
from cli.command import CommandFailed, Commands
from retro.paths import default_db_path
from retro.stores import is_database_url


def add_commands(commands: Commands, db: argparse.ArgumentParser) -> None:
    migrate = commands.add_parser(
        "migrate",
        help=help_of("migrate"),
        description=(
            "Copy everything a SQLite file keeps (retros, teams, credentials' hashes, retention, pulses)"
            " into a PostgreSQL database, in one transaction. Safe to re-run: what is there already is left"
            " alone; a database that holds other data for the same retros or teams is refused, unchanged."
        ),
    )
    migrate.add_argument(
        "--from",
        dest="source",
        metavar="FILE.db",
        help="The SQLite file (default: the one in the user data directory)",
    )
    migrate.add_argument(
        "--to", dest="target", metavar="URL", required=True, help="The database, as a postgresql://… URL"
    )
    migrate.set_defaults(run=_migrate)


def _migrate(args: argparse.Namespace) -> int:
    source, target = str(args.source or default_db_path()), str(args.target)
    if is_database_url(source):
        raise CommandFailed("--from takes the SQLite file to copy; the database goes in --to.", code=2)
    if not is_database_url(target):
        raise CommandFailed("--to takes a PostgreSQL database's URL, like postgresql://host/retro.", code=2)
    from retro.migration import MigrationRefused, migrate_store

    try:
        copied = migrate_store(Path(source), target)
    except MigrationRefused as refused:
        raise CommandFailed(str(refused)) from None
    if not copied.changed:
        print(f"Nothing to copy: {copied.target} already holds everything in {source!r}; nothing changed.")
        return 0
    kept = f"; {copied.present} were there already" if copied.present else ""
    print(f"Copied to {copied.target}: {copied.counts()}{kept}.")
    return 0
