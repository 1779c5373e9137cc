"""A QR code drawn with half-block characters, always dark modules on a light ground."""

import qrcode
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

_INK = Style(color="#000000", bgcolor="#ffffff")
_QUIET_ZONE = 4


def qr_matrix(data: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=_QUIET_ZONE)
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


class QrCode(Widget):
    DEFAULT_CSS = """
    QrCode { width: auto; height: auto; }
    """

    def __init__(self, data: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[str] = []
        self.data = data

    @property
    def lines(self) -> list[str]:
        return list(self._lines)

    @property
    def data(self) -> str:
        return self._data

    @data.setter
    def data(self, value: str) -> None:
        self._data = value
        self._lines = half_block_lines(qr_matrix(value)) if value else []
        self.refresh(layout=True)

    def get_content_width(self, container: object, viewport: object) -> int:
        return len(self._lines[0]) if self._lines else 0

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return len(self._lines)

    def render_line(self, y: int) -> Strip:
        if y >= len(self._lines):
            return Strip.blank(self.size.width)
        return Strip([Segment(self._lines[y], _INK)])
