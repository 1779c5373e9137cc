"""The facilitator's lobby and masthead, run for real with Pilot and real phones on a real loopback port:
the join link and its QR code, and the phone count that no title may push off the screen."""

from pathlib import Path

from textual.widgets import Static

from retro.sqlite_store import SqliteStore
from tests.support.client import Client
from tests.support.pilot import (
    WAIT,
    fixed_app,
    make_app,
    phones_of,
    screen_text,
    served,
    server_of,
    serving,
    session_of,
    text_of,
)
from tests.support.qr_bitmap import decode
from tests.support.sessions import start_fixed_session
from tests.support.waiting import until
from tui.screens.board import BoardScreen
from tui.screens.lobby import LobbyScreen
from tui.widgets.qr import QrCode


async def test_lobby_shows_a_qr_code_that_scans_to_the_join_url_and_counts_phones(
    store: SqliteStore, tmp_path: Path
) -> None:
    app = fixed_app(store, tmp_path)
    async with served(app) as pilot:
        lobby = app.screen
        assert isinstance(lobby, LobbyScreen)
        join_url = f"http://127.0.0.1:{server_of(app).port}/j/{session_of(app).record.join_token}"
        await until(lambda: text_of(lobby.query_one("#join-url", Static)) == join_url, WAIT)
        assert decode("\n".join(lobby.query_one(QrCode).lines)) == join_url
        await until(lambda: "0 phones joined" in screen_text(app), WAIT)

        phones = [await Client.join(server_of(app).websocket_url) for _ in range(2)]
        await until(lambda: "2 phones joined" in screen_text(app), WAIT)
        await phones[0].close()
        await until(lambda: "1 phone joined" in screen_text(app), WAIT)
        assert phones_of(app) == 1
        await phones[1].close()

        await pilot.press("b")
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("j")
        assert isinstance(app.screen, LobbyScreen)


async def test_at_80_columns_the_phone_count_is_never_cut_the_title_gives_way(
    store: SqliteStore, tmp_path: Path
) -> None:
    title = "Night shift handover retrospective for the whole of the ward"
    app = make_app(start_fixed_session(store, title=title, team="Ward 7 nights"), tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await serving(app)
        phones = [await Client.join(server_of(app).websocket_url) for _ in range(12)]
        await until(lambda: "12 phones joined" in screen_text(app), WAIT)
        await pilot.press("b")
        await until(lambda: screen_text(app).splitlines()[0].rstrip().endswith("  12 phones joined"), WAIT)
        masthead = screen_text(app).splitlines()[0]
        assert masthead.startswith(" Night shift handover") and "…" in masthead
        await phones.pop().close()
        await until(lambda: screen_text(app).splitlines()[0].rstrip().endswith("  11 phones joined"), WAIT)
        for phone in phones:
            await phone.close()
        await until(lambda: screen_text(app).splitlines()[0].rstrip().endswith("  0 phones joined"), WAIT)
