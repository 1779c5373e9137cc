"""Help: every key, read from the keymap so it can never disagree with the footer."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.keymap import KEY_GROUPS

_KEY_NAMES = {"question_mark": "?", "plus": "+", "delete": "del", "escape": "esc"}


def help_text() -> Text:
    text = Text()
    for group in KEY_GROUPS:
        if text.plain:
            text.append("\n")
        text.append(f"{group.title}\n", style="bold underline")
        for binding in group.bindings:
            key = _KEY_NAMES.get(binding.key, binding.key)
            text.append(f"{key:>8}  ", style="bold")
            text.append(f"{binding.tooltip}\n")
    text.append("\nNobody, you included, can see who wrote, voted or answered what.", style="italic")
    return text


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close", id="close-help", tooltip="Close the help"),
        Binding("question_mark", "close", "Close", id="close-help-again", tooltip="Close the help"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help", classes="dialog"):
            yield Static("Keys", classes="dialog-title")
            yield Static(help_text(), id="help-keys")

    def action_close(self) -> None:
        self.dismiss(None)
