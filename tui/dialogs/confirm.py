"""A yes/no question before a step that cannot be undone."""

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.keymap import CONFIRM_BINDINGS


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [*CONFIRM_BINDINGS]

    def __init__(self, question: str, detail: str = "", *, yes: str = "Yes") -> None:
        super().__init__(classes="dialog-screen")
        self._question = question
        self._detail = detail
        self._yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm", classes="dialog"):
            yield Static(Text(self._question), id="confirm-question", classes="dialog-title")
            if self._detail:
                yield Static(Text(self._detail), id="confirm-detail")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self._yes} (y)", variant="warning", id="confirm-yes")
                yield Button("No (n)", id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed, "#confirm-yes")
    def yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def no(self) -> None:
        self.dismiss(False)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
