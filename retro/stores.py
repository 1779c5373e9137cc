"""Which store a `--db` value names: a `postgresql://` (or `postgres://`) URL is a PostgreSQL database,
anything else a SQLite file. Light to import: each engine loads only when it is opened."""

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retro.store import EventStore

URL_SCHEMES = ("postgresql://", "postgres://")


class StoreUnavailable(Exception):
    """The store could not be opened; the message is one sentence for the operator, without credentials."""


def is_database_url(db: str | Path) -> bool:
    return isinstance(db, str) and db.startswith(URL_SCHEMES)


def open_store(db: str | Path) -> "EventStore":
    """The store `db` names, opened, its schema brought up to date. Raises StoreUnavailable when a database
    server refuses or cannot be reached."""
    if is_database_url(db):
        from retro.postgres.store import PostgresStore

        return PostgresStore(str(db))
    from retro.sqlite_store import SqliteStore

    return SqliteStore(Path(db))
