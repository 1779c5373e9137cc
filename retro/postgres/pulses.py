"""Pulses on PostgreSQL, with the promises `SqlitePulses` makes: a phone's answers carry its pseudonym only
while the pulse is open; at close the pseudonyms and the key go, the number of phones that answered is kept,
the answers are written back in a random order, and the tables are rewritten without what was deleted."""

import json
import secrets
from datetime import datetime
from typing import Any

from retro.postgres.connection import Connection, Database
from retro.postgres.text import storable
from retro.pulse.models import PulseAction, PulseAnswer, PulseRecord
from retro.pulse.questions import FreeTextQuestion, PulseQuestion

_INSERT_ANSWER = (
    "INSERT INTO pulse_answers (pulse_id, ballot, question_id, value, text) VALUES (%s, %s, %s, %s, %s)"
)
_COLUMNS = (
    "pulse_id, team, title, week, opened_at, closes_at, closed, join_token, pulse_key, min_responses,"
    " questions, free_text"
)


class PostgresPulses:
    def __init__(self, database: Database) -> None:
        self._database = database

    def create_pulse(self, record: PulseRecord) -> None:
        with self._database.transaction() as db:
            db.execute(
                f"INSERT INTO pulses ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (
                    record.pulse_id,
                    record.team,
                    record.title,
                    record.week,
                    record.opened_at.isoformat(),
                    record.closes_at.isoformat() if record.closes_at else None,
                    record.closed,
                    record.join_token,
                    record.pulse_key,
                    record.min_responses,
                    json.dumps([question.model_dump() for question in record.questions]),
                    record.free_text.model_dump_json() if record.free_text else None,
                ),
            )

    def pulse(self, pulse_id: str) -> PulseRecord | None:
        return self._one("WHERE pulse_id = %s", (pulse_id,))

    def pulse_for_token(self, join_token: str) -> PulseRecord | None:
        return self._one("WHERE join_token = %s", (join_token,)) if storable(join_token) else None

    def pulses(self, team: str | None = None) -> list[PulseRecord]:
        where, params = ("WHERE team = %s", (team,)) if team is not None else ("", ())
        rows = self._db.execute(
            f'SELECT {_COLUMNS} FROM pulses {where} ORDER BY opened_at COLLATE "C"', params
        )
        return [_record(row) for row in rows.fetchall()]

    def replace_answers(self, pulse_id: str, ballot: str, answers: list[PulseAnswer]) -> bool:
        with self._database.transaction() as db:
            if not _is_open(db, pulse_id, "FOR SHARE"):
                return False
            db.execute("DELETE FROM pulse_answers WHERE pulse_id = %s AND ballot = %s", (pulse_id, ballot))
            with db.cursor() as cursor:
                cursor.executemany(
                    _INSERT_ANSWER,
                    [(pulse_id, ballot, answer.question_id, answer.value, answer.text) for answer in answers],
                )
            self._database.notify()  # the count moves for the pulse's watchers on other processes
        return True

    def answers_of(self, pulse_id: str, ballot: str) -> list[PulseAnswer]:
        rows = self._db.execute(
            "SELECT question_id, value, text FROM pulse_answers WHERE pulse_id = %s AND ballot = %s"
            " ORDER BY position",
            (pulse_id, ballot),
        )
        return [PulseAnswer(question_id=row[0], value=row[1], text=row[2]) for row in rows.fetchall()]

    def answer_count(self, pulse_id: str) -> int:
        row = self._db.execute(
            "SELECT COALESCE(answered,"
            " (SELECT COUNT(DISTINCT ballot) FROM pulse_answers WHERE pulse_id = %s))"
            " FROM pulses WHERE pulse_id = %s",
            (pulse_id, pulse_id),
        ).fetchone()
        return 0 if row is None else int(row[0])

    def close_pulse(self, pulse_id: str) -> None:
        with self._database.transaction() as db:
            if _is_open(db, pulse_id, "FOR UPDATE"):
                _forget_phones(db, pulse_id)
                self._database.notify()  # its phones on other processes see the results
        self._database.vacuum("pulse_answers", "pulses")

    def stored_answers(self, pulse_id: str) -> list[PulseAnswer]:
        rows = self._db.execute(
            "SELECT question_id, value, text FROM pulse_answers WHERE pulse_id = %s ORDER BY position",
            (pulse_id,),
        )
        return [PulseAnswer(question_id=row[0], value=row[1], text=row[2]) for row in rows.fetchall()]

    def asked_counts(self, team: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for record in self.pulses(team):
            for question in record.questions:
                counts[question.id] = counts.get(question.id, 0) + 1
        return counts

    def save_action(self, action: PulseAction) -> None:
        with self._database.transaction() as db:
            db.execute(
                "INSERT INTO pulse_actions (action_id, team, pulse_id, body) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (action_id) DO UPDATE SET team = EXCLUDED.team, pulse_id = EXCLUDED.pulse_id,"
                " body = EXCLUDED.body,"
                " position = nextval(pg_get_serial_sequence('pulse_actions', 'position'))",
                (action.action_id, action.team, action.pulse_id, action.model_dump_json()),
            )

    def actions(self, team: str) -> list[PulseAction]:
        rows = self._db.execute("SELECT body FROM pulse_actions WHERE team = %s ORDER BY position", (team,))
        return [PulseAction.model_validate_json(row[0]) for row in rows.fetchall()]

    def action(self, action_id: str) -> PulseAction | None:
        row = self._db.execute("SELECT body FROM pulse_actions WHERE action_id = %s", (action_id,)).fetchone()
        return None if row is None else PulseAction.model_validate_json(row[0])

    def released_rollups(self, week: str) -> list[frozenset[str]]:
        rows = self._db.execute("SELECT teams FROM pulse_rollups WHERE week = %s", (week,)).fetchall()
        return [frozenset(json.loads(row[0])) for row in rows]

    def release_rollup(self, week: str, teams: frozenset[str]) -> None:
        with self._database.transaction() as db:
            db.execute(
                "INSERT INTO pulse_rollups (week, teams) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                (week, json.dumps(sorted(teams))),
            )

    @property
    def _db(self) -> Connection:
        return self._database.db

    def _one(self, where: str, params: tuple[str, ...]) -> PulseRecord | None:
        row = self._db.execute(f"SELECT {_COLUMNS} FROM pulses {where}", params).fetchone()
        return None if row is None else _record(row)


def _is_open(db: Connection, pulse_id: str, lock: str) -> bool:
    """Whether the pulse is open, its row locked until the transaction ends: FOR SHARE to answer, so that a
    close in another process waits for the answer, or the answer sees the close; FOR UPDATE to close."""
    row = db.execute(f"SELECT closed FROM pulses WHERE pulse_id = %s {lock}", (pulse_id,)).fetchone()
    return row is not None and not row[0]


def _forget_phones(db: Connection, pulse_id: str) -> None:
    rows = db.execute(
        "SELECT question_id, value, text FROM pulse_answers WHERE pulse_id = %s", (pulse_id,)
    ).fetchall()
    counted = db.execute(
        "SELECT COUNT(DISTINCT ballot) FROM pulse_answers WHERE pulse_id = %s", (pulse_id,)
    ).fetchone()
    phones = int(counted[0]) if counted else 0
    shuffled = sorted(rows, key=lambda _: secrets.randbits(64))
    db.execute("DELETE FROM pulse_answers WHERE pulse_id = %s", (pulse_id,))
    with db.cursor() as cursor:
        cursor.executemany(_INSERT_ANSWER, [(pulse_id, None, *row) for row in shuffled])
    db.execute(
        "UPDATE pulses SET closed = TRUE, pulse_key = NULL, answered = %s WHERE pulse_id = %s",
        (phones, pulse_id),
    )


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
