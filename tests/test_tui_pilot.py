"""The facilitator's TUI, run for real with Pilot, with real phones on a real loopback port."""

import asyncio
from collections.abc import Callable
from datetime import date
from pathlib import Path

from textual.widgets import Input, Static

from retro.phases import Phase
from retro.session import Session
from retro.sqlite_store import SqliteStore
from server.app import ServerConfig
from tests.conftest import start_fixed_session
from tests.phone import Phone
from tests.qr_bitmap import decode
from tui.app import RetroApp
from tui.screens.board import BoardScreen
from tui.screens.help import HelpScreen
from tui.screens.lobby import LobbyScreen
from tui.widgets.board import ItemCard, PromptColumn
from tui.widgets.qr import QrCode

SIZE = (120, 40)


def make_app(session: Session, tmp_path: Path) -> RetroApp:
    return RetroApp(session, ServerConfig(host="127.0.0.1", port=0), export_dir=tmp_path / "exports")


def text_of(widget: Static) -> str:
    return str(widget.content)


async def until(condition: Callable[[], bool], timeout: float = 3.0) -> None:
    """Wait for something the user would see, instead of sleeping a fixed time."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


async def test_lobby_shows_a_qr_code_that_scans_to_the_join_url_and_counts_phones(
    store: SqliteStore, tmp_path: Path
) -> None:
    app = make_app(start_fixed_session(store), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: app.server.port != 0)
        await pilot.pause()
        lobby = app.screen
        assert isinstance(lobby, LobbyScreen)
        join_url = text_of(lobby.query_one("#join-url", Static))
        assert join_url == f"http://127.0.0.1:{app.server.port}/j/{app.session.record.join_token}"
        assert decode("\n".join(lobby.query_one(QrCode).lines)) == join_url
        assert text_of(lobby.query_one("#phones", Static)) == "0 phones joined"

        phones = [await Phone.join(app.server.websocket_url) for _ in range(2)]
        await until(lambda: text_of(lobby.query_one("#phones", Static)) == "2 phones joined")
        await phones[0].close()
        await until(lambda: text_of(lobby.query_one("#phones", Static)) == "1 phone joined")
        await phones[1].close()


async def test_a_retro_from_write_to_export_driven_by_keys(store: SqliteStore, tmp_path: Path) -> None:
    app = make_app(start_fixed_session(store), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: app.server.port != 0)
        phone = await Phone.join(app.server.websocket_url)
        await phone.add_item("[b]Sam[/b] forgot \x1b[31mthe release[@click=app.quit]")
        await phone.add_item("Handover at 7 is rushed", prompt_id="hard")

        await pilot.press("b")
        board = app.screen
        assert isinstance(board, BoardScreen)
        learning = board.query_one("#column-learning", PromptColumn)
        await until(lambda: learning.border_subtitle == "1 item")
        assert not board.query(ItemCard), "item text must not reach the TUI before the reveal"

        await pilot.press("n")
        await until(lambda: app.session.state.phase is Phase.VOTE)
        await pilot.pause()
        cards = {text_of(card) for card in board.query(ItemCard)}
        assert cards == {"[b]Sam[/b] forgot the release[@click=app.quit]", "Handover at 7 is rushed"}
        assert all(card.border_title is None for card in board.query(ItemCard)), "totals hidden while voting"

        learning_id = next(i for i, item in app.session.state.items.items() if item.prompt_id == "learning")
        await phone.command(kind="cast_vote", item_id=learning_id)
        await phone.command(kind="cast_vote", item_id=learning_id)

        await pilot.press("n")
        await until(lambda: app.session.state.phase is Phase.ACTIONS)
        await pilot.pause()
        titles = {text_of(card): card.border_title for card in board.query(ItemCard)}
        assert titles["[b]Sam[/b] forgot the release[@click=app.quit]"] == "● 2"
        assert titles["Handover at 7 is rushed"] == "● 0"

        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one("#action-text", Input).value = "Pair on the release checklist"
        app.screen.query_one("#action-owner", Input).value = "Sam"
        app.screen.query_one("#action-due", Input).value = "next tuesday"
        await pilot.click("#save")
        assert "is not a date" in text_of(app.screen.query_one("#action-error", Static))
        assert app.screen.query_one("#action-text", Input).value == "Pair on the release checklist"
        due = app.screen.query_one("#action-due", Input)
        due.value = "2026-12-04"
        due.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is board
        assert "Pair on the release checklist" in text_of(board.query_one("#actions", Static))
        shown = await phone.wait_for("board")
        while not shown["board"]["actions"]:
            shown = await phone.wait_for("board")
        assert shown["board"]["actions"][0]["owner"] == "Sam"
        assert shown["board"]["actions"][0]["due"] == date(2026, 12, 4).isoformat()

        await pilot.press("x")
        await pilot.pause()
        assert app.last_export is not None and app.last_export.exists()
        assert str(app.last_export) in text_of(board.query_one("#status-line", Static))
        assert "Pair on the release checklist" in app.last_export.read_text()
        await phone.close()


async def test_help_lists_every_key(store: SqliteStore, tmp_path: Path) -> None:
    app = make_app(start_fixed_session(store), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = "\n".join(str(static.content) for static in app.screen.query(Static))
        for key in (
            "ctrl+q",
            "Record an owned action",
            "Write the Markdown export",
            "Move the retro to its next phase",
        ):
            assert key in shown
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_quitting_and_resuming_brings_back_the_same_retro(db_path: Path, tmp_path: Path) -> None:
    store = SqliteStore(db_path)
    app = make_app(start_fixed_session(store), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: app.server.port != 0)
        phone = await Phone.join(app.server.websocket_url)
        await phone.add_item("Durable before acknowledged")
        await pilot.press("n")
        await pilot.press("ctrl+q")
    store.close()

    reopened = SqliteStore(db_path)
    record = reopened.latest_open_retro()
    assert record is not None and record.join_token == app.session.record.join_token
    resumed = Session.resume(reopened, record)
    assert resumed.state == app.session.state
    assert [item.text for item in resumed.state.items.values()] == ["Durable before acknowledged"]
    assert resumed.state.phase is Phase.VOTE
    reopened.close()
