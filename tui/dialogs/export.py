"""The export dialog: every format, and copying the Markdown to the clipboard."""

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.exporting import COPY_MARKDOWN, EXPORT_CHOICES


class ExportScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel-export")]

    def __init__(self, warnings: list[str]) -> None:
        super().__init__(classes="dialog-screen")
        self._warnings = warnings

    def compose(self) -> ComposeResult:
        with Vertical(id="export", classes="dialog"):
            yield Static("Export the outcome", classes="dialog-title")
            if self._warnings:
                count = len(self._warnings)
                note = Text(
                    f"{count} item{'s' if count != 1 else ''} may still point at a person. "
                    "Exporting is fine; you might reframe them first:\n",
                    style="bold",
                )
                for text in self._warnings[:3]:
                    note.append(f"  • {text}\n", style="")
                yield Static(note, id="export-warnings")
            options = [Option(Text(choice.label), id=choice.key) for choice in EXPORT_CHOICES]
            options.append(Option(Text("Copy the Markdown to the clipboard (OSC 52)"), id=COPY_MARKDOWN))
            yield OptionList(*options, id="export-choices")
            yield Static(
                "enter to write · esc to cancel · files are never overwritten", classes="dialog-keys"
            )

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
