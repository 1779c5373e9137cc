"""Where the lobby puts its QR code, so that the code, the URL and the phone count all fit the window.

Three arrangements, tried in this order for each code size (most robust size first):
STACKED puts the code between the title and the URL; SIDE puts it on the left with the words beside it
and the URL beneath both; NO_CODE leaves the code out and says what size the window would need.
The row counts here mirror the lobby's stylesheet (`app.tcss`, the `-stacked` and `-side` classes).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from textual.content import Content

FOOTER_ROWS = 1
SIDE_PADDING = 1
"""Columns of padding at each side of the lobby."""
SIDE_GAP = 2
"""Columns between the code and the words beside it."""
MIN_COLUMN = 24
"""The narrowest column of words beside the code."""


class Arrangement(Enum):
    STACKED = "stacked"
    SIDE = "side"
    NO_CODE = "no-code"


@dataclass(frozen=True)
class LobbyText:
    """What the lobby says around the code; rows depend on how each wraps."""

    lead: str
    lock_note: str | None
    url: str
    hint: str


@dataclass(frozen=True)
class Plan:
    arrangement: Arrangement
    size: int | None = None
    """Which of the code's sizes to draw; None without a code."""
    needed: tuple[int, int] | None = None
    """Without a code: columns and rows a window would need to show the smallest one."""
    side_rows: int | None = None
    """Side by side: the rows of the code and the URL beneath it, which the words are centred beside."""
    beside: int | None = None
    """Columns right of the code: notifications shown there cover neither the code nor the URL."""


def rows(text: str, width: int) -> int:
    return len(Content(text).wrap(max(width, 1)))


def _words_rows(text: LobbyText, width: int, *, gaps: int) -> int:
    """Title, lead, lock badge and note, phone count and hint at `width`, with `gaps` blank rows."""
    lock = 1 + rows(text.lock_note, width) if text.lock_note else 0
    return 1 + rows(text.lead, width) + lock + 1 + rows(text.hint, width) + gaps


def stacked_size(code: tuple[int, int], text: LobbyText, width: int) -> tuple[int, int]:
    """The window a stacked lobby needs, at least `width` wide: a padding row and a row above the code."""
    columns, code_rows = code
    width = max(width, columns + 2 * SIDE_PADDING)
    inner = width - 2 * SIDE_PADDING
    height = 1 + _words_rows(text, inner, gaps=1) + code_rows + rows(text.url, inner) + FOOTER_ROWS
    return width, height


def side_size(code: tuple[int, int], text: LobbyText, width: int) -> tuple[int, int]:
    """The window a side-by-side lobby needs, at least `width` wide: the words beside the code must
    not be taller than it."""
    columns, code_rows = code
    width = max(width, columns + SIDE_GAP + MIN_COLUMN + 2 * SIDE_PADDING)
    inner = width - 2 * SIDE_PADDING
    column = inner - columns - SIDE_GAP
    height = max(code_rows, _words_rows(text, column, gaps=2)) + rows(text.url, inner) + FOOTER_ROWS
    return width, height


def _fits(needed: tuple[int, int], window: tuple[int, int]) -> bool:
    return needed[0] <= window[0] and needed[1] <= window[1]


def plan(window: tuple[int, int], codes: Sequence[tuple[int, int]], text: LobbyText) -> Plan:
    """`codes` are the code's columns and rows in each size, most robust first."""
    width = window[0]
    for index, code in enumerate(codes):
        if _fits(stacked_size(code, text, width), window):
            return Plan(Arrangement.STACKED, index, beside=(width - code[0]) // 2 - SIDE_PADDING)
        if _fits(side_size(code, text, width), window):
            url_rows = rows(text.url, width - 2 * SIDE_PADDING)
            beside = width - code[0] - SIDE_GAP - 2 * SIDE_PADDING
            return Plan(Arrangement.SIDE, index, side_rows=code[1] + url_rows, beside=beside)
    if not codes:
        return Plan(Arrangement.NO_CODE)
    smallest = codes[-1]
    options = [stacked_size(smallest, text, width), side_size(smallest, text, width)]
    return Plan(Arrangement.NO_CODE, needed=min(options, key=lambda needed: _shortfall(needed, window)))


def _shortfall(needed: tuple[int, int], window: tuple[int, int]) -> tuple[int, int]:
    """How far the window is from `needed`; ties go to the smaller window."""
    return max(0, needed[0] - window[0]) + max(0, needed[1] - window[1]), needed[0] * needed[1]
