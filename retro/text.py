"""Cleaning user text on the way in: no control characters, no terminal escapes, bounded length."""

import re
import unicodedata

MAX_ITEM_CHARS = 280
MAX_ACTION_CHARS = 200
MAX_OWNER_CHARS = 60
MAX_TITLE_CHARS = 80
MAX_NOTE_CHARS = 200
MAX_REASON_CHARS = 120

_ANSI_ESCAPE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


def clean_text(raw: str) -> str:
    """Strip terminal escapes and control characters, keep line breaks, trim whitespace."""
    without_escapes = _ANSI_ESCAPE.sub("", raw)
    kept = []
    for char in without_escapes:
        if char == "\n":
            kept.append(char)
        elif char == "\t":
            kept.append(" ")
        elif unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn"} and char not in "\u200d":
            continue
        else:
            kept.append(char)
    lines = [" ".join(line.split()) for line in "".join(kept).splitlines()]
    return "\n".join(line for line in lines if line).strip()
