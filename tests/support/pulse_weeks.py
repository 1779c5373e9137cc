"""A team's earlier pulses, week by week, made through the pulse's own path: open, answer, close."""

import secrets
from datetime import UTC, datetime, timedelta

from retro.pulse.bank import BUILT_IN_BANK
from retro.pulse.lifecycle import answer, close_pulse, iso_week, open_pulse
from retro.pulse.models import PulseAnswer, PulseRecord
from retro.pulse.questions import MOTIVATION_QUESTION, FreeTextQuestion
from retro.pulse.rotation import choose
from retro.secrets import new_id, new_key
from retro.sqlite_store import SqliteStore

FIRST_MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
"""2026-W45."""


def answer_pulse(
    store: SqliteStore, record: PulseRecord, values: list[int], comment: str | None = None
) -> None:
    """One phone per value, each answering every scale question with it (kept on the question's scale)."""
    for value in values:
        given = [
            PulseAnswer(question_id=q.id, value=max(q.low, min(value, q.high))) for q in record.questions
        ]
        if comment is not None and record.free_text is not None:
            given.append(PulseAnswer(question_id=record.free_text.id, text=comment))
        answer(store.pulses, record, secrets.token_urlsafe(24), given)


def earlier_weeks(store: SqliteStore, team: str, answers_per_week: list[list[int]]) -> None:
    """One closed pulse a week from FIRST_MONDAY on, answered with each week's values."""
    for week, values in enumerate(answers_per_week):
        record = open_pulse(store.pulses, team=team, now=FIRST_MONDAY + timedelta(weeks=week))
        answer_pulse(store, record, values)
        close_pulse(store.pulses, record.pulse_id)


def fixed_pulse(store: SqliteStore, team: str, week_of: datetime, join_token: str) -> PulseRecord:
    """An open pulse whose link never changes, for snapshots: the questions a new pulse would ask."""
    record = PulseRecord(
        pulse_id=new_id(),
        team=team,
        title="Shift start",
        week=iso_week(week_of),
        opened_at=week_of,
        join_token=join_token,
        pulse_key=new_key(),
        questions=(MOTIVATION_QUESTION, *choose(BUILT_IN_BANK, store.pulses.asked_counts(team))),
        free_text=FreeTextQuestion(),
    )
    store.pulses.create_pulse(record)
    return record
