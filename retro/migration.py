"""`retro migrate`: copy everything a SQLite file keeps into a PostgreSQL database, in one transaction.

What is copied comes in units, each whole or not at all: a retro (its record, events with their sequences,
applied message ids, known phones, retired join tokens), an imported outcome, a team's retention, a
registered team with its credential hashes, the operator's credential, a pulse with its answers, a pulse
action, a released roll-up. A unit the target lacks is copied; one it holds exactly as the file does is left
alone; one it holds otherwise refuses the whole copy, naming the first difference, before anything is
written. So a second run changes nothing, and a run cut short (its transaction never committed) is done
whole by the next."""

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict

from retro.postgres.connection import Connection, connect, where
from retro.postgres.migrations import migrate
from retro.sqlite_store import FILE_VERSION, SqliteStore
from retro.text import clean_line

COPY_LOCK = (7_000_010, 0)
"""The advisory lock a copy holds, so that two runs at once copy one after the other."""
_BOOLEAN_COLUMNS = {"closed", "revoked"}
"""Stored as 0/1 by SQLite, as booleans by PostgreSQL."""
_RETRO_TABLES = {"retros", "events"}


class MigrationRefused(Exception):
    """Nothing was copied; the message is one sentence for the operator, without credentials."""


Row = tuple[Any, ...]


@dataclass(frozen=True)
class Part:
    """The rows of one table that belong to a unit."""

    table: str
    columns: tuple[str, ...]
    where: str
    """SQL with `?` for each of the unit's keys."""
    says: str
    """What differs when these rows do, in the refusal's words: the unit "has" it."""
    source_order: str | None = None
    target_order: str | None = None
    """The order that matters, in each engine's terms; None where only which rows are kept matters."""


@dataclass(frozen=True)
class Kind:
    one: str
    many: str
    parts: tuple[Part, ...]
    listed: str
    """SQLite: each unit's keys, then a name for it, in the order units are copied."""


_RETRO = ("retro_id", "title", "team", "created_on", "join_token", "facilitator_key", "retro_key", "port")
_PULSE = (
    "pulse_id", "team", "title", "week", "opened_at", "closes_at", "closed", "join_token", "pulse_key",
    "min_responses", "questions", "free_text", "answered",
)  # fmt: skip
_BY_RETRO = "retro_id = ?"

KINDS = (
    Kind(
        "retro",
        "retros",
        (
            Part("retros", (*_RETRO, "closed"), _BY_RETRO, "a different record"),
            Part("events", ("retro_id", "seq", "body"), _BY_RETRO, "different events", "seq", "seq"),
            Part("applied_messages", ("retro_id", "message_id"), _BY_RETRO, "different applied message ids"),
            Part("phones", ("retro_id", "ballot"), _BY_RETRO, "different known phones"),
            Part("retired_tokens", ("retro_id", "token"), _BY_RETRO, "different retired join tokens"),
        ),
        "SELECT retro_id, 'retro ' || retro_id || ' (' || quote(title) || ')' FROM retros ORDER BY opened",
    ),
    Kind(
        "imported outcome",
        "imported outcomes",
        (
            Part(
                "imported_outcomes",
                ("retro_id", "team", "created_on", "body"),
                _BY_RETRO,
                "a different outcome",
            ),
        ),
        "SELECT retro_id, 'the imported outcome of retro ' || retro_id FROM imported_outcomes ORDER BY rowid",
    ),
    Kind(
        "team's retention",
        "teams' retention",
        (Part("teams", ("team", "keep"), "team = ?", "a different retention"),),
        "SELECT team, 'team ' || quote(team) FROM teams ORDER BY rowid",
    ),
    Kind(
        "registered team",
        "registered teams",
        (
            Part(
                "registered_teams", ("team", "created_on", "revoked"), "team = ?", "a different registration"
            ),
            Part(
                "credentials",
                ("secret_hash", "kind", "team", "created_on", "revoked"),
                "team = ?",
                "different credentials",
            ),
        ),
        "SELECT team, 'registered team ' || quote(team) FROM registered_teams ORDER BY rowid",
    ),
    Kind(
        "operator credential",
        "operator credentials",
        (
            Part(
                "credentials",
                ("secret_hash", "kind", "team", "created_on", "revoked"),
                "team IS NULL AND 1 = ?",
                "a different credential",
            ),
        ),
        "SELECT DISTINCT 1, 'the operator' FROM credentials WHERE team IS NULL",
    ),
    Kind(
        "pulse",
        "pulses",
        (
            Part("pulses", _PULSE, "pulse_id = ?", "a different record"),
            Part(
                "pulse_answers",
                ("pulse_id", "ballot", "question_id", "value", "text"),
                "pulse_id = ?",
                "different answers",
                "rowid",
                "position",
            ),
        ),
        "SELECT pulse_id, 'pulse ' || quote(title) || ' of team ' || quote(team) FROM pulses ORDER BY rowid",
    ),
    Kind(
        "pulse action",
        "pulse actions",
        (
            Part(
                "pulse_actions",
                ("action_id", "team", "pulse_id", "body"),
                "action_id = ?",
                "a different text",
            ),
        ),
        "SELECT action_id, 'pulse action ' || action_id FROM pulse_actions ORDER BY rowid",
    ),
    Kind(
        "released roll-up",
        "released roll-ups",
        (Part("pulse_rollups", ("week", "teams"), "week = ? AND teams = ?", "different teams"),),
        "SELECT week, teams, 'the roll-up of week ' || week FROM pulse_rollups ORDER BY week, teams",
    ),
)


@dataclass(frozen=True)
class Unit:
    kind: Kind
    name: str
    keys: Row
    rows: tuple[tuple[Row, ...], ...]
    """Each part's rows, as the file keeps them."""


@dataclass(frozen=True)
class Copied:
    target: str
    """host:port/database, without credentials."""
    copied: dict[Kind, int]
    """How many units of each kind were copied."""
    present: int
    """How many units the target held already, exactly as the file does."""

    @property
    def changed(self) -> bool:
        return any(self.copied.values())

    def counts(self) -> str:
        """Like "2 retros, 1 pulse": each kind copied, with how many."""
        return ", ".join(
            f"{count} {kind.one if count == 1 else kind.many}" for kind, count in self.copied.items() if count
        )


def migrate_store(source: Path, url: str) -> Copied:
    """Copy every unit of the SQLite file at `source` that the PostgreSQL database at `url` lacks, all in
    one transaction. Raises MigrationRefused (the file unreadable, the target holding other data, the copy
    failing) or retro.stores.StoreUnavailable (the server unreachable or newer), having changed nothing."""
    units = read_units(source)
    _check_url(url)
    target = where(url)
    db = connect(url)
    try:
        migrate(db)
        return _copy(db, units, target)
    except psycopg.Error as error:
        raise MigrationRefused(
            f"the copy to {target} failed, nothing was changed: {_first_line(error)}"
        ) from None
    finally:
        db.close()


def _check_url(url: str) -> None:
    """A URL libpq cannot parse is refused without the parser's words, which can quote its password; so is
    one with control characters, which libpq would read otherwise (a NUL ends it early)."""
    try:
        if any(character < " " or character == "\x7f" for character in url):
            raise ValueError("control characters")
        conninfo_to_dict(url)
    except (psycopg.Error, ValueError):  # ValueError: text that is not UTF-8
        raise MigrationRefused(
            "the PostgreSQL URL cannot be parsed (check its characters and percent-encoding); it is not"
            " shown, as it may hold a password"
        ) from None


def read_units(source: Path) -> list[Unit]:
    """Every unit the file keeps, read in one snapshot, once the file is up to this version's promises."""
    _check_source(source)
    try:
        SqliteStore(source).close()  # brings an older file up to what this version promises
        db = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise MigrationRefused(f"{_named(source)} cannot be read: {error}") from None
    try:
        db.execute("BEGIN")
        return [unit for kind in KINDS for unit in _units(db, kind)]
    except sqlite3.Error as error:
        raise MigrationRefused(f"{_named(source)} cannot be read: {error}") from None
    finally:
        db.close()


def _check_source(source: Path) -> None:
    if not source.exists():
        raise MigrationRefused(f"there is no file {_named(source)}")
    if not source.is_file():
        raise MigrationRefused(f"{_named(source)} is not a file")
    try:
        db = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            db.close()
    except sqlite3.Error as error:
        raise MigrationRefused(f"{_named(source)} is not a retro database ({error})") from None
    if not _RETRO_TABLES <= tables:
        raise MigrationRefused(f"{_named(source)} is not a retro database: it has no retros and events")
    if version > FILE_VERSION:
        raise MigrationRefused(
            f"{_named(source)} was written by a newer retro (file version {version}; this one reads up to"
            f" {FILE_VERSION}): upgrade retro"
        )


def _units(db: sqlite3.Connection, kind: Kind) -> Iterator[Unit]:
    keys_count = kind.parts[0].where.count("?")
    for listed in db.execute(kind.listed).fetchall():
        keys, name = tuple(listed[:keys_count]), clean_line(str(listed[keys_count]))
        rows = tuple(_fetch(db, part, keys, part.source_order, "?") for part in kind.parts)
        yield Unit(kind, name, keys, rows)


def _copy(db: Connection, units: Sequence[Unit], target: str) -> Copied:
    copied = dict.fromkeys(KINDS, 0)
    present = 0
    with db.transaction():
        db.execute("SELECT pg_advisory_xact_lock(%s, %s)", COPY_LOCK)
        missing: list[Unit] = []
        differing: list[str] = []
        for unit in units:
            held = tuple(_fetch(db, part, unit.keys, part.target_order, "%s") for part in unit.kind.parts)
            if not any(held):
                missing.append(unit)
            elif held == unit.rows:
                present += 1
            else:
                says = next(
                    part.says for part, a, b in zip(unit.kind.parts, held, unit.rows, strict=True) if a != b
                )
                differing.append(f"{unit.name} has {says}")
        if differing:
            more = f" (and {len(differing) - 1} more)" if len(differing) > 1 else ""
            raise MigrationRefused(
                f"{target} already holds other data, so nothing was copied: there, {differing[0]}{more}."
            )
        for unit in missing:
            for part, rows in zip(unit.kind.parts, unit.rows, strict=True):
                _insert(db, part, rows)
            copied[unit.kind] += 1
    return Copied(target, copied, present)


def _fetch(
    db: sqlite3.Connection | Connection, part: Part, keys: Row, order: str | None, placeholder: str
) -> tuple[Row, ...]:
    query = f"SELECT {', '.join(part.columns)} FROM {part.table} WHERE {part.where}"
    if order is not None:
        query += f" ORDER BY {order}"
    rows = [_normal(part, row) for row in db.execute(query.replace("?", placeholder), keys).fetchall()]
    return tuple(rows if order is not None else sorted(rows, key=repr))


def _normal(part: Part, row: Row) -> Row:
    return tuple(
        bool(value) if column in _BOOLEAN_COLUMNS else value
        for column, value in zip(part.columns, row, strict=True)
    )


def _insert(db: Connection, part: Part, rows: Sequence[Row]) -> None:
    if not rows:
        return
    placeholders = ", ".join("%s" for _ in part.columns)
    with db.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {part.table} ({', '.join(part.columns)}) VALUES ({placeholders})", list(rows)
        )


def _named(source: Path) -> str:
    return repr(str(source))


def _first_line(error: Exception) -> str:
    """The server's reason, without the DETAIL lines that can quote a row's values."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__
