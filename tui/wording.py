"""Small pieces of wording shared by screens: counts, dates, outcomes."""

from datetime import date

from retro.commands import ReviewOutcome


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def phones_joined(phones: int) -> str:
    return f"{plural(phones, 'phone')} joined"


def phones_written(written: int, phones: int) -> str:
    return f"{written} of {plural(phones, 'phone')} {'has' if phones == 1 else 'have'} written"


def long_date(day: date) -> str:
    """'Fri 4 Dec 2026': the weekday first, because people plan by weekdays."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def short_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


OUTCOME_LABELS: dict[ReviewOutcome, str] = {
    ReviewOutcome.DONE: "✓ done",
    ReviewOutcome.CARRIED_OVER: "↻ carried over",
    ReviewOutcome.DROPPED: "✗ dropped",
}
