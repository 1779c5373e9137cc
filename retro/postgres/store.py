"""The event store on PostgreSQL: the same contract as the SQLite file (retro.store.EventStore), for several
processes on one database.

Each retro's events carry a sequence, unique per retro; appends to one retro queue on an advisory lock on
its id (never a table lock), and each commit is on disk before it returns. Every change to a log rings
`NOTIFY retro_events` in its own transaction. What the end of a retro and `retro forget` delete is gone
from the tables' files too: the touched tables are rewritten (VACUUM FULL) once the transaction commits."""

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from typing import Any

import psycopg

from retro.credentials import CredentialKind
from retro.events import EVENT_ADAPTER, Event
from retro.postgres.connection import RETRO_LOCKS, Connection, Database
from retro.postgres.erasure import erased_log
from retro.postgres.migrations import migrate
from retro.postgres.presence import PostgresPresence
from retro.postgres.pulses import PostgresPulses
from retro.postgres.text import storable
from retro.records import RetroRecord
from retro.store import RegisteredTeam, SequenceConflict, StoredCredential

CREDENTIAL_LOCK = (7_000_003, 0)
"""Taken while a credential is checked and kept, so that two processes never both make the operator's."""
_RETRO_TABLES = ("events", "applied_messages", "phones", "presence", "retired_tokens", "retros")


class PostgresStore:
    def __init__(self, url: str) -> None:
        self._database = Database(url)
        try:
            migrate(self._database.db)
        except BaseException:
            self._database.close()
            raise
        self.pulses = PostgresPulses(self._database)
        """The team's pulses, in the same database (retro.pulse)."""
        self.presence = PostgresPresence(self._database)
        """The phones each process on this database has connected now (retro.presence_store)."""

    @property
    def url(self) -> str:
        """Where the database is, credentials included: for this process's own listener (retro.postgres.
        doorbell), never for printing."""
        return self._database.url

    @contextmanager
    def group(self) -> Iterator[None]:
        with self._database.transaction():
            yield

    def create_retro(self, record: RetroRecord, first_events: list[Event]) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO retros (retro_id, title, team, created_on, join_token, facilitator_key,"
                " retro_key, port, closed) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (
                    record.retro_id,
                    record.title,
                    record.team,
                    record.created_on.isoformat(),
                    record.join_token,
                    record.facilitator_key,
                    record.retro_key,
                    record.port,
                    record.closed,
                ),
            )
            self._insert_events(db, record.retro_id, first_events)

    def append(
        self, retro_id: str, events: list[Event], message_id: str | None, after: int | None = None
    ) -> bool:
        with self._transaction() as db:
            self._lock(db, retro_id)
            if message_id is not None:
                inserted = db.execute(
                    "INSERT INTO applied_messages (retro_id, message_id) VALUES (%s, %s)"
                    " ON CONFLICT DO NOTHING",
                    (retro_id, message_id),
                )
                if inserted.rowcount == 0:
                    return False
            if after is not None and (found := self.last_seq(retro_id)) != after:
                raise SequenceConflict(retro_id, after, found)
            self._insert_events(db, retro_id, events)
        return True

    def was_applied(self, retro_id: str, message_id: str) -> bool:
        return self._exists(
            "SELECT 1 FROM applied_messages WHERE retro_id = %s AND message_id = %s", (retro_id, message_id)
        )

    def events(self, retro_id: str) -> list[Event]:
        return [event for _, event in self.events_since(retro_id, 0)]

    def last_seq(self, retro_id: str) -> int:
        row = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM events WHERE retro_id = %s", (retro_id,))
        return int(_one(row)[0])

    def events_since(self, retro_id: str, seq: int) -> list[tuple[int, Event]]:
        rows = self._db.execute(
            "SELECT seq, body FROM events WHERE retro_id = %s AND seq > %s ORDER BY seq", (retro_id, seq)
        )
        return [(int(number), EVENT_ADAPTER.validate_json(body)) for number, body in rows]

    def record(self, retro_id: str) -> RetroRecord | None:
        return self._one_record("WHERE retro_id = %s", (retro_id,))

    def latest_open_retro(self, team: str | None = None) -> RetroRecord | None:
        if team is None:
            return self._one_record("WHERE NOT closed ORDER BY opened DESC LIMIT 1", ())
        return self._one_record("WHERE NOT closed AND team = %s ORDER BY opened DESC LIMIT 1", (team,))

    def open_retros(self, team: str) -> list[RetroRecord]:
        rows = self._db.execute(f"{_RECORD_COLUMNS} WHERE NOT closed AND team = %s ORDER BY opened", (team,))
        return [_record(row) for row in rows]

    def retro_for_token(self, join_token: str) -> RetroRecord | None:
        if not storable(join_token):
            return None
        return self._one_record(
            "WHERE join_token = %s OR retro_id IN (SELECT retro_id FROM retired_tokens WHERE token = %s)"
            " LIMIT 1",
            (join_token, join_token),
        )

    def retros(self, team: str | None = None) -> list[RetroRecord]:
        where, params = ("WHERE team = %s", (team,)) if team is not None else ("", ())
        rows = self._db.execute(f"{_RECORD_COLUMNS} {where} ORDER BY opened", params)
        return [_record(row) for row in rows]

    def save_imported(self, retro_id: str, team: str, created_on: date, body: str) -> bool:
        with self._transaction() as db:
            if self._exists("SELECT 1 FROM retros WHERE retro_id = %s", (retro_id,)):
                return False
            inserted = db.execute(
                "INSERT INTO imported_outcomes (retro_id, team, created_on, body) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT DO NOTHING",
                (retro_id, team, created_on.isoformat(), body),
            )
            return inserted.rowcount == 1

    def imported(self, team: str | None = None) -> list[str]:
        where, params = ("WHERE team = %s", (team,)) if team is not None else ("", ())
        rows = self._db.execute(
            f'SELECT body FROM imported_outcomes {where} ORDER BY created_on COLLATE "C"', params
        )
        return [str(body) for (body,) in rows]

    def set_join_token(self, retro_id: str, join_token: str) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO retired_tokens (retro_id, token)"
                " SELECT retro_id, join_token FROM retros WHERE retro_id = %s ON CONFLICT DO NOTHING",
                (retro_id,),
            )
            db.execute("UPDATE retros SET join_token = %s WHERE retro_id = %s", (join_token, retro_id))

    def retired_tokens(self, retro_id: str) -> set[str]:
        rows = self._db.execute("SELECT token FROM retired_tokens WHERE retro_id = %s", (retro_id,))
        return {str(token) for (token,) in rows}

    def remember_phone(self, retro_id: str, ballot: str) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO phones (retro_id, ballot) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                (retro_id, ballot),
            )

    def known_phones(self, retro_id: str) -> set[str]:
        rows = self._db.execute("SELECT ballot FROM phones WHERE retro_id = %s", (retro_id,))
        return {str(ballot) for (ballot,) in rows}

    def remember_port(self, retro_id: str, port: int) -> None:
        with self._transaction() as db:
            db.execute("UPDATE retros SET port = %s WHERE retro_id = %s", (port, retro_id))

    def forget_pseudonyms(self, retro_id: str) -> None:
        with self._transaction() as db:
            self._lock(db, retro_id)
            bodies = [
                str(body)
                for (body,) in db.execute(
                    "SELECT body FROM events WHERE retro_id = %s ORDER BY seq", (retro_id,)
                )
            ]
            db.execute("DELETE FROM events WHERE retro_id = %s", (retro_id,))
            self._insert_bodies(db, retro_id, 1, erased_log(bodies))
            db.execute("UPDATE retros SET retro_key = NULL, closed = TRUE WHERE retro_id = %s", (retro_id,))
            db.execute("DELETE FROM applied_messages WHERE retro_id = %s", (retro_id,))
            db.execute("DELETE FROM phones WHERE retro_id = %s", (retro_id,))
            db.execute("DELETE FROM presence WHERE retro_id = %s", (retro_id,))
        self._database.vacuum("events", "retros", "applied_messages", "phones", "presence")

    def forget_raw(self, retro_id: str, team: str, created_on: date, outcome_body: str) -> None:
        with self._transaction() as db:
            self._lock(db, retro_id)
            for table in _RETRO_TABLES:
                db.execute(f"DELETE FROM {table} WHERE retro_id = %s", (retro_id,))
            db.execute(
                "INSERT INTO imported_outcomes (retro_id, team, created_on, body) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (retro_id) DO UPDATE"
                " SET team = EXCLUDED.team, created_on = EXCLUDED.created_on, body = EXCLUDED.body",
                (retro_id, team, created_on.isoformat(), outcome_body),
            )
            self._database.notify()
        self._database.vacuum(*_RETRO_TABLES, "imported_outcomes")

    def retention(self, team: str) -> str | None:
        row = self._db.execute("SELECT keep FROM teams WHERE team = %s", (team,)).fetchone()
        return None if row is None else str(row[0])

    def set_retention(self, team: str, keep: str) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO teams (team, keep) VALUES (%s, %s)"
                " ON CONFLICT (team) DO UPDATE SET keep = EXCLUDED.keep",
                (team, keep),
            )

    def save_operator_credential(self, secret_hash: str, created_on: date) -> bool:
        with self._transaction() as db:
            db.execute("SELECT pg_advisory_xact_lock(%s, %s)", CREDENTIAL_LOCK)
            if self.has_operator():
                return False
            db.execute(
                "INSERT INTO credentials (secret_hash, kind, team, created_on) VALUES (%s, %s, NULL, %s)",
                (secret_hash, CredentialKind.OPERATOR.value, created_on.isoformat()),
            )
        return True

    def has_operator(self) -> bool:
        return self._exists(
            "SELECT 1 FROM credentials WHERE kind = %s LIMIT 1", (CredentialKind.OPERATOR.value,)
        )

    def save_team_credential(self, team: str, secret_hash: str, created_on: date) -> bool:
        with self._transaction() as db:
            db.execute("SELECT pg_advisory_xact_lock(%s, %s)", CREDENTIAL_LOCK)
            known = db.execute("SELECT revoked FROM registered_teams WHERE team = %s", (team,)).fetchone()
            if known is not None and not known[0]:
                return False
            db.execute(
                "INSERT INTO registered_teams (team, created_on) VALUES (%s, %s)"
                " ON CONFLICT (team) DO UPDATE SET revoked = FALSE",
                (team, created_on.isoformat()),
            )
            db.execute(
                "INSERT INTO credentials (secret_hash, kind, team, created_on) VALUES (%s, %s, %s, %s)",
                (secret_hash, CredentialKind.TEAM.value, team, created_on.isoformat()),
            )
        return True

    def find_credential(self, secret_hash: str) -> StoredCredential | None:
        if not storable(secret_hash):
            return None
        row = self._db.execute(
            "SELECT credentials.kind, credentials.team,"
            " credentials.revoked OR COALESCE(registered_teams.revoked, FALSE)"
            " FROM credentials LEFT JOIN registered_teams USING (team) WHERE secret_hash = %s",
            (secret_hash,),
        ).fetchone()
        return None if row is None else StoredCredential(kind=row[0], team=row[1], revoked=bool(row[2]))

    def registered_teams(self) -> list[RegisteredTeam]:
        rows = self._db.execute(
            'SELECT team, created_on, revoked FROM registered_teams ORDER BY team COLLATE "C"'
        )
        return [
            RegisteredTeam(team=team, created_on=date.fromisoformat(created_on), revoked=bool(revoked))
            for team, created_on, revoked in rows
        ]

    def revoke_team_credentials(self, team: str) -> bool:
        with self._transaction() as db:
            revoked = db.execute("UPDATE registered_teams SET revoked = TRUE WHERE team = %s", (team,))
            if revoked.rowcount == 0:
                return False
            db.execute("UPDATE credentials SET revoked = TRUE WHERE team = %s", (team,))
        return True

    def is_reachable(self) -> bool:
        try:
            self._db.execute("SELECT COUNT(*) FROM retros WHERE retro_id = ''").fetchone()
        except Exception:  # the server gone, refusing, or the reconnection failing: not ready
            return False
        return True

    def close(self) -> None:
        self._database.close()

    @property
    def _db(self) -> Connection:
        return self._database.db

    def _transaction(self) -> AbstractContextManager[Connection]:
        return self._database.transaction()

    def _lock(self, db: Connection, retro_id: str) -> None:
        """Until the transaction ends, no other appends to this retro, in this process or another."""
        db.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (RETRO_LOCKS, retro_id))

    def _insert_events(self, db: Connection, retro_id: str, events: list[Event]) -> None:
        if not events:
            return
        self._lock(db, retro_id)
        next_seq = int(
            _one(db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE retro_id = %s", (retro_id,)))[
                0
            ]
        )
        self._insert_bodies(
            db, retro_id, next_seq, [EVENT_ADAPTER.dump_json(event).decode() for event in events]
        )

    def _insert_bodies(self, db: Connection, retro_id: str, first_seq: int, bodies: list[str]) -> None:
        with db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO events (retro_id, seq, body) VALUES (%s, %s, %s)",
                [(retro_id, first_seq + offset, body) for offset, body in enumerate(bodies)],
            )
        self._database.notify()

    def _exists(self, query: str, params: tuple[Any, ...]) -> bool:
        return self._db.execute(query, params).fetchone() is not None

    def _one_record(self, where: str, params: tuple[str, ...]) -> RetroRecord | None:
        row = self._db.execute(f"{_RECORD_COLUMNS} {where}", params).fetchone()
        return None if row is None else _record(row)


def _one(cursor: psycopg.Cursor[tuple[Any, ...]]) -> tuple[Any, ...]:
    row = cursor.fetchone()
    assert row is not None, "an aggregate returns one row"
    return row


_COLUMNS = (
    "retro_id",
    "title",
    "team",
    "created_on",
    "join_token",
    "facilitator_key",
    "retro_key",
    "port",
    "closed",
)
_RECORD_COLUMNS = f"SELECT {', '.join(_COLUMNS)} FROM retros"


def _record(row: tuple[Any, ...]) -> RetroRecord:
    return RetroRecord(
        retro_id=row[0],
        title=row[1],
        team=row[2],
        created_on=date.fromisoformat(row[3]),
        join_token=row[4],
        facilitator_key=row[5],
        retro_key=row[6],
        port=row[7],
        closed=bool(row[8]),
    )
