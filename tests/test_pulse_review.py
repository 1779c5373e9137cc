"""The next retro's Review shows the team's latest pulse behind the threshold, beside the open actions:
in the board every phone gets, and on the facilitator's screen."""

import secrets
from datetime import UTC, datetime
from pathlib import Path

from retro.builtin_templates import DEFAULT_TEMPLATE
from retro.launch import start_session
from retro.pulse.lifecycle import answer, close_pulse, open_pulse
from retro.pulse.models import PulseAnswer
from retro.sqlite_store import SqliteStore
from retro.views import board_view
from tests.support.pilot import make_app, screen_text, served
from tests.support.waiting import until

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def closed_pulse(store: SqliteStore, team: str, phones: int, value: int) -> None:
    record = open_pulse(store.pulses, team=team, now=MONDAY, pinned="breaks")
    for _ in range(phones):
        given = [PulseAnswer(question_id=q.id, value=min(value, q.high)) for q in record.questions]
        answer(store.pulses, record, secrets.token_urlsafe(24), given)
    close_pulse(store.pulses, record.pulse_id)


def test_the_board_carries_the_latest_pulse_with_each_result_only_at_the_threshold(
    store: SqliteStore,
) -> None:
    closed_pulse(store, "Ward 7", phones=6, value=4)
    session = start_session(store, title="Sprint 43", team="Ward 7", template=DEFAULT_TEMPLATE)
    glance = board_view(session.state).pulse
    assert glance is not None and (glance.week, glance.answered) == ("2026-W49", 6)
    assert [(s.question_id, s.mean) for s in glance.summaries][:2] == [("motivation", 4.0), ("breaks", 4.0)]

    closed_pulse(store, "Pharmacy", phones=4, value=4)
    few = board_view(start_session(store, title="Weekly", team="Pharmacy", template=DEFAULT_TEMPLATE).state)
    assert few.pulse is not None and few.pulse.answered == 4
    assert all(s.mean is None and s.histogram is None for s in few.pulse.summaries)
    assert (
        board_view(start_session(store, title="x", team="Porters", template=DEFAULT_TEMPLATE).state).pulse
        is None
    )


async def test_the_facilitators_review_shows_the_latest_pulse_beside_the_actions(
    store: SqliteStore, tmp_path: Path
) -> None:
    closed_pulse(store, "Ward 7", phones=5, value=3)
    app = make_app(
        start_session(store, title="Sprint 43", team="Ward 7", template=DEFAULT_TEMPLATE), tmp_path
    )
    async with served(app) as pilot:
        await pilot.press("b")
        await until(lambda: "Latest pulse, 2026-W49, 5 answers" in screen_text(app))
        shown = screen_text(app)
        assert "3.0/10" in shown, "motivation's mean, since five answered"
        assert "No open actions from earlier retros." in shown
