"""A closed pulse's results: per question only at or above the threshold; free text only at close, in the
random order it was stored in, and only when enough people wrote some."""

from pydantic import BaseModel, ConfigDict

from retro.aggregates import AnswerSummary, summarise
from retro.nudge import points_at_person
from retro.pulse.models import PulseRefused
from retro.pulse.store import PulseStore


class Comment(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    points_at_person: bool
    """The blame nudge's reading, as on items: shown as a gentle note, never hiding the comment."""


class PulseResults(BaseModel):
    model_config = ConfigDict(frozen=True)

    pulse_id: str
    team: str
    title: str
    week: str
    answered: int
    min_responses: int
    summaries: tuple[AnswerSummary, ...]
    comments: tuple[Comment, ...] | None
    """None while fewer than the threshold wrote one; else shuffled, with no times."""
    comments_written: int


def results(pulses: PulseStore, pulse_id: str) -> PulseResults:
    record = pulses.pulse(pulse_id)
    if record is None:
        raise PulseRefused("not_found", "There is no such pulse.")
    if not record.closed:
        raise PulseRefused("wrong_phase", "Results show once the pulse has closed.")
    stored = pulses.stored_answers(pulse_id)
    summaries = tuple(
        summarise(
            question.as_scale(),
            [one.value for one in stored if one.question_id == question.id and one.value is not None],
            record.min_responses,
        )
        for question in record.questions
    )
    texts = [one.text for one in stored if one.text is not None]
    comments = (
        tuple(Comment(text=text, points_at_person=points_at_person(text)) for text in texts)
        if len(texts) >= record.min_responses
        else None
    )
    return PulseResults(
        pulse_id=pulse_id,
        team=record.team,
        title=record.title,
        week=record.week,
        answered=pulses.answer_count(pulse_id),
        min_responses=record.min_responses,
        summaries=summaries,
        comments=comments,
        comments_written=len(texts),
    )
