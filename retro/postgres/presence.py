"""Shared presence (retro.presence_store) on PostgreSQL: UNLOGGED tables (migration 2), so that pseudonyms
never reach the WAL, replicas or WAL archives; commits not waited for on disk (`synchronous_commit = off`
for them alone). Each change rings the doorbell, so that the other processes' facilitators see it. A write
for a retro queues on that retro's advisory lock, as its end does: it never lands after the erasure."""

from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager

from retro.postgres.connection import RETRO_LOCKS, Connection, Database


class PostgresPresence:
    def __init__(self, database: Database) -> None:
        self._database = database

    def beat(self, process_id: str) -> None:
        with self._unsynced() as db:
            db.execute(
                "INSERT INTO presence_processes (process_id, seen_at) VALUES (%s, clock_timestamp())"
                " ON CONFLICT (process_id) DO UPDATE SET seen_at = clock_timestamp()",
                (process_id,),
            )
            self._database.notify()

    def live_processes(self, within_seconds: float) -> set[str]:
        rows = self._database.db.execute(
            "SELECT process_id FROM presence_processes"
            " WHERE seen_at > clock_timestamp() - make_interval(secs => %s)",
            (within_seconds,),
        )
        return {str(process_id) for (process_id,) in rows}

    def put(self, retro_id: str, process_id: str, present: Mapping[str, bool], gone: Collection[str]) -> None:
        with self._unsynced() as db:
            db.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (RETRO_LOCKS, retro_id))
            row = db.execute("SELECT closed FROM retros WHERE retro_id = %s", (retro_id,)).fetchone()
            if row is None or row[0]:
                db.execute(
                    "DELETE FROM presence WHERE retro_id = %s AND process_id = %s", (retro_id, process_id)
                )
                return
            with db.cursor() as cursor:
                if gone:
                    cursor.execute(
                        "DELETE FROM presence WHERE retro_id = %s AND process_id = %s AND ballot = ANY(%s)",
                        (retro_id, process_id, list(gone)),
                    )
                if present:
                    cursor.executemany(
                        "INSERT INTO presence (retro_id, process_id, ballot, wrote) VALUES (%s, %s, %s, %s)"
                        " ON CONFLICT (retro_id, process_id, ballot) DO UPDATE SET wrote = EXCLUDED.wrote",
                        [(retro_id, process_id, ballot, wrote) for ballot, wrote in present.items()],
                    )
            self._database.notify()

    def others(self, retro_id: str, process_id: str, within_seconds: float) -> dict[str, bool]:
        rows = self._database.db.execute(
            "SELECT ballot, bool_or(wrote) FROM presence JOIN presence_processes USING (process_id)"
            " WHERE retro_id = %s AND process_id <> %s"
            " AND seen_at > clock_timestamp() - make_interval(secs => %s) GROUP BY ballot",
            (retro_id, process_id, within_seconds),
        )
        return {str(ballot): bool(wrote) for ballot, wrote in rows}

    def forget_process(self, process_id: str) -> None:
        with self._unsynced() as db:
            db.execute("DELETE FROM presence WHERE process_id = %s", (process_id,))
            db.execute("DELETE FROM presence_processes WHERE process_id = %s", (process_id,))
            self._database.notify()

    @contextmanager
    def _unsynced(self) -> Iterator[Connection]:
        """A transaction whose commit is not waited for on disk (presence is lost in a crash, by design);
        inside a group, a step of it, durable with it."""
        outermost = not self._database.in_transaction
        with self._database.transaction() as db:
            if outermost:
                db.execute("SET LOCAL synchronous_commit = off")
            yield db
