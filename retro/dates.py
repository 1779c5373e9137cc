"""Due dates as people say them: "fri", "next week", "in 2 weeks", "tomorrow", or "2026-12-04".

A bare weekday is the next one after today; "next fri" is Friday of next week.
"""

import re
from datetime import date, timedelta

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
