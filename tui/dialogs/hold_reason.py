"""Why an item is held: a preset reason, or the facilitator's own words. Only its author reads it."""

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from retro.hold_reasons import PRESET_ENGLISH
from retro.text import MAX_REASON_CHARS, clean_text
from tui.keymap import DIALOG_BINDINGS
from tui.plain_emoji import plain_emoji

HOLD_REASONS: tuple[str, ...] = tuple(PRESET_ENGLISH.values())
"""The presets in English, as the facilitator reads them; a hold worded as one of them carries its code, and
the author's phone words it in its own language (retro.hold_reasons)."""


class HoldReasonScreen(ModalScreen[str | None]):
    BINDINGS = [*DIALOG_BINDINGS]

    def __init__(self, item_text: str, current: str | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self._item_text = item_text
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="hold", classes="dialog"):
            yield Static("Hold this item out of the reveal", classes="dialog-title")
            yield Static(Text(plain_emoji(self._item_text)), id="hold-item")
            yield Static(
                "Only its author's phone is told, with this reason. "
                "It stays out of the reveal unless they rewrite it.",
                id="hold-note",
            )
            yield Label("Why?")
            yield OptionList(
                *(Option(Text(reason), id=str(index)) for index, reason in enumerate(HOLD_REASONS)),
                id="hold-presets",
                markup=False,
            )
            yield Label("Or in your own words")
            yield Input(
                value=self._current if self._current not in (None, *HOLD_REASONS) else "",
                placeholder="A kind, short reason for the author",
                max_length=MAX_REASON_CHARS,
                id="hold-own",
            )
            yield Static(id="hold-error", classes="dialog-error", markup=False)
            yield Static(
                "enter to hold · tab to type your own reason · escape to cancel", classes="dialog-keys"
            )

    def on_mount(self) -> None:
        presets = self.query_one("#hold-presets", OptionList)
        if self._current in HOLD_REASONS:
            presets.highlighted = HOLD_REASONS.index(self._current)
        elif self._current:
            self.query_one("#hold-own", Input).focus()
            return
        presets.focus()

    @on(OptionList.OptionSelected, "#hold-presets")
    def preset(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(HOLD_REASONS[event.option_index])

    @on(Input.Submitted, "#hold-own")
    def own(self, event: Input.Submitted) -> None:
        reason = clean_text(event.value)
        if not reason:
            self.query_one("#hold-error", Static).update("Type a reason, pick one above, or press escape.")
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)
