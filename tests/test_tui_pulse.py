"""`retro pulse --team NAME` as the facilitator sees it: the QR code and the count, the close on a key, the
results behind the threshold and the team's trend as a chart, here or on a `retro serve`."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from textual.pilot import Pilot

from retro.credentials import add_team
from retro.pulse.lifecycle import close_pulse, open_pulse
from retro.pulse.models import PulseRecord
from retro.sqlite_store import SqliteStore
from server.app import RetroServer, ServerConfig
from server.pulse_asks import PulseOpenAsk, PulseWatchAsk
from tests.support.client import Client
from tests.support.pilot import WAIT, scanned, screen_text
from tests.support.pulse_phone import answered, answers_for
from tests.support.pulse_weeks import answer_pulse, earlier_weeks
from tests.support.waiting import until
from tui.dialogs.confirm import ConfirmScreen
from tui.host import Host
from tui.hosting import EmbeddedPulseHost, RemoteHost
from tui.pulse_app import PulseApp
from tui.screens.pulse_live import PulseLiveScreen
from tui.screens.pulse_results import PulseResultsScreen

TEAM = "Ward 7"
SIZE = (100, 40)


def here(store: SqliteStore, ask: PulseOpenAsk | PulseWatchAsk) -> PulseApp:
    config = ServerConfig(host="127.0.0.1", port=0, pulse_count_seconds=0.2)
    return PulseApp(EmbeddedPulseHost(store, config, ask))


@asynccontextmanager
async def running(app: PulseApp) -> AsyncIterator[Pilot[None]]:
    async with app.run_test(size=SIZE) as pilot:
        yield pilot


async def live(app: PulseApp) -> PulseLiveScreen:
    await until(lambda: isinstance(app.screen, PulseLiveScreen) and app.screen.join_url != "", WAIT)
    assert isinstance(app.screen, PulseLiveScreen)
    return app.screen


def websocket_of(app: PulseApp, server: RetroServer) -> str:
    assert app.link is not None and app.link.pulse is not None
    return server.address.websocket_url(app.link.pulse.join_path.removeprefix("/j/"))


def record_of(store: SqliteStore, app: PulseApp) -> PulseRecord:
    assert app.link is not None and app.link.pulse is not None
    record = store.pulses.pulse(app.link.pulse.pulse_id)
    assert record is not None
    return record


async def close_with_keys(app: PulseApp, pilot: Pilot[None]) -> PulseResultsScreen:
    await pilot.press("c")
    await until(lambda: isinstance(app.screen, ConfirmScreen), WAIT)
    await pilot.press("y")
    await until(lambda: isinstance(app.screen, PulseResultsScreen), WAIT)
    assert isinstance(app.screen, PulseResultsScreen)
    return app.screen


async def test_a_live_pulse_shows_its_code_and_count_closes_on_a_key_and_shows_results_and_trend(
    store: SqliteStore,
) -> None:
    earlier_weeks(store, TEAM, [[6, 7, 8, 6, 7], [5, 6, 7, 4], [7, 8, 8, 9, 6, 7]])  # W46: 4 answers, a gap
    ask = PulseOpenAsk(team=TEAM, title="Shift start", min_responses=5)
    app = here(store, ask)
    async with running(app) as pilot:
        screen = await live(app)
        assert isinstance(app.host, EmbeddedPulseHost)
        server = app.host.server
        assert scanned(app) == screen.join_url
        assert screen.join_url.startswith(server.address.base_url + "/j/")
        shown = screen_text(app)
        assert "Shift start · Ward 7" in shown and "No answers yet" in shown and "Press c to close" in shown
        record = record_of(store, app)
        phones = [await Client.join(websocket_of(app, server)) for _ in range(6)]
        for number, phone in enumerate(phones):
            comment = "Cover breaks on nights" if number < 5 else None
            assert (await answered(phone, answers_for(record, 3 + number, comment=comment)))["type"] == "ack"
        await until(lambda: "6 answers so far" in screen_text(app), WAIT)
        assert "mean" not in screen_text(app), "nothing but the count before the close"

        results = await close_with_keys(app, pilot)
        await until(lambda: "gap" in screen_text(app), WAIT)
        shown = screen_text(app)
        assert "Shift start · Ward 7 · 2026-W49 · 6 answers" in shown
        assert "How motivated do you feel about work this week?" in shown
        assert "mean 5.5 of 10 · 6 answers" in shown
        for week, mean in (("W45", "6.8"), ("W47", "7.5"), ("W49", "5.5")):
            assert week in shown and mean in shown
        assert "W46" in shown and "1 week with too few answers: a gap" in shown
        assert "Cover breaks on nights" in shown and "shuffled, with no times" in shown
        for phone in phones:
            closed = await phone.wait_for("pulse", lambda m: m["pulse"]["closed"])
            assert closed["pulse"]["results"]["answered"] == 6
        second = record.questions[1]
        await pilot.press("t")
        await until(lambda: results.trend_index == 1 and "of 5 · 6 answers" in screen_text(app), WAIT)
        assert f"{second.text}  · over the weeks" in screen_text(app)
        for phone in phones:
            await phone.close()
    assert record_of_closed(store, record.pulse_id)


def record_of_closed(store: SqliteStore, pulse_id: str) -> bool:
    record = store.pulses.pulse(pulse_id)
    return record is not None and record.closed and record.pulse_key is None


async def test_under_the_threshold_the_results_say_how_many_answered_and_nothing_more(
    store: SqliteStore,
) -> None:
    app = here(store, PulseOpenAsk(team=TEAM, min_responses=5))
    async with running(app) as pilot:
        await live(app)
        answer_pulse(store, record_of(store, app), [2, 9, 4], comment="Night shift is too thin")
        await close_with_keys(app, pilot)
        await until(lambda: "No closed pulse yet" not in screen_text(app) and "gap" in screen_text(app), WAIT)
        shown = screen_text(app)
        assert "3 answered (shown once 5 have)" in shown and "mean" not in shown
        assert "Night shift is too thin" not in shown
        assert "3 comments written: comments show once 5 people have written one." in shown


async def test_resume_watches_the_teams_open_pulse_and_a_team_with_none_is_told_so(
    store: SqliteStore,
) -> None:
    opened = earlier_open_pulse(store)
    app = here(store, PulseWatchAsk(team=TEAM))
    async with running(app):
        screen = await live(app)
        assert screen.join_url.endswith(f"/j/{opened.join_token}")
        await until(lambda: "3 answers so far" in screen_text(app), WAIT)
    nobody = here(store, PulseWatchAsk(team="Porters"))
    async with running(nobody):
        await until(lambda: nobody.return_code is not None, WAIT)
    assert nobody.return_code == 1


def earlier_open_pulse(store: SqliteStore) -> PulseRecord:
    record = open_pulse(store.pulses, team=TEAM, now=datetime.now(UTC), title="Poster week")
    answer_pulse(store, record, [5, 6, 7])
    return record


async def test_a_pulse_on_a_retro_serve_runs_the_same_way_with_the_teams_token(
    shared_server: RetroServer, store: SqliteStore
) -> None:
    token = add_team(store, TEAM)
    host: Host = RemoteHost(shared_server.address.base_url, token, PulseOpenAsk(min_responses=3))
    app = PulseApp(host)
    async with running(app) as pilot:
        screen = await live(app)
        assert scanned(app) == screen.join_url
        record = record_of(store, app)
        assert record.team == TEAM
        phones = [await Client.join(websocket_of(app, shared_server)) for _ in range(3)]
        for phone in phones:
            assert (await answered(phone, answers_for(record, 7)))["type"] == "ack"
        await until(lambda: "3 answers so far" in screen_text(app), WAIT)
        await close_with_keys(app, pilot)
        await until(lambda: "mean 7.0 of 10 · 3 answers" in screen_text(app), WAIT)
        for phone in phones:
            await phone.close()


async def test_closing_can_be_called_off_and_a_pulse_closed_elsewhere_shows_its_results(
    store: SqliteStore,
) -> None:
    app = here(store, PulseOpenAsk(team=TEAM, min_responses=3))
    async with running(app) as pilot:
        await live(app)
        await pilot.press("c")
        await until(lambda: isinstance(app.screen, ConfirmScreen), WAIT)
        await pilot.press("n")
        await until(lambda: isinstance(app.screen, PulseLiveScreen), WAIT)
        record = record_of(store, app)
        assert not record.closed
        answer_pulse(store, record, [8, 8, 8])
        close_pulse(store.pulses, record.pulse_id)  # `retro pulse close` in another terminal
        await until(lambda: isinstance(app.screen, PulseResultsScreen), WAIT)
        await until(lambda: "mean 8.0 of 10 · 3 answers" in screen_text(app), WAIT)
