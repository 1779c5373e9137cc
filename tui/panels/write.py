"""Write: how many items each prompt has, and how many phones have written. Never the items.

`s` asks for the separate screening screen; this panel itself shows counts only, held items included.
"""

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Digits, Static

from retro.phases import Phase
from retro.views import PromptView
from tui.board_data import BoardData
from tui.keymap import WRITE_BINDINGS
from tui.messages import ScreeningRequested
from tui.panels.base import PhasePanel
from tui.plain_emoji import plain_emoji
from tui.wording import phones_written, plural


class PromptCount(Vertical):
    def __init__(self, prompt: PromptView) -> None:
        super().__init__(id=f"count-{prompt.prompt_id}", classes="prompt-count")
        self.prompt = prompt
        self.border_title = Text(plain_emoji(prompt.text))

    def compose(self) -> ComposeResult:
        yield Digits("0")
        yield Static(Text(plain_emoji(self.prompt.hint)), classes="prompt-hint")

    def show(self, count: int) -> None:
        self.query_one(Digits).update(str(count))
        self.border_subtitle = plural(count, "item")


class WritePanel(PhasePanel):
    phase = Phase.WRITE
    BINDINGS = [*WRITE_BINDINGS]
    can_focus = True
    """Focused when it appears, so that its keys work."""

    @property
    def focus_target(self) -> Widget | None:
        return self

    def action_screen_items(self) -> None:
        self.post_message(ScreeningRequested())

    def compose(self) -> ComposeResult:
        with Horizontal(id="prompt-counts"):
            for prompt in self.initial.prompts:
                yield PromptCount(prompt)
        yield Static(id="written", markup=False)
        yield Static("Items stay hidden, here too, until the reveal.", id="write-privacy")

    def watch_data(self, data: BoardData) -> None:
        board = data.board
        row = self.query_one("#prompt-counts", Horizontal)
        for prompt in board.prompts:
            row.query_one(f"#count-{prompt.prompt_id}", PromptCount).show(board.counts[prompt.prompt_id])
        total = plural(data.view.total_items, "item")
        self.query_one("#written", Static).update(
            f"{phones_written(data.phones_written, data.phones)} · {total} in all"
        )
