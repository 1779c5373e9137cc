"""The board screen: stepper, facilitation hint, the prompt columns and the actions."""

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static

from retro.views import FacilitatorView
from tui.widgets.actions import ActionsPanel
from tui.widgets.board import Board
from tui.widgets.stepper import PhaseStepper, stepper_text


class BoardScreen(Screen[None]):
    def __init__(self, view: FacilitatorView, phones: int) -> None:
        super().__init__(id="board-screen")
        self._view = view
        self._phones = phones
        self._ready = False

    def compose(self) -> ComposeResult:
        yield Static(Text(self._view.board.title), id="board-title")
        yield PhaseStepper(stepper_text(self._view.board), id="stepper")
        yield Static(id="hint")
        yield Board(self._view.board)
        actions = ActionsPanel(id="actions")
        actions.border_title = "Actions"
        yield actions
        yield Static(id="status-line")
        yield Footer()

    def on_mount(self) -> None:
        self._ready = True
        self._paint()

    def show(self, view: FacilitatorView, phones: int) -> None:
        self._view = view
        self._phones = phones
        if self._ready:
            self._paint()

    def _paint(self) -> None:
        view, phones = self._view, self._phones
        board = view.board
        self.query_one(PhaseStepper).show(board)
        self.query_one("#hint", Static).update(Text(view.hint, style="italic"))
        self.query_one(Board).show(board)
        self.query_one(ActionsPanel).show(board)
        self.query_one("#status-line", Static).update(self._status(view, phones))

    @staticmethod
    def _status(view: FacilitatorView, phones: int) -> str:
        joined = "1 phone" if phones == 1 else f"{phones} phones"
        items = "1 item" if view.total_items == 1 else f"{view.total_items} items"
        dots = f"{view.board.votes_per_person} dots each"
        return f"{joined} joined · {items} · {dots}"

    def show_status(self, message: str) -> None:
        if self._ready:
            self.query_one("#status-line", Static).update(Text(message))
