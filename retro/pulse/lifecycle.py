"""The one path by which a pulse changes: open it, answer it (again), close it.

A phone is known only by a pseudonym: an HMAC of its own random secret under the pulse's key, as in a
retro. Closing forgets the key and every pseudonym in one step.
"""

from collections.abc import Sequence
from datetime import datetime

from retro.pulse.bank import BUILT_IN_BANK
from retro.pulse.models import DEFAULT_THRESHOLD, PulseAnswer, PulseRecord, PulseRefused
from retro.pulse.questions import MOTIVATION_QUESTION, FreeTextQuestion, PulseQuestion
from retro.pulse.rotation import UnknownQuestion, choose
from retro.pulse.store import PulseStore
from retro.secrets import new_id, new_key, new_token, pseudonym

WHAT_WOULD_HELP = FreeTextQuestion()
CLOSED_SENTENCE = "This pulse has closed; thank you all the same."


def iso_week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def open_pulse(
    pulses: PulseStore,
    *,
    team: str,
    now: datetime,
    title: str = "Weekly pulse",
    closes_at: datetime | None = None,
    pinned: str | None = None,
    free_text: FreeTextQuestion | None = WHAT_WOULD_HELP,
    min_responses: int = DEFAULT_THRESHOLD,
    bank: Sequence[PulseQuestion] = BUILT_IN_BANK,
) -> PulseRecord:
    if closes_at is not None and closes_at <= now:
        raise PulseRefused("invalid", "A pulse must close after it opens; give a time in the future.")
    _check_bank(bank, free_text)
    try:
        rotating = choose(bank, pulses.asked_counts(team), pinned)
    except UnknownQuestion as unknown:
        raise PulseRefused("not_found", str(unknown)) from unknown
    record = PulseRecord(
        pulse_id=new_id(),
        team=team,
        title=title,
        week=iso_week(now),
        opened_at=now,
        closes_at=closes_at,
        join_token=new_token(),
        pulse_key=new_key(),
        min_responses=min_responses,
        questions=(MOTIVATION_QUESTION, *rotating),
        free_text=free_text,
    )
    pulses.create_pulse(record)
    return record


def answer(pulses: PulseStore, record: PulseRecord, phone_secret: str, given: Sequence[PulseAnswer]) -> None:
    """The phone's answers, replacing its earlier ones; each checked against the pulse's own questions."""
    if record.closed or record.pulse_key is None:
        raise PulseRefused("closed", CLOSED_SENTENCE)
    if not given:
        raise PulseRefused("invalid", "Answer at least one question.")
    seen: set[str] = set()
    for one in given:
        if one.question_id in seen:
            raise PulseRefused("invalid", f"{one.question_id}: answered twice in one go.")
        seen.add(one.question_id)
        _check_answer(record, one)
    if not pulses.replace_answers(record.pulse_id, pseudonym(record.pulse_key, phone_secret), list(given)):
        raise PulseRefused("closed", CLOSED_SENTENCE)


def _check_answer(record: PulseRecord, one: PulseAnswer) -> None:
    question = next((question for question in record.questions if question.id == one.question_id), None)
    if question is not None:
        if one.value is None or not question.low <= one.value <= question.high:
            sentence = f"{one.question_id}: give a number from {question.low} to {question.high}."
            raise PulseRefused("invalid", sentence)
    elif record.free_text is None or one.question_id != record.free_text.id:
        raise PulseRefused("not_found", f"{one.question_id}: this pulse does not ask that.")
    elif one.text is None:
        raise PulseRefused("invalid", f"{one.question_id}: answer in words.")


def _check_bank(bank: Sequence[PulseQuestion], free_text: FreeTextQuestion | None) -> None:
    """Every question a pulse asks needs its own id, or two answers could not be told apart."""
    reserved = {MOTIVATION_QUESTION.id} | ({free_text.id} if free_text else set())
    ids = [question.id for question in bank]
    clashes = sorted(
        {question_id for question_id in ids if question_id in reserved or ids.count(question_id) > 1}
    )
    if clashes:
        taken = " and ".join(sorted(reserved))
        sentence = f"Each question needs an id of its own, other than {taken}: rename {', '.join(clashes)}."
        raise PulseRefused("invalid", sentence)


def my_answers(pulses: PulseStore, record: PulseRecord, phone_secret: str) -> list[PulseAnswer]:
    """What this phone answered, so that it can change it; nothing once the pulse has closed."""
    if record.pulse_key is None:
        return []
    return pulses.answers_of(record.pulse_id, pseudonym(record.pulse_key, phone_secret))


def close_pulse(pulses: PulseStore, pulse_id: str) -> PulseRecord:
    record = pulses.pulse(pulse_id)
    if record is None:
        raise PulseRefused("not_found", "There is no such pulse.")
    if not record.closed:
        pulses.close_pulse(pulse_id)
    closed = pulses.pulse(pulse_id)
    assert closed is not None
    return closed


def close_due(pulses: PulseStore, now: datetime) -> list[PulseRecord]:
    """Close every open pulse whose time has come; the pulses closed."""
    due = [p for p in pulses.pulses() if not p.closed and p.closes_at is not None and p.closes_at <= now]
    return [close_pulse(pulses, record.pulse_id) for record in due]
