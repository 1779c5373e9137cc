"""A small dialog asking for one line of text: a topic's name, or a note."""

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from retro.text import clean_text
from tui.keymap import DIALOG_BINDINGS


class TextPromptScreen(ModalScreen[str | None]):
    BINDINGS = [*DIALOG_BINDINGS]

    def __init__(self, title: str, label: str, *, value: str = "", max_length: int = 200) -> None:
        super().__init__(classes="dialog-screen")
        self._title = title
        self._label = label
        self._value = value
        self._max_length = max_length

    def compose(self) -> ComposeResult:
        with Vertical(id="text-prompt", classes="dialog"):
            yield Static(Text(self._title), classes="dialog-title")
            yield Label(Text(self._label))
            yield Input(value=self._value, max_length=self._max_length, id="text-prompt-input")
            yield Static(id="text-prompt-error", classes="dialog-error", markup=False)
            yield Static("enter to save · escape to cancel", classes="dialog-keys")

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        text = clean_text(event.value)
        if not text:
            self.query_one("#text-prompt-error", Static).update("Type something first, or press escape.")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
