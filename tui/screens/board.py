"""The board: title and team, the phase stepper, the facilitation hint, and the current phase's panel."""

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Static

from retro.phases import Phase
from retro.views import BoardView
from tui.board_data import BoardData
from tui.keymap import BOARD_ROOM_BINDINGS
from tui.panels.actions import ActionsPanel
from tui.panels.base import PhasePanel, panel_id
from tui.panels.check_in import CheckInPanel
from tui.panels.close import ClosePanel, EndedPanel
from tui.panels.discuss import DiscussPanel
from tui.panels.group import GroupPanel
from tui.panels.review import ReviewPanel
from tui.panels.vote import VotePanel
from tui.panels.write import WritePanel
from tui.plain_emoji import plain_emoji
from tui.widgets.countdown import Clock
from tui.widgets.link_banner import LinkBanner
from tui.widgets.masthead import Masthead
from tui.widgets.stepper import PhaseStepper
from tui.wording import phones_joined

LOCKED_BADGE = " Joining locked "


def masthead(board: BoardView) -> Text:
    text = Text()
    text.append(plain_emoji(board.title), style="bold")
    if board.team:
        text.append(" · ", style="dim")
        text.append(plain_emoji(board.team))
    text.append(f" · {plain_emoji(board.template_title)}", style="dim")
    return text


class BoardScreen(Screen[None]):
    BINDINGS = [*BOARD_ROOM_BINDINGS]

    def __init__(self, board: BoardView, clock: Clock) -> None:
        """`board` is the board when the app starts: the template's prompts and questions."""
        super().__init__(id="board-screen")
        self._initial = board
        self._clock = clock
        self._phase: Phase | None = None

    def panels(self) -> list[PhasePanel]:
        board = self._initial
        return [
            ReviewPanel(board),
            CheckInPanel(board),
            WritePanel(board),
            GroupPanel(board),
            VotePanel(board),
            DiscussPanel(board, self._clock),
            ActionsPanel(board),
            ClosePanel(board),
            EndedPanel(board),
        ]

    def compose(self) -> ComposeResult:
        yield LinkBanner()
        with Horizontal(id="masthead"):
            yield Masthead(id="retro-title")
            yield Static(LOCKED_BADGE, id="lock-badge", classes="lock-badge", markup=False)
        yield PhaseStepper(id="stepper")
        yield Static(id="hint", markup=False)
        with ContentSwitcher(id="panels", initial=panel_id(self._initial.phase)):
            yield from self.panels()
        yield Static(id="status-line", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "board_data", self._paint)

    def _paint(self, data: BoardData | None) -> None:
        if data is None:
            return
        board = data.board
        self.query_one(Masthead).show(masthead(board), phones_joined(data.phones))
        self.query_one("#lock-badge", Static).display = board.joining_locked
        self.query_one(PhaseStepper).show(board)
        self.query_one("#hint", Static).update(Text(data.view.hint, style="italic"))
        if data.export_path is not None:
            self.query_one("#status-line", Static).update(f"Exported to {data.export_path}")
        panel = self.query_one(f"#{panel_id(board.phase)}", PhasePanel)
        panel.data = data
        if board.phase is not self._phase:
            self._phase = board.phase
            self.query_one(ContentSwitcher).current = panel.id
            self.call_after_refresh(self._focus_panel, panel)

    def _focus_panel(self, panel: PhasePanel) -> None:
        target = panel.focus_target
        if target is not None:
            target.focus()
        else:
            self.set_focus(None)
