"""Rebuild a bitmap from a QR code drawn with half blocks, and decode it with zbarimg."""

import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from rich.cells import cell_len
from rich.color import Color
from rich.style import Style
from textual.strip import Strip

_TOP_BOTTOM = {" ": (False, False), "█": (True, True), "▀": (True, False), "▄": (False, True)}
_QR_GLYPHS = set("█▀▄")


def _drawable_prefix(line: str) -> str:
    """The start of a line up to its first character that is not a half block or a space: the words
    beside a code are left out."""
    for index, character in enumerate(line):
        if character not in _TOP_BOTTOM:
            return line[:index]
    return line


def qr_rows(screen_text: str) -> list[list[bool]]:
    """Module rows of the first code drawn with half blocks: its lines, without any words beside it."""
    block = [prefix for prefix in map(_drawable_prefix, screen_text.splitlines()) if _QR_GLYPHS & set(prefix)]
    if not block:
        return []
    left = min(len(line) - len(line.lstrip(" ")) for line in block)
    width = max(len(line.rstrip()) for line in block) - left
    rows: list[list[bool]] = []
    for line in block:
        cells = line[left : left + width].ljust(width)
        rows.append([_TOP_BOTTOM[c][0] for c in cells])
        rows.append([_TOP_BOTTOM[c][1] for c in cells])
    return rows


def to_pbm(rows: list[list[bool]], scale: int = 8, quiet: int = 4) -> bytes:
    width = len(rows[0]) + 2 * quiet
    padded = [[False] * width] * quiet + [[False] * quiet + row + [False] * quiet for row in rows]
    padded += [[False] * width] * quiet
    pixel_rows = []
    for row in padded:
        line = " ".join("1" if dark else "0" for dark in row for _ in range(scale))
        pixel_rows.extend([line] * scale)
    header = f"P1\n{width * scale} {len(padded) * scale}\n"
    return (header + "\n".join(pixel_rows) + "\n").encode()


def decode(screen_text: str) -> str:
    """Scan a code drawn as text: a quiet zone is added around the half blocks found."""
    rows = qr_rows(screen_text)
    return decode_rows(rows, quiet=4) if rows else ""


def _is_dark(color: Color | None, *, default: bool) -> bool:
    if color is None:
        return default
    red, green, blue = color.get_truecolor()
    return 0.299 * red + 0.587 * green + 0.114 * blue < 128


def _cell_halves(character: str, style: Style | None) -> tuple[bool, bool]:
    """Whether the top and bottom halves of one cell are dark; a letter counts as its background."""
    fg = _is_dark(style.color if style else None, default=False)
    bg = _is_dark(style.bgcolor if style else None, default=True)
    if style is not None and style.reverse:
        fg, bg = bg, fg
    return {"█": (fg, fg), "▀": (fg, bg), "▄": (bg, fg)}.get(character, (bg, bg))


def screen_rows(strips: Iterable[Strip]) -> list[list[bool]]:
    """Module rows of everything a terminal shows, by colour: what a phone's camera sees."""
    rows: list[list[bool]] = []
    for strip in strips:
        top: list[bool] = []
        bottom: list[bool] = []
        for segment in strip:
            for character in segment.text:
                upper, lower = _cell_halves(character, segment.style)
                for _ in range(cell_len(character)):
                    top.append(upper)
                    bottom.append(lower)
        rows += [top, bottom]
    return rows


def decode_rows(rows: list[list[bool]], quiet: int) -> str:
    with tempfile.TemporaryDirectory() as directory:
        image = Path(directory) / "qr.pbm"
        image.write_bytes(to_pbm(rows, quiet=quiet))
        result = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True)
    return result.stdout.strip()


def decode_screen(strips: Iterable[Strip]) -> str:
    """Scan the whole screen as drawn, in colour, adding no margin of our own: the code's quiet zone
    must be drawn, since the terminal around it is dark."""
    rows = screen_rows(strips)
    return decode_rows(rows, quiet=0) if rows else ""
