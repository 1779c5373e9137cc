"""Due dates as people say them: "fri", "next week", "in 2 weeks", "tomorrow", or "2026-12-04".

A bare weekday is the next one after today; "next fri" is Friday of next week.
"""

import re
from datetime import UTC, date, datetime, time, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_UNITS = {"day": 1, "week": 7}
_IN_N = re.compile(r"^in\s+(\d{1,3})\s+(day|week|month)s?$")


class UnknownDate(ValueError):
    pass


def parse_due(text: str, today: date) -> date:
    """Resolve a due date relative to today. Raises UnknownDate with a sentence saying what works."""
    spoken = " ".join(text.lower().replace(",", " ").split())
    if not spoken:
        raise UnknownDate("A due date is needed, like 'fri', 'next week', 'in 2 weeks' or 2026-12-04.")
    try:
        return date.fromisoformat(spoken)
    except ValueError:
        pass
    resolved = _relative(spoken, today)
    if resolved is None:
        raise UnknownDate(
            f"{text.strip()!r} is not a date I know; try 'fri', 'next week', 'in 2 weeks' or 2026-12-04."
        )
    return resolved


def _relative(spoken: str, today: date) -> date | None:
    if spoken == "today":
        return today
    if spoken == "tomorrow":
        return today + timedelta(days=1)
    if spoken == "next week":
        return today + timedelta(days=7)
    if spoken == "next month":
        return _add_months(today, 1)
    if match := _IN_N.match(spoken):
        count, unit = int(match[1]), match[2]
        return _add_months(today, count) if unit == "month" else today + timedelta(days=count * _UNITS[unit])
    weekday = _weekday(spoken.removeprefix("next ").removeprefix("this "))
    if weekday is None:
        return None
    if spoken.startswith("next "):
        next_monday = today + timedelta(days=7 - today.weekday())
        return next_monday + timedelta(days=weekday)
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


def _weekday(word: str) -> int | None:
    if len(word) < 3:
        return None
    for index, name in enumerate(WEEKDAYS):
        if name.startswith(word) or (word.endswith(".") and name.startswith(word[:-1])):
            return index
    return None


def _add_months(start: date, months: int) -> date:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


_TIME = re.compile(r"^(.*?)\s*(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*$")
DEFAULT_CLOSING_HOUR = 17


def parse_moment(text: str, now: datetime) -> datetime:
    """A moment as people say it, in local time: "fri 17:00", "tomorrow 9:30", "next fri", "2026-12-04 12:00".
    Without a time of day it means 17:00. Raises UnknownDate with a sentence saying what works."""
    spoken = " ".join(text.lower().replace(",", " ").split())
    day_words, hour, minute = spoken, DEFAULT_CLOSING_HOUR, 0
    if (match := _TIME.match(spoken)) is not None and match[1] and ":" in spoken:
        day_words, hour, minute = match[1], int(match[2]), int(match[3] or 0)
    local_now = now.astimezone()
    try:
        day = parse_due(day_words, local_now.date())
    except UnknownDate:
        raise UnknownDate(
            f"{text.strip()!r} is not a time I know; try 'fri 17:00', 'tomorrow 9:30' or '2026-12-04 12:00'."
        ) from None
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise UnknownDate(f"{text.strip()!r}: give the time of day as HH:MM, from 00:00 to 23:59.")
    return datetime.combine(day, time(hour, minute), tzinfo=local_now.tzinfo).astimezone(UTC)
