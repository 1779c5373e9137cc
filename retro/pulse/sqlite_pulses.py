"""Pulses in the store's SQLite file: the pulse, and its answers, which carry a phone's pseudonym only while
the pulse is open. At close the pseudonyms and the key go, the number of phones that answered is kept, the
answers are rewritten in a random order, and the file is compacted, so that nothing ties two answers to one
phone, or to a time."""

import json
import secrets
import sqlite3
from datetime import datetime
from typing import Any

from retro.pulse.models import PulseAction, PulseAnswer, PulseRecord
from retro.pulse.questions import FreeTextQuestion, PulseQuestion
from retro.sqlite_steps import Transaction, compact

PULSE_SCHEMA = """
CREATE TABLE IF NOT EXISTS pulses (
    pulse_id TEXT PRIMARY KEY,
    team TEXT NOT NULL,
    title TEXT NOT NULL,
    week TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    closes_at TEXT,
    closed INTEGER NOT NULL DEFAULT 0,
    join_token TEXT NOT NULL UNIQUE,
    pulse_key BLOB,
    min_responses INTEGER NOT NULL,
    questions TEXT NOT NULL,
    free_text TEXT,
    answered INTEGER
);
CREATE TABLE IF NOT EXISTS pulse_answers (
    pulse_id TEXT NOT NULL REFERENCES pulses(pulse_id),
    ballot TEXT,
    question_id TEXT NOT NULL,
    value INTEGER,
    text TEXT
);
CREATE INDEX IF NOT EXISTS pulse_answers_by_pulse ON pulse_answers (pulse_id, ballot);
CREATE TABLE IF NOT EXISTS pulse_actions (
    action_id TEXT PRIMARY KEY,
    team TEXT NOT NULL,
    pulse_id TEXT NOT NULL REFERENCES pulses(pulse_id),
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pulse_rollups (
    week TEXT NOT NULL,
    teams TEXT NOT NULL,
    PRIMARY KEY (week, teams)
) WITHOUT ROWID;
"""

_INSERT_ANSWER = (
    "INSERT INTO pulse_answers (pulse_id, ballot, question_id, value, text) VALUES (?, ?, ?, ?, ?)"
)
_COLUMNS = (
    "pulse_id, team, title, week, opened_at, closes_at, closed, join_token, pulse_key, min_responses,"
    " questions, free_text"
)


class SqlitePulses:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def create_pulse(self, record: PulseRecord) -> None:
        with Transaction(self._db):
            self._db.execute(
                f"INSERT INTO pulses ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.pulse_id,
                    record.team,
                    record.title,
                    record.week,
                    record.opened_at.isoformat(),
                    record.closes_at.isoformat() if record.closes_at else None,
                    int(record.closed),
                    record.join_token,
                    record.pulse_key,
                    record.min_responses,
                    json.dumps([question.model_dump() for question in record.questions]),
                    record.free_text.model_dump_json() if record.free_text else None,
                ),
            )

    def pulse(self, pulse_id: str) -> PulseRecord | None:
        return self._one("WHERE pulse_id = ?", (pulse_id,))

    def pulse_for_token(self, join_token: str) -> PulseRecord | None:
        return self._one("WHERE join_token = ?", (join_token,))

    def pulses(self, team: str | None = None) -> list[PulseRecord]:
        """Every pulse, oldest first; only the team's when a team is given."""
        where, params = ("WHERE team = ?", (team,)) if team is not None else ("", ())
        rows = self._db.execute(f"SELECT {_COLUMNS} FROM pulses {where} ORDER BY opened_at", params)
        return [_record(row) for row in rows.fetchall()]

    def replace_answers(self, pulse_id: str, ballot: str, answers: list[PulseAnswer]) -> bool:
        """The phone's answers, replacing any it gave before; durable on return. False, and nothing kept, when
        the pulse has closed meanwhile (in this process or another): a closed pulse takes no pseudonym."""
        with Transaction(self._db):
            if not self._is_open(pulse_id):
                return False
            self._db.execute(
                "DELETE FROM pulse_answers WHERE pulse_id = ? AND ballot = ?", (pulse_id, ballot)
            )
            self._db.executemany(
                _INSERT_ANSWER,
                [(pulse_id, ballot, answer.question_id, answer.value, answer.text) for answer in answers],
            )
        return True

    def answers_of(self, pulse_id: str, ballot: str) -> list[PulseAnswer]:
        rows = self._db.execute(
            "SELECT question_id, value, text FROM pulse_answers WHERE pulse_id = ? AND ballot = ?",
            (pulse_id, ballot),
        )
        return [PulseAnswer(question_id=row[0], value=row[1], text=row[2]) for row in rows.fetchall()]

    def answer_count(self, pulse_id: str) -> int:
        """How many phones have answered: counted by pseudonym while open, as kept at the close after."""
        row = self._db.execute(
            "SELECT COALESCE(answered, (SELECT COUNT(DISTINCT ballot) FROM pulse_answers WHERE pulse_id = ?))"
            " FROM pulses WHERE pulse_id = ?",
            (pulse_id, pulse_id),
        ).fetchone()
        return 0 if row is None else int(row[0])

    def close_pulse(self, pulse_id: str) -> None:
        """In one step: forget the key, keep how many phones answered, drop every pseudonym, so that no two
        answers tie to one phone, and write the answers back in a random order; then compact."""
        with Transaction(self._db):
            if self._is_open(pulse_id):
                _forget_phones(self._db, pulse_id)
        compact(self._db)

    def stored_answers(self, pulse_id: str) -> list[PulseAnswer]:
        """A closed pulse's answers, in the random order they were stored in at close."""
        rows = self._db.execute(
            "SELECT question_id, value, text FROM pulse_answers WHERE pulse_id = ? ORDER BY rowid",
            (pulse_id,),
        )
        return [PulseAnswer(question_id=row[0], value=row[1], text=row[2]) for row in rows.fetchall()]

    def asked_counts(self, team: str) -> dict[str, int]:
        """How often each question has been asked in the team's pulses."""
        counts: dict[str, int] = {}
        for record in self.pulses(team):
            for question in record.questions:
                counts[question.id] = counts.get(question.id, 0) + 1
        return counts

    def save_action(self, action: PulseAction) -> None:
        with Transaction(self._db):
            self._db.execute(
                "INSERT OR REPLACE INTO pulse_actions (action_id, team, pulse_id, body) VALUES (?, ?, ?, ?)",
                (action.action_id, action.team, action.pulse_id, action.model_dump_json()),
            )

    def actions(self, team: str) -> list[PulseAction]:
        """The team's pulse actions, in the order they were recorded."""
        rows = self._db.execute("SELECT body FROM pulse_actions WHERE team = ? ORDER BY rowid", (team,))
        return [PulseAction.model_validate_json(row[0]) for row in rows.fetchall()]

    def action(self, action_id: str) -> PulseAction | None:
        row = self._db.execute("SELECT body FROM pulse_actions WHERE action_id = ?", (action_id,)).fetchone()
        return None if row is None else PulseAction.model_validate_json(row[0])

    def released_rollups(self, week: str) -> list[frozenset[str]]:
        """The groups of teams whose roll-up for the week has been shown."""
        rows = self._db.execute("SELECT teams FROM pulse_rollups WHERE week = ?", (week,)).fetchall()
        return [frozenset(json.loads(row[0])) for row in rows]

    def release_rollup(self, week: str, teams: frozenset[str]) -> None:
        with Transaction(self._db):
            self._db.execute(
                "INSERT OR IGNORE INTO pulse_rollups (week, teams) VALUES (?, ?)",
                (week, json.dumps(sorted(teams))),
            )

    def _is_open(self, pulse_id: str) -> bool:
        row = self._db.execute("SELECT closed FROM pulses WHERE pulse_id = ?", (pulse_id,)).fetchone()
        return row is not None and not row[0]

    def _one(self, where: str, params: tuple[str, ...]) -> PulseRecord | None:
        row = self._db.execute(f"SELECT {_COLUMNS} FROM pulses {where}", params).fetchone()
        return None if row is None else _record(row)


def _forget_phones(db: sqlite3.Connection, pulse_id: str) -> None:
    rows = db.execute(
        "SELECT question_id, value, text FROM pulse_answers WHERE pulse_id = ?", (pulse_id,)
    ).fetchall()
    (phones,) = db.execute(
        "SELECT COUNT(DISTINCT ballot) FROM pulse_answers WHERE pulse_id = ?", (pulse_id,)
    ).fetchone()
    shuffled = sorted(rows, key=lambda _: secrets.randbits(64))
    db.execute("DELETE FROM pulse_answers WHERE pulse_id = ?", (pulse_id,))
    db.executemany(_INSERT_ANSWER, [(pulse_id, None, *row) for row in shuffled])
    db.execute(
        "UPDATE pulses SET closed = 1, pulse_key = NULL, answered = ? WHERE pulse_id = ?", (phones, pulse_id)
    )


def upgrade_pulses(db: sqlite3.Connection) -> int:
    """Bring a file written by an older version up to what this one promises about closed pulses: no answer
    still carries a respondent number that ties it to the others of one phone. Returns how many pulses
    changed; runs inside the store's upgrade transaction."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(pulses)")}
    if "answered" not in columns:
        db.execute("ALTER TABLE pulses ADD COLUMN answered INTEGER")
    linked = [
        pulse_id
        for (pulse_id,) in db.execute(
            "SELECT DISTINCT pulses.pulse_id FROM pulses JOIN pulse_answers USING (pulse_id)"
            " WHERE pulses.closed = 1 AND (pulses.answered IS NULL OR pulse_answers.ballot IS NOT NULL)"
        ).fetchall()
    ]
    for pulse_id in linked:
        _forget_phones(db, pulse_id)
    return len(linked)


def _record(row: tuple[Any, ...]) -> PulseRecord:
    return PulseRecord(
        pulse_id=row[0],
        team=row[1],
        title=row[2],
        week=row[3],
        opened_at=datetime.fromisoformat(row[4]),
        closes_at=datetime.fromisoformat(row[5]) if row[5] else None,
        closed=bool(row[6]),
        join_token=row[7],
        pulse_key=row[8],
        min_responses=row[9],
        questions=tuple(PulseQuestion.model_validate(question) for question in json.loads(row[10])),
        free_text=FreeTextQuestion.model_validate_json(row[11]) if row[11] else None,
    )
