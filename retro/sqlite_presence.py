"""Shared presence (retro.presence_store) in the store's SQLite file, for processes on one machine. Its
commits skip the sync (`synchronous=NORMAL` for them alone): presence is not worth a disk flush, and the next
durable commit syncs the write-ahead log up to itself anyway."""

import sqlite3
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager

from retro.sqlite_steps import Transaction

PRESENCE_SCHEMA = """
CREATE TABLE IF NOT EXISTS presence_processes (
    process_id TEXT PRIMARY KEY,
    seen_at REAL NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS presence (
    retro_id TEXT NOT NULL,
    process_id TEXT NOT NULL,
    ballot TEXT NOT NULL,
    wrote INTEGER NOT NULL,
    PRIMARY KEY (retro_id, process_id, ballot)
) WITHOUT ROWID;
"""

_NOW = "((julianday('now') - 2440587.5) * 86400.0)"
"""The database's clock, in seconds since 1970."""


class SqlitePresence:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def beat(self, process_id: str) -> None:
        with self._unsynced():
            self._db.execute(
                f"INSERT INTO presence_processes (process_id, seen_at) VALUES (?, {_NOW})"
                f" ON CONFLICT (process_id) DO UPDATE SET seen_at = {_NOW}",
                (process_id,),
            )

    def live_processes(self, within_seconds: float) -> set[str]:
        rows = self._db.execute(
            f"SELECT process_id FROM presence_processes WHERE seen_at > {_NOW} - ?", (within_seconds,)
        )
        return {process_id for (process_id,) in rows}

    def put(self, retro_id: str, process_id: str, present: Mapping[str, bool], gone: Collection[str]) -> None:
        with self._unsynced():
            row = self._db.execute("SELECT closed FROM retros WHERE retro_id = ?", (retro_id,)).fetchone()
            if row is None or row[0]:
                self._db.execute(
                    "DELETE FROM presence WHERE retro_id = ? AND process_id = ?", (retro_id, process_id)
                )
                return
            self._db.executemany(
                "DELETE FROM presence WHERE retro_id = ? AND process_id = ? AND ballot = ?",
                [(retro_id, process_id, ballot) for ballot in gone],
            )
            self._db.executemany(
                "INSERT INTO presence (retro_id, process_id, ballot, wrote) VALUES (?, ?, ?, ?)"
                " ON CONFLICT DO UPDATE SET wrote = excluded.wrote",
                [(retro_id, process_id, ballot, int(wrote)) for ballot, wrote in present.items()],
            )

    def others(self, retro_id: str, process_id: str, within_seconds: float) -> dict[str, bool]:
        rows = self._db.execute(
            "SELECT ballot, MAX(wrote) FROM presence JOIN presence_processes USING (process_id)"
            f" WHERE retro_id = ? AND process_id != ? AND seen_at > {_NOW} - ? GROUP BY ballot",
            (retro_id, process_id, within_seconds),
        )
        return {ballot: bool(wrote) for ballot, wrote in rows}

    def forget_process(self, process_id: str) -> None:
        with self._unsynced():
            self._db.execute("DELETE FROM presence WHERE process_id = ?", (process_id,))
            self._db.execute("DELETE FROM presence_processes WHERE process_id = ?", (process_id,))

    @contextmanager
    def _unsynced(self) -> Iterator[None]:
        if self._db.in_transaction:  # a step of a group: durable with it
            with Transaction(self._db):
                yield
            return
        self._db.execute("PRAGMA synchronous=NORMAL")
        try:
            with Transaction(self._db):
                yield
        finally:
            self._db.execute("PRAGMA synchronous=FULL")
