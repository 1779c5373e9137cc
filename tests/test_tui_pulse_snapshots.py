"""Snapshots of the live pulse as the room sees it, and of its results with the team's trend.

The link is fixed (tests.support.pulse_weeks.fixed_pulse), as are the weeks, the answers and the public URL;
every comment says the same, so that their shuffled order cannot change the picture.
"""

from datetime import timedelta
from typing import Any

from textual.pilot import Pilot

from retro.sqlite_store import SqliteStore
from server.app import ServerConfig
from server.pulse_asks import PulseWatchAsk
from tests.support.pilot import WAIT, screen_text
from tests.support.pulse_weeks import FIRST_MONDAY, answer_pulse, earlier_weeks, fixed_pulse
from tests.support.waiting import until
from tui.dialogs.confirm import ConfirmScreen
from tui.hosting import EmbeddedPulseHost
from tui.pulse_app import PulseApp
from tui.screens.pulse_live import PulseLiveScreen
from tui.screens.pulse_results import PulseResultsScreen

TEAM = "Ward 7"
TOKEN = "pulse-snapshot-token-0000"


def pulse_app(store: SqliteStore) -> PulseApp:
    earlier_weeks(store, TEAM, [[6, 7, 8, 6, 7], [5, 6, 7, 4], [7, 8, 8, 9, 6, 7], [4, 5, 6, 5, 6]])
    record = fixed_pulse(store, TEAM, FIRST_MONDAY + timedelta(weeks=4), TOKEN)
    answer_pulse(store, record, [3, 4, 6, 7, 8, 8], comment="Cover our breaks on nights")
    config = ServerConfig(host="127.0.0.1", port=0, public_url="http://retro.example")
    return PulseApp(EmbeddedPulseHost(store, config, PulseWatchAsk(team=TEAM, pulse_id=record.pulse_id)))


async def live_shown(app: PulseApp) -> None:
    await until(lambda: isinstance(app.screen, PulseLiveScreen) and "6 answers" in screen_text(app), WAIT)


def test_live_pulse_at_80x24(snap_compare: Any, store: SqliteStore) -> None:
    app = pulse_app(store)

    async def run_before(pilot: Pilot[None]) -> None:
        await live_shown(app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_pulse_results_with_the_trend(snap_compare: Any, store: SqliteStore) -> None:
    app = pulse_app(store)

    async def run_before(pilot: Pilot[None]) -> None:
        await live_shown(app)
        await pilot.press("c")
        await until(lambda: isinstance(app.screen, ConfirmScreen), WAIT)
        await pilot.press("y")
        await until(lambda: isinstance(app.screen, PulseResultsScreen) and "W49" in screen_text(app), WAIT)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 40), run_before=run_before)
