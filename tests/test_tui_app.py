"""The facilitator's app itself: what the screens show is the very view the server sent."""

from pathlib import Path

from textual.widgets import ContentSwitcher

from retro.commands import ChangePhase
from retro.phases import Phase
from retro.sqlite_store import SqliteStore
from tests.support.pilot import WAIT, board_of, make_app, run, served, session_of
from tests.support.sessions import start_fixed_session
from tests.support.waiting import until


async def test_the_board_shows_the_view_the_server_sent(store: SqliteStore, tmp_path: Path) -> None:
    app = make_app(start_fixed_session(store), tmp_path)
    async with served(app) as pilot:
        await pilot.press("b")
        before = app.view
        assert app.board_data is not None and app.board_data.view is before

        run(session_of(app), ChangePhase(to=Phase.CHECK_IN))
        await until(lambda: app.view is not before, WAIT)
        after = app.view
        assert after.board.phase is Phase.CHECK_IN
        switcher = board_of(app).query_one("#panels", ContentSwitcher)
        await until(lambda: switcher.current == "panel-check-in")
        assert app.board_data is not None and app.board_data.view is after
