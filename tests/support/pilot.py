"""Driving the facilitator's TUI with Pilot: the app on a fixed clock, what its screen shows, setup."""

from datetime import UTC, datetime
from pathlib import Path

from rich.text import Text
from textual.widgets import Static

from retro.actors import Facilitator, Participant
from retro.commands import AddItem, Command
from retro.secrets import owner_hash
from retro.session import Session
from server.app import ServerConfig
from tests.support.waiting import until
from tui.app import RetroApp
from tui.screens.board import BoardScreen
from tui.widgets.topic_list import TopicList

SIZE = (120, 40)
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
"""A Friday: "fri" then means Friday 4 December."""


class FixedClock:
    """The session's clock, moved by hand: the TUI's countdown reads the same clock as the phones."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def make_app(session: Session, tmp_path: Path) -> RetroApp:
    session.clock = FixedClock()
    return RetroApp(session, ServerConfig(host="127.0.0.1", port=0), export_dir=tmp_path / "exports")


def screen_text(app: RetroApp) -> str:
    """What the terminal shows for the active screen, as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def notified(app: RetroApp) -> str:
    """Every notification raised so far, as the toasts say them before wrapping."""
    return "\n".join(notification.message for notification in app._notifications)


def board_of(app: RetroApp) -> BoardScreen:
    board = app.screen
    assert isinstance(board, BoardScreen)
    return board


def text_of(widget: Static) -> str:
    return str(widget.content)


def prompts_of(topics: TopicList) -> list[str]:
    return [option.prompt.plain for option in topics.options if isinstance(option.prompt, Text)]


async def serving(app: RetroApp) -> None:
    await until(lambda: app.server.port != 0)


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
