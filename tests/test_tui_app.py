"""The facilitator's app itself: when it works out what the screens show."""

from pathlib import Path

from textual.widgets import ContentSwitcher

from retro.commands import ChangePhase
from retro.phases import Phase
from retro.sqlite_store import SqliteStore
from tests.support.pilot import SIZE, board_of, make_app, run
from tests.support.sessions import start_fixed_session
from tests.support.waiting import until


async def test_the_facilitator_view_is_worked_out_once_per_change(store: SqliteStore, tmp_path: Path) -> None:
    app = make_app(start_fixed_session(store), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        before = app.view
        assert app.view is before, "read twice with nothing changed in between, it is worked out once"

        run(app.session, ChangePhase(to=Phase.CHECK_IN))
        after = app.view
        assert after is not before, "a change is seen at once, before the screens repaint"
        assert after.board.phase is Phase.CHECK_IN
        switcher = board_of(app).query_one("#panels", ContentSwitcher)
        await until(lambda: switcher.current == "panel-check-in")
        assert app.board_data.view is after, "the board shows the very view the change produced"
        assert app.view is after
