"""The embedded event store: one SQLite file in WAL mode, fsynced before a change is acknowledged."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from retro.credentials import CredentialKind
from retro.events import BALLOT_EVENT_TYPES, EVENT_ADAPTER, Event
from retro.pulse.sqlite_pulses import PULSE_SCHEMA, SqlitePulses, upgrade_pulses
from retro.records import RetroRecord
from retro.sqlite_erasure import hide_writing_order, keep_only_final_texts
from retro.sqlite_presence import PRESENCE_SCHEMA, SqlitePresence
from retro.sqlite_steps import Transaction, compact
from retro.store import RegisteredTeam, SequenceConflict, StoredCredential

SCHEMA = """
CREATE TABLE IF NOT EXISTS retros (
    retro_id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    team TEXT NOT NULL,
    created_on TEXT NOT NULL,
    join_token TEXT NOT NULL UNIQUE,
    facilitator_key TEXT NOT NULL,
    retro_key BLOB,
    port INTEGER,
    closed INTEGER NOT NULL DEFAULT 0,
    opened INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    retro_id TEXT NOT NULL REFERENCES retros(retro_id),
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (retro_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS imported_outcomes (
    retro_id TEXT PRIMARY KEY,
    team TEXT NOT NULL,
    created_on TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS teams (
    team TEXT PRIMARY KEY,
    keep TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS phones (
    retro_id TEXT NOT NULL REFERENCES retros(retro_id),
    ballot TEXT NOT NULL,
    PRIMARY KEY (retro_id, ballot)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS retired_tokens (
    retro_id TEXT NOT NULL REFERENCES retros(retro_id),
    token TEXT NOT NULL,
    PRIMARY KEY (retro_id, token)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS applied_messages (
    retro_id TEXT NOT NULL REFERENCES retros(retro_id),
    message_id TEXT NOT NULL,
    PRIMARY KEY (retro_id, message_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS retired_tokens_by_token ON retired_tokens (token);
CREATE TABLE IF NOT EXISTS registered_teams (
    team TEXT PRIMARY KEY,
    created_on TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS credentials (
    secret_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    team TEXT REFERENCES registered_teams(team),
    created_on TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
"""


FILE_VERSION = 2
"""PRAGMA user_version. 1: every ended retro keeps only its items' final texts, in an order that says
nothing about when they were written. 2: no answer of a closed pulse ties to another by one phone."""


class SqliteStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.execute("PRAGMA secure_delete=ON")
        self._db.executescript(SCHEMA)
        self._db.executescript(PULSE_SCHEMA)
        self._db.executescript(PRESENCE_SCHEMA)  # added to an older file here, as it opens
        self.pulses = SqlitePulses(self._db)
        """The team's pulses, in the same file (retro.pulse)."""
        self.presence = SqlitePresence(self._db)
        """The phones each process serving this file has connected now (retro.presence_store)."""
        self._compact_after_group = False
        self._upgrade()

    @contextmanager
    def group(self) -> Iterator[None]:
        with self._transaction():
            yield
        if self._compact_after_group and not self._db.in_transaction:
            self._compact_after_group = False
            self._compact()

    def create_retro(self, record: RetroRecord, first_events: list[Event]) -> None:
        with self._transaction():
            opened = self._db.execute("SELECT COALESCE(MAX(opened), 0) + 1 FROM retros").fetchone()[0]
            self._db.execute(
                "INSERT INTO retros (retro_id, title, team, created_on, join_token, facilitator_key,"
                " retro_key, port, closed, opened) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.retro_id,
                    record.title,
                    record.team,
                    record.created_on.isoformat(),
                    record.join_token,
                    record.facilitator_key,
                    record.retro_key,
                    record.port,
                    int(record.closed),
                    opened,
                ),
            )
            self._insert_events(record.retro_id, first_events)

    def append(
        self, retro_id: str, events: list[Event], message_id: str | None, after: int | None = None
    ) -> bool:
        with self._transaction():
            if message_id is not None:
                inserted = self._db.execute(
                    "INSERT OR IGNORE INTO applied_messages (retro_id, message_id) VALUES (?, ?)",
                    (retro_id, message_id),
                )
                if inserted.rowcount == 0:
                    return False
            if after is not None and (found := self.last_seq(retro_id)) != after:
                raise SequenceConflict(retro_id, after, found)
            self._insert_events(retro_id, events)
        return True

    def was_applied(self, retro_id: str, message_id: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM applied_messages WHERE retro_id = ? AND message_id = ?", (retro_id, message_id)
        ).fetchone()
        return row is not None

    def events(self, retro_id: str) -> list[Event]:
        rows = self._db.execute("SELECT body FROM events WHERE retro_id = ? ORDER BY seq", (retro_id,))
        return [EVENT_ADAPTER.validate_json(body) for (body,) in rows]

    def last_seq(self, retro_id: str) -> int:
        row = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM events WHERE retro_id = ?", (retro_id,))
        return int(row.fetchone()[0])

    def events_since(self, retro_id: str, seq: int) -> list[tuple[int, Event]]:
        rows = self._db.execute(
            "SELECT seq, body FROM events WHERE retro_id = ? AND seq > ? ORDER BY seq", (retro_id, seq)
        )
        return [(number, EVENT_ADAPTER.validate_json(body)) for number, body in rows]

    def record(self, retro_id: str) -> RetroRecord | None:
        return self._one_record("WHERE retro_id = ?", (retro_id,))

    def latest_open_retro(self, team: str | None = None) -> RetroRecord | None:
        if team is None:
            return self._one_record("WHERE closed = 0 ORDER BY opened DESC LIMIT 1", ())
        return self._one_record("WHERE closed = 0 AND team = ? ORDER BY opened DESC LIMIT 1", (team,))

    def open_retros(self, team: str) -> list[RetroRecord]:
        rows = self._db.execute(f"{_RECORD_COLUMNS} WHERE closed = 0 AND team = ? ORDER BY opened", (team,))
        return [_record(row) for row in rows]

    def retro_for_token(self, join_token: str) -> RetroRecord | None:
        return self._one_record(
            "WHERE join_token = ? OR retro_id IN (SELECT retro_id FROM retired_tokens WHERE token = ?)"
            " LIMIT 1",
            (join_token, join_token),
        )

    def retros(self, team: str | None = None) -> list[RetroRecord]:
        where, params = ("WHERE team = ?", (team,)) if team is not None else ("", ())
        rows = self._db.execute(f"{_RECORD_COLUMNS} {where} ORDER BY opened", params).fetchall()
        return [_record(row) for row in rows]

    def save_imported(self, retro_id: str, team: str, created_on: date, body: str) -> bool:
        with self._transaction():
            known = self._db.execute(
                "SELECT 1 FROM retros WHERE retro_id = ?"
                " UNION SELECT 1 FROM imported_outcomes WHERE retro_id = ?",
                (retro_id, retro_id),
            ).fetchone()
            if known:
                return False
            self._db.execute(
                "INSERT INTO imported_outcomes (retro_id, team, created_on, body) VALUES (?, ?, ?, ?)",
                (retro_id, team, created_on.isoformat(), body),
            )
        return True

    def imported(self, team: str | None = None) -> list[str]:
        where, params = ("WHERE team = ?", (team,)) if team is not None else ("", ())
        rows = self._db.execute(f"SELECT body FROM imported_outcomes {where} ORDER BY created_on", params)
        return [body for (body,) in rows]

    def set_join_token(self, retro_id: str, join_token: str) -> None:
        with self._transaction():
            self._db.execute(
                "INSERT OR IGNORE INTO retired_tokens (retro_id, token)"
                " SELECT retro_id, join_token FROM retros WHERE retro_id = ?",
                (retro_id,),
            )
            self._db.execute("UPDATE retros SET join_token = ? WHERE retro_id = ?", (join_token, retro_id))

    def retired_tokens(self, retro_id: str) -> set[str]:
        rows = self._db.execute("SELECT token FROM retired_tokens WHERE retro_id = ?", (retro_id,))
        return {token for (token,) in rows}

    def remember_phone(self, retro_id: str, ballot: str) -> None:
        with self._transaction():
            self._db.execute(
                "INSERT OR IGNORE INTO phones (retro_id, ballot) VALUES (?, ?)", (retro_id, ballot)
            )

    def known_phones(self, retro_id: str) -> set[str]:
        rows = self._db.execute("SELECT ballot FROM phones WHERE retro_id = ?", (retro_id,))
        return {ballot for (ballot,) in rows}

    def remember_port(self, retro_id: str, port: int) -> None:
        with self._transaction():
            self._db.execute("UPDATE retros SET port = ? WHERE retro_id = ?", (port, retro_id))

    def forget_pseudonyms(self, retro_id: str) -> None:
        with self._transaction():
            placeholders = ", ".join("?" for _ in BALLOT_EVENT_TYPES)
            self._db.execute(
                f"DELETE FROM events WHERE retro_id = ? AND json_extract(body, '$.type') IN ({placeholders})",
                (retro_id, *BALLOT_EVENT_TYPES),
            )
            withdrawn = (
                "SELECT json_extract(body, '$.item_id') FROM events"
                " WHERE retro_id = ? AND json_extract(body, '$.type') = 'item_withdrawn'"
            )
            self._db.execute(
                f"DELETE FROM events WHERE retro_id = ? AND json_extract(body, '$.item_id') IN ({withdrawn})",
                (retro_id, retro_id),
            )
            self._db.execute(
                "UPDATE events SET body = json_set(body, '$.owner_hash', '')"
                " WHERE retro_id = ? AND json_extract(body, '$.type') = 'item_added'",
                (retro_id,),
            )
            keep_only_final_texts(self._db, retro_id)
            hide_writing_order(self._db, retro_id)
            self._db.execute("UPDATE retros SET retro_key = NULL, closed = 1 WHERE retro_id = ?", (retro_id,))
            self._db.execute("DELETE FROM applied_messages WHERE retro_id = ?", (retro_id,))
            self._db.execute("DELETE FROM phones WHERE retro_id = ?", (retro_id,))
            self._db.execute("DELETE FROM presence WHERE retro_id = ?", (retro_id,))
        self._compact()

    def forget_raw(self, retro_id: str, team: str, created_on: date, outcome_body: str) -> None:
        with self._transaction():
            for table in ("events", "applied_messages", "phones", "presence", "retired_tokens", "retros"):
                self._db.execute(f"DELETE FROM {table} WHERE retro_id = ?", (retro_id,))
            self._db.execute(
                "INSERT OR REPLACE INTO imported_outcomes (retro_id, team, created_on, body)"
                " VALUES (?, ?, ?, ?)",
                (retro_id, team, created_on.isoformat(), outcome_body),
            )
        self._compact()

    def retention(self, team: str) -> str | None:
        row = self._db.execute("SELECT keep FROM teams WHERE team = ?", (team,)).fetchone()
        return None if row is None else str(row[0])

    def set_retention(self, team: str, keep: str) -> None:
        with self._transaction():
            self._db.execute("INSERT OR REPLACE INTO teams (team, keep) VALUES (?, ?)", (team, keep))

    def save_operator_credential(self, secret_hash: str, created_on: date) -> bool:
        with self._transaction():
            if self.has_operator():
                return False
            self._db.execute(
                "INSERT INTO credentials (secret_hash, kind, team, created_on) VALUES (?, ?, NULL, ?)",
                (secret_hash, CredentialKind.OPERATOR, created_on.isoformat()),
            )
        return True

    def has_operator(self) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM credentials WHERE kind = ? LIMIT 1", (CredentialKind.OPERATOR,)
        ).fetchone()
        return row is not None

    def save_team_credential(self, team: str, secret_hash: str, created_on: date) -> bool:
        with self._transaction():
            known = self._db.execute(
                "SELECT revoked FROM registered_teams WHERE team = ?", (team,)
            ).fetchone()
            if known is not None and not known[0]:
                return False
            self._db.execute(
                "INSERT INTO registered_teams (team, created_on) VALUES (?, ?)"
                " ON CONFLICT (team) DO UPDATE SET revoked = 0",
                (team, created_on.isoformat()),
            )
            self._db.execute(
                "INSERT INTO credentials (secret_hash, kind, team, created_on) VALUES (?, ?, ?, ?)",
                (secret_hash, CredentialKind.TEAM, team, created_on.isoformat()),
            )
        return True

    def find_credential(self, secret_hash: str) -> StoredCredential | None:
        row = self._db.execute(
            "SELECT credentials.kind, credentials.team,"
            " credentials.revoked OR COALESCE(registered_teams.revoked, 0)"
            " FROM credentials LEFT JOIN registered_teams USING (team) WHERE secret_hash = ?",
            (secret_hash,),
        ).fetchone()
        return None if row is None else StoredCredential(kind=row[0], team=row[1], revoked=bool(row[2]))

    def registered_teams(self) -> list[RegisteredTeam]:
        rows = self._db.execute("SELECT team, created_on, revoked FROM registered_teams ORDER BY team")
        return [
            RegisteredTeam(team=team, created_on=date.fromisoformat(created_on), revoked=bool(revoked))
            for team, created_on, revoked in rows
        ]

    def revoke_team_credentials(self, team: str) -> bool:
        with self._transaction():
            revoked = self._db.execute("UPDATE registered_teams SET revoked = 1 WHERE team = ?", (team,))
            if revoked.rowcount == 0:
                return False
            self._db.execute("UPDATE credentials SET revoked = 1 WHERE team = ?", (team,))
        return True

    def is_reachable(self) -> bool:
        try:
            self._db.execute("SELECT COUNT(*) FROM retros WHERE retro_id = ''").fetchone()
        except sqlite3.Error:
            return False
        return True

    def close(self) -> None:
        self._db.close()

    def _upgrade(self) -> None:
        """Bring a file written by an older version up to what this one promises about ended retros and
        closed pulses."""
        if self._db.execute("PRAGMA user_version").fetchone()[0] >= FILE_VERSION:
            return
        with self._transaction():
            ended = [
                retro_id for (retro_id,) in self._db.execute("SELECT retro_id FROM retros WHERE closed = 1")
            ]
            changed = sum(
                keep_only_final_texts(self._db, retro_id) + hide_writing_order(self._db, retro_id)
                for retro_id in ended
            )
            changed += upgrade_pulses(self._db)
            self._db.execute(f"PRAGMA user_version = {FILE_VERSION}")
        if changed:
            self._compact()

    def _compact(self) -> None:
        """At once; or, inside a group, once the group has committed (VACUUM cannot run in a transaction)."""
        if self._db.in_transaction:
            self._compact_after_group = True
            return
        compact(self._db)

    def _insert_events(self, retro_id: str, events: list[Event]) -> None:
        next_seq = self._db.execute(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE retro_id = ?", (retro_id,)
        ).fetchone()[0]
        self._db.executemany(
            "INSERT INTO events (retro_id, seq, body) VALUES (?, ?, ?)",
            [
                (retro_id, next_seq + offset, EVENT_ADAPTER.dump_json(event).decode())
                for offset, event in enumerate(events)
            ],
        )

    def _one_record(self, where: str, params: tuple[str, ...]) -> RetroRecord | None:
        row = self._db.execute(f"{_RECORD_COLUMNS} {where}", params).fetchone()
        return None if row is None else _record(row)

    def _transaction(self) -> Transaction:
        return Transaction(self._db)


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
