"""Driving the facilitator's TUI with Pilot: the app on a fixed clock, what its screen shows, setup."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from rich.text import Text
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from retro.actors import Facilitator, Participant
from retro.commands import AddItem, ChangePhase, Command, MergeTopics, Ungroup
from retro.phases import Phase
from retro.secrets import owner_hash
from retro.session import Session
from retro.sqlite_store import SqliteStore
from retro.views import facilitator_view
from server.app import RetroServer, ServerConfig
from tests.support.qr_bitmap import decode_screen
from tests.support.sessions import start_fixed_session
from tests.support.waiting import until
from tui.app import RetroApp
from tui.dialogs.action_form import ActionFormScreen
from tui.dialogs.help import HelpScreen
from tui.hosting import EmbeddedHost
from tui.screens.board import BoardScreen
from tui.screens.lobby import LobbyScreen
from tui.widgets.topic_list import TopicList

SIZE = (120, 40)
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
"""A Friday: "fri" then means Friday 4 December."""
WAIT = 30.0
"""A generous limit for what a busy machine may take to show; tests wait for what they expect, never
for a fixed time."""


class FixedClock:
    """The session's clock, moved by hand: the TUI's countdown reads the same clock as the phones."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def make_app(session: Session, tmp_path: Path) -> RetroApp:
    session.clock = FixedClock()
    host = EmbeddedHost(session, ServerConfig(host="127.0.0.1", port=0))
    return RetroApp(host, export_dir=tmp_path / "exports")


def host_of(app: RetroApp) -> EmbeddedHost:
    """The server the app hosts in its own process, and the session it runs: what tests set up and check."""
    assert isinstance(app.host, EmbeddedHost)
    return app.host


def session_of(app: RetroApp) -> Session:
    return host_of(app).session


def server_of(app: RetroApp) -> RetroServer:
    return host_of(app).server


def phones_of(app: RetroApp) -> int:
    """Phones joined, as the latest view from the server counts them."""
    return app.facilitator.phones if app.facilitator is not None else 0


def fixed_app(store: SqliteStore, tmp_path: Path) -> RetroApp:
    """The TUI on a new retro whose tokens and date are fixed."""
    return make_app(start_fixed_session(store), tmp_path)


@asynccontextmanager
async def served(app: RetroApp, size: tuple[int, int] = SIZE) -> AsyncIterator[Pilot[None]]:
    """The app running, once it has linked to its server and shows the lobby."""
    async with app.run_test(size=size, notifications=True) as pilot:
        await serving(app)
        yield pilot


def screen_text(app: App[None]) -> str:
    """What the terminal shows for the active screen, as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def scanned(app: App[None]) -> str:
    """The QR code on the active screen, scanned as a phone's camera sees it: by colour, whole screen."""
    return decode_screen(app.screen._compositor.render_strips())


def notified(app: RetroApp) -> str:
    """Every notification raised so far, as the toasts say them before wrapping."""
    return "\n".join(notification.message for notification in app._notifications)


def board_of(app: RetroApp) -> BoardScreen:
    board = app.screen
    assert isinstance(board, BoardScreen)
    return board


async def help_shown(app: RetroApp, pilot: Pilot[None]) -> str:
    """Open the help screen; the keys it lists."""
    await pilot.press("question_mark")
    await pilot.pause()
    assert isinstance(app.screen, HelpScreen)
    return text_of(app.screen.query_one("#help-keys", Static))


def titles_notified(app: RetroApp) -> list[str]:
    return [notification.title for notification in app._notifications]


def text_of(widget: Static) -> str:
    return str(widget.content)


def prompts_of(topics: TopicList) -> list[str]:
    return [option.prompt.plain for option in topics.options if isinstance(option.prompt, Text)]


def rows_of(table: DataTable[Text]) -> list[list[str]]:
    return [[cell.plain for cell in table.get_row_at(row)] for row in range(table.row_count)]


async def fill_action_form(app: RetroApp, text: str, owner: str, due: str) -> None:
    form = app.screen
    assert isinstance(form, ActionFormScreen)
    form.query_one("#action-text", Input).value = text
    form.query_one("#action-owner", Input).value = owner
    form.query_one("#action-due", Input).value = due


async def serving(app: RetroApp) -> None:
    """Until the app has linked to its server and shows the lobby with the join link. The lobby is the
    app's first screen, so it is the screen before its widgets are mounted: wait for those too."""
    await until(
        lambda: (
            isinstance(app.screen, LobbyScreen) and app.join_url != "" and bool(app.screen.query("#join-url"))
        ),
        WAIT,
    )


async def seen(app: RetroApp) -> None:
    """Until the app shows the retro as the session has it now: its view has come back over the link."""
    expected = facilitator_view(session_of(app).state)
    await until(lambda: app.facilitator is not None and app.view == expected, WAIT)


def run(session: Session, *commands: Command) -> None:
    for command in commands:
        session.execute(Facilitator(), command)


def write(session: Session, *items: tuple[str, str]) -> dict[str, str]:
    """Items written by phones (prompt id, text); returns item ids by text."""
    ids = {}
    for prompt_id, text in items:
        session.execute(
            Participant(f"writer-{text}"),
            AddItem(prompt_id=prompt_id, text=text, owner_hash=owner_hash(text * 2)),
        )
        ids[text] = next(i for i, item in session.state.items.items() if item.text == text)
    return ids


def arranged(session: Session) -> list[str]:
    """In Write, three topics in a known order: merge them all in that order, then ungroup."""
    run(session, ChangePhase(to=Phase.WRITE))
    ids = write(
        session, ("hard", "Handovers run late"), ("learning", "Checklists help"), ("help", "A quiet room")
    )
    run(session, ChangePhase(to=Phase.GROUP), MergeTopics(topic_ids=tuple(ids.values()), title="All"))
    run(session, Ungroup(topic_id=session.state.topic_order[0]))
    return list(ids.values())
