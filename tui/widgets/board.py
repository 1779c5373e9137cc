"""The board: one column per prompt. Counts before the reveal, items after, totals once voting closes."""

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from retro.views import BoardView, ItemView, PromptView


class ItemCard(Static):
    """One item, shown as plain text: markup in user text is never interpreted."""

    def __init__(self, item: ItemView) -> None:
        super().__init__(item.text, markup=False, classes="item-card")
        self.border_title = None if item.votes is None else f"● {item.votes}"


class PromptColumn(VerticalScroll):
    def __init__(self, prompt: PromptView) -> None:
        super().__init__(id=f"column-{prompt.prompt_id}", classes="prompt-column")
        self.prompt = prompt
        self.border_title = Text(prompt.text)

    def show(self, board: BoardView) -> None:
        count = board.counts[self.prompt.prompt_id]
        items = [item for item in board.items if item.prompt_id == self.prompt.prompt_id]
        self.border_subtitle = f"{count} item{'s' if count != 1 else ''}"
        self.remove_children()
        if not board.revealed:
            self.mount(Static(f"{count}", classes="count"))
            self.mount(Static("written, hidden until the reveal", classes="muted"))
        elif not items:
            self.mount(Static("No items.", classes="muted"))
        else:
            self.mount_all(ItemCard(item) for item in items)


class Board(Horizontal):
    def __init__(self, board: BoardView) -> None:
        super().__init__(id="board")
        self._board = board

    def compose(self) -> ComposeResult:
        for prompt in self._board.prompts:
            yield PromptColumn(prompt)

    def on_mount(self) -> None:
        self.show(self._board)

    def show(self, board: BoardView) -> None:
        self._board = board
        for column in self.query(PromptColumn):
            column.show(board)
