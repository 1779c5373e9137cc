"""Rebuild a bitmap from a QR code drawn with half blocks, and decode it with zbarimg."""

import subprocess
import tempfile
from pathlib import Path

_TOP_BOTTOM = {" ": (False, False), "█": (True, True), "▀": (True, False), "▄": (False, True)}
_QR_GLYPHS = set("█▀▄")


def qr_rows(screen_text: str) -> list[list[bool]]:
    """Module rows of the first block of lines made only of half blocks and spaces."""
    lines = screen_text.splitlines()
    block = [
        line
        for line in lines
        if line.strip() and set(line.strip()) <= set(_TOP_BOTTOM) and _QR_GLYPHS & set(line)
    ]
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
    rows = qr_rows(screen_text)
    if not rows:
        return ""
    with tempfile.TemporaryDirectory() as directory:
        image = Path(directory) / "qr.pbm"
        image.write_bytes(to_pbm(rows))
        result = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True)
    return result.stdout.strip()
