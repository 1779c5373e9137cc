"""Help: every key, read from the keymap so it can never disagree with the footer."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.keymap import APP_BINDINGS


def help_text() -> Text:
    text = Text()
    for binding in APP_BINDINGS:
        key = "?" if binding.key == "question_mark" else binding.key
        text.append(f"{key:>8}  ", style="bold")
        text.append(f"{binding.tooltip}\n")
    text.append("\nNobody, you included, can see who wrote or voted for what.", style="italic")
    return text


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close", id="close-help"),
        Binding("question_mark", "close", "Close", id="close-help-again"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            yield Static("Keys", id="help-title")
            yield Static(help_text())

    def action_close(self) -> None:
        self.dismiss(None)
