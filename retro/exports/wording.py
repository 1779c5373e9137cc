"""Wording every export shares: counts with their nouns, aggregates in one line, review outcomes."""

from retro.aggregates import AnswerSummary

OUTCOME_WORDS = {"done": "done", "carried_over": "carried over", "dropped": "dropped"}


def counted(count: int, one: str, many: str | None = None) -> str:
    """`1 vote`, `0 votes`, `2 votes`: the noun agrees with its count."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def summary_text(summary: AnswerSummary, min_responses: int) -> str:
    """One line for an aggregate, or only the count while too few have answered."""
    if not summary.shown or summary.mean is None or summary.histogram is None:
        verb = "has" if min_responses == 1 else "have"
        return f"{summary.answered} answered; shown once {min_responses} {verb} answered."
    values = range(summary.low, summary.high + 1)
    spread = ", ".join(f"{value}: {count}" for value, count in zip(values, summary.histogram, strict=True))
    return f"mean {summary.mean} of {summary.high} ({summary.answered} answered; {spread})"
