"""Due dates as people type them, resolved against the retro's day (Friday 27 November 2026)."""

from datetime import date

import pytest

from retro.dates import UnknownDate, parse_due

FRIDAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("typed", "resolved"),
    [
        ("2026-12-04", date(2026, 12, 4)),
        ("fri", date(2026, 12, 4)),
        ("Friday", date(2026, 12, 4)),
        ("mon", date(2026, 11, 30)),
        ("thu", date(2026, 12, 3)),
        ("next fri", date(2026, 12, 4)),
        ("next tue", date(2026, 12, 1)),
        ("next week", date(2026, 12, 4)),
        ("in 2 weeks", date(2026, 12, 11)),
        ("in 3 days", date(2026, 11, 30)),
        ("in 1 month", date(2026, 12, 27)),
        ("today", FRIDAY),
        ("tomorrow", date(2026, 11, 28)),
        ("  IN 2 WEEKS ", date(2026, 12, 11)),
    ],
)
def test_everyday_forms_resolve(typed: str, resolved: date) -> None:
    assert parse_due(typed, FRIDAY) == resolved


def test_next_weekday_from_midweek_means_next_weeks() -> None:
    wednesday = date(2026, 11, 25)
    assert parse_due("fri", wednesday) == date(2026, 11, 27)
    assert parse_due("next fri", wednesday) == date(2026, 12, 4)


def test_month_ends_clamp() -> None:
    assert parse_due("in 1 month", date(2027, 1, 31)) == date(2027, 2, 28)


@pytest.mark.parametrize("typed", ["", "soonish", "fr", "2026-13-01", "in many weeks"])
def test_unknown_forms_say_what_works(typed: str) -> None:
    with pytest.raises(UnknownDate) as refused:
        parse_due(typed, FRIDAY)
    assert "next week" in str(refused.value)
