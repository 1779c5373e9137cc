"""Two steps every SQLite table of the store shares: one transaction at a time, and compacting away what
was deleted."""

import sqlite3


class Transaction:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK when the block raises: one writer, durable at the end."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, traceback: object) -> None:
        self._db.execute("COMMIT" if exc_type is None else "ROLLBACK")


def compact(db: sqlite3.Connection) -> None:
    """Leave no trace of deleted rows: not in free pages, not in the write-ahead log."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("VACUUM")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
