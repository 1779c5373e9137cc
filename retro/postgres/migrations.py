"""The PostgreSQL schema, as numbered migrations run in order on start; `schema_version` says which have run.

Migration 1 is the schema the SQLite engine has (retro.sqlite_store, retro.pulse.sqlite_pulses), with:
- `opened` and the orders of pulse answers and actions kept by sequences, where SQLite has rowids;
- no statistics on any column that holds a secret, a pseudonym or words, so that ANALYZE (and autovacuum's)
  never copies a sample of them into pg_statistic, where no erasure would reach them.
Several processes starting at once run each migration once: they queue on an advisory lock."""

from retro.postgres.connection import Connection
from retro.stores import StoreUnavailable

MIGRATION_LOCK = (7_000_001, 0)
"""The advisory lock (two keys) every process takes while it migrates."""

_SCHEMA_1 = (
    """CREATE TABLE retros (
        retro_id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        team TEXT NOT NULL,
        created_on TEXT NOT NULL,
        join_token TEXT NOT NULL UNIQUE,
        facilitator_key TEXT NOT NULL,
        retro_key BYTEA,
        port INTEGER,
        closed BOOLEAN NOT NULL DEFAULT FALSE,
        opened BIGSERIAL NOT NULL
    )""",
    """CREATE TABLE events (
        retro_id TEXT NOT NULL REFERENCES retros(retro_id),
        seq BIGINT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (retro_id, seq)
    )""",
    """CREATE TABLE imported_outcomes (
        retro_id TEXT PRIMARY KEY,
        team TEXT NOT NULL,
        created_on TEXT NOT NULL,
        body TEXT NOT NULL
    )""",
    "CREATE TABLE teams (team TEXT PRIMARY KEY, keep TEXT NOT NULL)",
    """CREATE TABLE phones (
        retro_id TEXT NOT NULL REFERENCES retros(retro_id),
        ballot TEXT NOT NULL,
        PRIMARY KEY (retro_id, ballot)
    )""",
    """CREATE TABLE retired_tokens (
        retro_id TEXT NOT NULL REFERENCES retros(retro_id),
        token TEXT NOT NULL,
        PRIMARY KEY (retro_id, token)
    )""",
    "CREATE INDEX retired_tokens_by_token ON retired_tokens (token)",
    """CREATE TABLE applied_messages (
        retro_id TEXT NOT NULL REFERENCES retros(retro_id),
        message_id TEXT NOT NULL,
        PRIMARY KEY (retro_id, message_id)
    )""",
    """CREATE TABLE registered_teams (
        team TEXT PRIMARY KEY,
        created_on TEXT NOT NULL,
        revoked BOOLEAN NOT NULL DEFAULT FALSE
    )""",
    """CREATE TABLE credentials (
        secret_hash TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        team TEXT REFERENCES registered_teams(team),
        created_on TEXT NOT NULL,
        revoked BOOLEAN NOT NULL DEFAULT FALSE
    )""",
    """CREATE TABLE pulses (
        pulse_id TEXT PRIMARY KEY,
        team TEXT NOT NULL,
        title TEXT NOT NULL,
        week TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        closes_at TEXT,
        closed BOOLEAN NOT NULL DEFAULT FALSE,
        join_token TEXT NOT NULL UNIQUE,
        pulse_key BYTEA,
        min_responses INTEGER NOT NULL,
        questions TEXT NOT NULL,
        free_text TEXT,
        answered INTEGER
    )""",
    """CREATE TABLE pulse_answers (
        pulse_id TEXT NOT NULL REFERENCES pulses(pulse_id),
        ballot TEXT,
        question_id TEXT NOT NULL,
        value INTEGER,
        text TEXT,
        position BIGSERIAL NOT NULL
    )""",
    "CREATE INDEX pulse_answers_by_pulse ON pulse_answers (pulse_id, ballot)",
    """CREATE TABLE pulse_actions (
        action_id TEXT PRIMARY KEY,
        team TEXT NOT NULL,
        pulse_id TEXT NOT NULL REFERENCES pulses(pulse_id),
        body TEXT NOT NULL,
        position BIGSERIAL NOT NULL
    )""",
    "CREATE TABLE pulse_rollups (week TEXT NOT NULL, teams TEXT NOT NULL, PRIMARY KEY (week, teams))",
    *(
        f"ALTER TABLE {table} ALTER COLUMN {column} SET STATISTICS 0"
        for table, column in (
            ("retros", "join_token"),
            ("retros", "facilitator_key"),
            ("retros", "retro_key"),
            ("events", "body"),
            ("phones", "ballot"),
            ("retired_tokens", "token"),
            ("applied_messages", "message_id"),
            ("credentials", "secret_hash"),
            ("imported_outcomes", "body"),
            ("pulses", "join_token"),
            ("pulses", "pulse_key"),
            ("pulse_answers", "ballot"),
            ("pulse_answers", "text"),
            ("pulse_actions", "body"),
        )
    ),
)

_PRESENCE_2 = (
    """CREATE UNLOGGED TABLE presence_processes (
        process_id TEXT PRIMARY KEY,
        seen_at TIMESTAMPTZ NOT NULL
    )""",
    """CREATE UNLOGGED TABLE presence (
        retro_id TEXT NOT NULL,
        process_id TEXT NOT NULL,
        ballot TEXT NOT NULL,
        wrote BOOLEAN NOT NULL,
        PRIMARY KEY (retro_id, process_id, ballot)
    )""",
    "ALTER TABLE presence ALTER COLUMN ballot SET STATISTICS 0",
)
"""Migration 2: the phones each process has connected now (retro.postgres.presence). UNLOGGED: never in
the WAL, so never on a replica or in a WAL archive, and emptied by a crash, which presence can afford."""

MIGRATIONS: tuple[tuple[str, ...], ...] = (_SCHEMA_1, _PRESENCE_2)
"""Each migration's statements, in order; the schema's version is how many have run. Append, never edit."""


def migrate(db: Connection) -> int:
    """Run the migrations this database has not had yet, in one transaction that holds the migration lock;
    returns the version. A database written by a newer retro is refused rather than touched."""
    with db.transaction():
        db.execute("SELECT pg_advisory_xact_lock(%s, %s)", MIGRATION_LOCK)
        db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY)")
        row = db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
        current = int(row[0]) if row else 0
        if current > len(MIGRATIONS):
            raise StoreUnavailable(
                f"this database has schema version {current}, written by a newer retro; this one knows up to"
                f" {len(MIGRATIONS)}: upgrade retro"
            )
        for version in range(current + 1, len(MIGRATIONS) + 1):
            with db.transaction():
                for statement in MIGRATIONS[version - 1]:
                    db.execute(statement)
                db.execute("INSERT INTO schema_version (version) VALUES (%s)", (version,))
    return len(MIGRATIONS)
