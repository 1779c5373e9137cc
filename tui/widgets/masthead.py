"""The board's top line: the retro's title and team on the left, how many phones have joined on the right.

The count always shows in full: the title gives way, ending in an ellipsis. Both share one widget of a
fixed width, so a new count is only repainted, never waits on a layout pass.
"""

from rich.text import Text
from textual.widget import Widget

GAP = 2
"""Columns kept between the title and the count, so that "Ward 7" and "12 phones" never run together."""


def masthead_line(heading: Text, count: str, width: int) -> Text:
    right = Text(count, style="bold")
    room = width - right.cell_len - GAP
    left = heading.copy()
    left.no_wrap = True
    if room <= 0:
        left = Text()
    elif left.cell_len > room:
        left.truncate(room, overflow="ellipsis")
    padding = max(width - left.cell_len - right.cell_len, 0)
    return Text.assemble(left, " " * padding, right, no_wrap=True, overflow="crop")


class Masthead(Widget):
    DEFAULT_CSS = """
    Masthead { width: 1fr; height: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self._heading = Text()
        self._count = ""

    @property
    def count(self) -> str:
        return self._count

    def show(self, heading: Text, count: str) -> None:
        self._heading, self._count = heading, count
        self.refresh()

    def render(self) -> Text:
        return masthead_line(self._heading, self._count, self.size.width)
