"""The lobby in the windows people really have: macOS Terminal's 80x24 and up.

Wherever a code fits, the screen is scanned as a camera would see it (by colour, with no margin added,
so the code's own quiet zone must be drawn) and must give exactly the URL the lobby shows. The URL, the
team and the phone count always show; where no code fits, the lobby says so and what size would do.
"""

import re

import pytest

from retro.commands import ChangePhase, LockJoining
from retro.phases import Phase
from retro.session import Session
from retro.sqlite_store import SqliteStore
from server.app import ServerConfig
from tests.support.client import Client
from tests.support.pilot import FixedClock, run, screen_text, served, server_of, session_of
from tests.support.qr_bitmap import decode_screen
from tests.support.sessions import FIXED_JOIN_TOKEN, start_fixed_session
from tests.support.waiting import until
from tui.app import RetroApp
from tui.hosting import EmbeddedHost
from tui.lobby_arrangement import Arrangement, LobbyText, plan
from tui.screens.lobby import LobbyScreen
from tui.widgets.qr import drawings

LAN_BASE = "http://192.168.100.200:65535"
"""As long as a LAN address and port get: the longest join URL `retro host` shows without --public-url."""
LAN_URL = f"{LAN_BASE}/j/{FIXED_JOIN_TOKEN}"
WAIT = 30.0
"""Generous: under load a frame can take a while, and nothing here depends on how long."""


def lan_app(store: SqliteStore) -> RetroApp:
    session = start_fixed_session(store)
    session.clock = FixedClock()
    return RetroApp(EmbeddedHost(session, ServerConfig(host="127.0.0.1", port=0, public_url=LAN_BASE)))


def lobby_of(app: RetroApp) -> LobbyScreen:
    lobby = app.screen
    assert isinstance(lobby, LobbyScreen)
    return lobby


def scanned(app: RetroApp) -> str:
    return decode_screen(app.screen._compositor.render_strips())


def loopback_ws(app: RetroApp) -> str:
    """Phones reach the server on loopback; the URL on screen names the LAN address it would have."""
    return f"ws://127.0.0.1:{server_of(app).port}/ws/{session_of(app).record.join_token}"


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
async def test_the_code_scans_to_the_url_shown_with_the_team_and_the_phone_count(
    store: SqliteStore, size: tuple[int, int]
) -> None:
    app = lan_app(store)
    async with served(app, size) as pilot:
        await until(lambda: lobby_of(app).join_url == LAN_URL, WAIT)
        await until(lambda: LAN_URL in screen_text(app), WAIT)
        assert scanned(app) == LAN_URL
        shown = screen_text(app)
        assert "Sprint 42 · Ward 7" in shown
        assert "0 phones joined" in shown

        phones = [await Client.join(loopback_ws(app)) for _ in range(2)]
        await until(lambda: "2 phones joined" in screen_text(app), WAIT)
        assert LAN_URL in screen_text(app)
        for phone in phones:
            await phone.close()
        await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_with_joining_locked_the_code_still_scans(store: SqliteStore, size: tuple[int, int]) -> None:
    app = lan_app(store)
    async with served(app, size):
        run(session_of(app), LockJoining(locked=True))
        await until(lambda: "Joining locked" in screen_text(app), WAIT)
        await until(lambda: LAN_URL in screen_text(app), WAIT)
        assert scanned(app) == LAN_URL
        assert "0 phones joined" in screen_text(app)


async def test_a_window_too_small_for_any_code_says_so_and_still_shows_the_url(store: SqliteStore) -> None:
    app = lan_app(store)
    async with served(app, (60, 16)) as pilot:
        await until(lambda: LAN_URL in screen_text(app), WAIT)
        shown = screen_text(app)
        assert "This window is too small for the QR code" in shown
        assert "Type this address in a phone's browser to join" in shown
        assert "0 phones joined" in shown and "Ward 7" in shown
        assert not set("▀▄█") & set(shown), "no partial code that would not scan"
        needed = lobby_of(app).plan.needed
        assert needed is not None and f"it needs {needed[0]}×{needed[1]}" in shown

        await pilot.resize_terminal(*needed)
        await until(lambda: "too small" not in screen_text(app), WAIT)
        assert scanned(app) == LAN_URL, "the size the lobby asked for is enough"


async def test_growing_the_window_draws_the_most_robust_code_that_fits(store: SqliteStore) -> None:
    app = lan_app(store)
    async with served(app, (64, 20)) as pilot:
        await until(lambda: LAN_URL in screen_text(app), WAIT)
        small = lobby_of(app).plan
        assert small.arrangement is not Arrangement.NO_CODE and small.size == 2
        assert scanned(app) == LAN_URL
        await pilot.resize_terminal(120, 40)
        await until(lambda: lobby_of(app).plan.size == 0, WAIT)
        await pilot.pause()
        assert lobby_of(app).plan.arrangement is Arrangement.STACKED
        assert scanned(app) == LAN_URL


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_a_notification_never_covers_the_code_or_the_url(
    store: SqliteStore, size: tuple[int, int]
) -> None:
    app = lan_app(store)
    async with served(app, size) as pilot:
        await until(lambda: LAN_URL in screen_text(app), WAIT)
        await pilot.press("R", "y")
        await until(lambda: "New join link" in screen_text(app), WAIT)
        new_url = server_of(app).join_url
        assert new_url != LAN_URL
        await until(lambda: new_url in screen_text(app), WAIT)
        assert scanned(app) == new_url


def words_on(app: RetroApp) -> str:
    """The words on screen, read across the code beside them."""
    return " ".join(re.sub("[▀▄█]", " ", screen_text(app)).split())


async def test_after_resume_in_a_later_phase_the_lobby_shows_the_team_and_what_n_does(
    store: SqliteStore,
) -> None:
    earlier = start_fixed_session(store)
    run(earlier, ChangePhase(to=Phase.WRITE), ChangePhase(to=Phase.GROUP), ChangePhase(to=Phase.VOTE))
    record = store.latest_open_retro()
    assert record is not None
    session = Session.resume(store, record)
    session.clock = FixedClock()
    app = RetroApp(EmbeddedHost(session, ServerConfig(host="127.0.0.1", port=0, public_url=LAN_BASE)))
    async with served(app, (80, 24)):
        await until(lambda: LAN_URL in screen_text(app), WAIT)
        shown = words_on(app)
        assert "Sprint 42 · Ward 7" in shown
        assert "Now: Vote. Press b to go back to the board; n moves the retro on to Discuss." in shown
        assert "when everyone is in" not in shown
        assert scanned(app) == LAN_URL


async def test_at_the_start_n_moves_on_to_check_in_when_everyone_is_in(store: SqliteStore) -> None:
    app = lan_app(store)
    async with served(app, (120, 40)):
        await until(lambda: LAN_URL in screen_text(app), WAIT)
        assert "Press b for the board, n to move on to Check-in when everyone is in." in screen_text(app)


@pytest.mark.parametrize("locked", [False, True])
def test_a_plan_that_asks_for_a_size_is_met_by_that_size(locked: bool) -> None:
    codes = [(len(lines[0]), len(lines)) for lines in drawings(LAN_URL)]
    words = LobbyText(
        lead="Scan to join — anonymous, no app, no account",
        lock_note="New phones are refused; phones already in stay in. Press L to open joining again."
        if locked
        else None,
        url=LAN_URL,
        hint="Now: Review. Press b for the board, n to move on to Check-in when everyone is in.",
    )
    for width in range(30, 131, 5):
        for height in range(10, 45):
            chosen = plan((width, height), codes, words)
            if chosen.arrangement is Arrangement.NO_CODE:
                assert chosen.needed is not None
                assert plan(chosen.needed, codes, words).arrangement is not Arrangement.NO_CODE
            else:
                assert chosen.size is not None
                columns, rows = codes[chosen.size]
                assert columns <= width and rows + 2 <= height, "the code, the URL and the footer fit"
