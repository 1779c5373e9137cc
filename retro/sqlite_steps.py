"""Two steps every SQLite table of the store shares: one transaction at a time, and compacting away what
was deleted."""

import sqlite3


class Transaction:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK when the block raises: one writer, durable at the end.

    Inside a transaction already open (a group of steps, see SqliteStore.group), it is a savepoint instead: a
    block that raises is undone alone, and the rest becomes durable with the group, in its one COMMIT."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._nested = False

    def __enter__(self) -> None:
        self._nested = self._db.in_transaction
        self._db.execute("SAVEPOINT step" if self._nested else "BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, traceback: object) -> None:
        if self._nested:
            if exc_type is not None:
                self._db.execute("ROLLBACK TO step")
            self._db.execute("RELEASE step")
        elif exc_type is not None:
            self._db.execute("ROLLBACK")
        else:
            try:
                self._db.execute("COMMIT")
            except sqlite3.Error:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")  # nothing of it became durable; the next BEGIN must work
                raise


def compact(db: sqlite3.Connection) -> None:
    """Leave no trace of deleted rows: not in free pages, not in the write-ahead log."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("VACUUM")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
