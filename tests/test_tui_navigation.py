"""Moving about the facilitator's TUI with Pilot: stepping back between phases, the help screen's keys,
and quitting then resuming the same retro in its phase."""

from collections.abc import Callable
from pathlib import Path

from retro.commands import ChangePhase
from retro.phases import Phase
from retro.session import Session
from retro.sqlite_store import SqliteStore
from tests.support.client import Client
from tests.support.pilot import (
    fixed_app,
    help_shown,
    make_app,
    notified,
    run,
    screen_text,
    seen,
    served,
    server_of,
    session_of,
)
from tests.support.waiting import until
from tui.app import RetroApp
from tui.dialogs.help import HelpScreen


def showing(app: RetroApp, phase: Phase) -> Callable[[], bool]:
    """Whether the app shows `phase`: its view has come back from the server."""
    return lambda: app.view.board.phase is phase


async def test_stepping_back_goes_where_the_phases_allow_and_explains_otherwise(
    store: SqliteStore, tmp_path: Path
) -> None:
    app = fixed_app(store, tmp_path)
    async with served(app) as pilot:
        session = session_of(app)
        await pilot.press("b", "p")
        await until(lambda: "Review is the first phase." in notified(app))
        for key, phase in (("n", Phase.CHECK_IN), ("n", Phase.WRITE), ("p", Phase.CHECK_IN)):
            await pilot.press(key)
            await until(showing(app, phase))
        run(session, ChangePhase(to=Phase.GROUP))
        await seen(app)
        await pilot.press("p")
        await until(lambda: "cannot step back to Write: what was shown stays shown" in notified(app))
        assert session.state.phase is Phase.GROUP


async def test_help_lists_every_key(store: SqliteStore, tmp_path: Path) -> None:
    app = fixed_app(store, tmp_path)
    async with served(app) as pilot:
        shown = await help_shown(app, pilot)
        for key in (
            "ctrl+q",
            "Move the retro to its next phase",
            "Export the outcome: Markdown, HTML, PDF, CSV, JSON, ICS",
            "Merge the selected topics under one name",
            "Add time to the discussion timer",
            "Delete the selected action (asks first)",
            "Drop the selected earlier action",
        ):
            assert key in shown
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_quitting_and_resuming_brings_back_the_same_retro_in_its_phase(
    db_path: Path, tmp_path: Path
) -> None:
    store = SqliteStore(db_path)
    app = fixed_app(store, tmp_path)
    async with served(app) as pilot:
        run(session_of(app), ChangePhase(to=Phase.WRITE))
        phone = await Client.join(server_of(app).websocket_url)
        await phone.add_item("Durable before acknowledged")
        await seen(app)
        await pilot.press("b", "n", "y")
        await until(showing(app, Phase.GROUP))
        await pilot.press("n")
        await until(lambda: session_of(app).state.phase is Phase.VOTE)
        await pilot.press("ctrl+q")
    store.close()

    reopened = SqliteStore(db_path)
    record = reopened.latest_open_retro()
    assert record is not None and record.join_token == session_of(app).record.join_token
    resumed = Session.resume(reopened, record)
    assert resumed.state == session_of(app).state
    again = make_app(resumed, tmp_path)
    async with served(again) as pilot:
        await pilot.press("b")
        await pilot.pause()
        assert "5 Vote" in screen_text(again)
        assert "Durable before acknowledged" in screen_text(again)
        assert "Voting open — totals hidden until voting closes" in screen_text(again)
    reopened.close()
