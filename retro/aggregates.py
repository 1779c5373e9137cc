"""Aggregates of per-person answers, shown only once enough people have answered.

The minimum-responses rule lives here so that every surface (TUI, phones, exports, trends) applies it
the same way.
"""

from pydantic import BaseModel, ConfigDict

from retro.templates import CheckInQuestion


class AnswerSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    question_id: str
    text: str
    low: int
    high: int
    low_label: str
    high_label: str
    answered: int
    shown: bool
    """False while fewer than the minimum have answered: then only `answered` is known."""
    histogram: tuple[int, ...] | None
    """Count per value from low to high."""
    mean: float | None


def mean_if_enough(values: list[int], min_responses: int) -> float | None:
    if len(values) < min_responses or not values:
        return None
    return round(sum(values) / len(values), 1)


def summarise(question: CheckInQuestion, values: list[int], min_responses: int) -> AnswerSummary:
    shown = len(values) >= min_responses and bool(values)
    histogram = tuple(values.count(value) for value in range(question.low, question.high + 1))
    return AnswerSummary(
        question_id=question.id,
        text=question.text,
        low=question.low,
        high=question.high,
        low_label=question.low_label,
        high_label=question.high_label,
        answered=len(values),
        shown=shown,
        histogram=histogram if shown else None,
        mean=mean_if_enough(values, min_responses),
    )


ROTI_QUESTION = CheckInQuestion(
    id="roti",
    text="Was this retro worth the time you put in?",
    low=1,
    high=5,
    low_label="Not at all",
    high_label="Very much",
)
