"""A QR code drawn with half-block characters, always dark modules on a light ground.

The same link can be drawn in a few sizes: the lobby picks the most robust one that fits the window. Each
size's measurements come cheaply from the code's version; a size is drawn only when it is shown.
"""

from dataclasses import dataclass

import qrcode
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

_INK = Style(color="#000000", bgcolor="#ffffff")
QUIET_ZONE = 4
"""The light margin the QR standard asks for, in modules."""


@dataclass(frozen=True)
class QrSize:
    """How a code is made: its error correction and the light margin drawn around it."""

    error_correction: int
    quiet_zone: int


SIZES = (
    QrSize(qrcode.constants.ERROR_CORRECT_M, QUIET_ZONE),
    QrSize(qrcode.constants.ERROR_CORRECT_L, QUIET_ZONE),
    QrSize(qrcode.constants.ERROR_CORRECT_L, 2),
)
"""Most robust first. Level L still recovers 7% damage, plenty on a screen; a two-module margin is the
last resort, still read by phone cameras and zbar."""


def qr_matrix(data: str, size: QrSize = SIZES[0]) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=size.error_correction, border=size.quiet_zone)
    code.add_data(data)
    code.make(fit=True)
    matrix: list[list[bool]] = code.get_matrix()
    return matrix


def half_block_lines(matrix: list[list[bool]]) -> list[str]:
    """Two module rows per text line: the upper half block's foreground is the top module."""
    rows = [*matrix, [False] * len(matrix[0])] if len(matrix) % 2 else matrix
    glyphs = {(False, False): " ", (True, True): "█", (True, False): "▀", (False, True): "▄"}
    return [
        "".join(glyphs[top, bottom] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(rows[::2], rows[1::2], strict=True)
    ]


def drawings(data: str) -> list[list[str]]:
    """The code for `data` in each of SIZES, as text lines; none for no data."""
    return [half_block_lines(qr_matrix(data, size)) for size in SIZES] if data else []


def drawn_dimensions(data: str, size: QrSize) -> tuple[int, int]:
    """Columns and text lines of the code for `data` in `size`, without making it: the version the data
    needs fixes its modules (4 per version, plus 17), and the quiet zone goes round them."""
    code = qrcode.QRCode(error_correction=size.error_correction, border=size.quiet_zone)
    code.add_data(data)
    code.best_fit()
    modules = code.version * 4 + 17 + 2 * size.quiet_zone
    return modules, (modules + 1) // 2


class QrCode(Widget):
    DEFAULT_CSS = """
    QrCode { width: auto; height: auto; }
    """

    def __init__(self, data: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._dimensions: list[tuple[int, int]] = []
        self._drawings: dict[int, list[str]] = {}
        """The sizes drawn so far, by index in SIZES."""
        self._size_index = 0
        self.data = data

    @property
    def lines(self) -> list[str]:
        """The code as drawn now."""
        return list(self._drawn)

    @property
    def _drawn(self) -> list[str]:
        if not self._data:
            return []
        if self._size_index not in self._drawings:
            matrix = qr_matrix(self._data, SIZES[self._size_index])
            self._drawings[self._size_index] = half_block_lines(matrix)
        return self._drawings[self._size_index]

    @property
    def dimensions(self) -> list[tuple[int, int]]:
        """Columns and rows of the code in each of SIZES, most robust first."""
        return list(self._dimensions)

    @property
    def data(self) -> str:
        return self._data

    @data.setter
    def data(self, value: str) -> None:
        self._data = value
        self._dimensions = [drawn_dimensions(value, size) for size in SIZES] if value else []
        self._drawings = {}
        self._size_index = 0
        self.refresh(layout=True)

    def draw_size(self, index: int) -> None:
        """Draw the code in SIZES[index]."""
        if index != self._size_index:
            self._size_index = index
            self.refresh(layout=True)

    def get_content_width(self, container: object, viewport: object) -> int:
        lines = self._drawn
        return len(lines[0]) if lines else 0

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return len(self._drawn)

    def render_line(self, y: int) -> Strip:
        lines = self._drawn
        if y >= len(lines):
            return Strip.blank(self.size.width)
        return Strip([Segment(lines[y], _INK)])
