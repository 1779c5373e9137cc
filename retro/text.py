"""Cleaning text on the way in, from every source: phones, options, template files, imports, old databases.

Text is only ever text: no terminal escapes, no control or invisible formatting characters (bidi
overrides included), and in one-line fields no line breaks. Emoji joiners and right-to-left scripts stay.
Models take `CleanText` or `CleanLine` fields (or `CLEANED`, `CLEANED_LINE` after a length limit), so
validation from any source cleans.
"""

import re
import unicodedata
from typing import Annotated

from pydantic import BeforeValidator

MAX_ITEM_CHARS = 280
MAX_ACTION_CHARS = 200
MAX_OWNER_CHARS = 60
MAX_TITLE_CHARS = 80
MAX_NOTE_CHARS = 200
MAX_REASON_CHARS = 120

_TERMINAL_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, screen clears
    # OSC, DCS, SOS, PM, APC strings (window titles, hyperlinks…), ended by BEL or ST
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]*[0-~]"  # the two- and three-character escapes
)
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_EMOJI_TAG_SEQUENCE = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")
"""Subdivision flags (England, Scotland, Wales): the only legitimate use of the invisible tag characters."""
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co"}
"""Controls, invisible formatting, surrogates and private use. Unassigned code points stay: to this Python's
Unicode tables, emoji newer than they are (🩷, 🫎) are unassigned, and a phone's newer tables draw them."""
_KEPT_FORMAT_CHARACTERS = {"\u200c", "\u200d"}
"""Zero-width non-joiner (Persian and other scripts) and zero-width joiner (emoji sequences)."""


def clean_text(raw: str, *, one_line: bool = False) -> str:
    """Strip terminal escapes and control characters, fold whitespace, trim; keep line breaks as
    `\\n` unless `one_line`, which turns them into spaces."""
    unbroken = _LINE_BREAKS.sub("\n", _TERMINAL_ESCAPES.sub("", raw))
    visible = _drop_invisible(unbroken.replace("\t", " "))
    lines = [" ".join(line.split()) for line in visible.split("\n")]
    return (" " if one_line else "\n").join(line for line in lines if line)


def clean_line(raw: str) -> str:
    return clean_text(raw, one_line=True)


def _drop_invisible(text: str) -> str:
    kept: list[str] = []
    start = 0
    for flag in _EMOJI_TAG_SEQUENCE.finditer(text):
        kept += [_visible(text[start : flag.start()]), flag.group()]
        start = flag.end()
    kept.append(_visible(text[start:]))
    return "".join(kept)


def _is_noncharacter(char: str) -> bool:
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def _visible(text: str) -> str:
    return "".join(
        char
        for char in text
        if char == "\n"
        or char in _KEPT_FORMAT_CHARACTERS
        or (unicodedata.category(char) not in _DROPPED_CATEGORIES and not _is_noncharacter(char))
    )


def _cleaned_text(value: object) -> object:
    return clean_text(value) if isinstance(value, str) else value


def _cleaned_line(value: object) -> object:
    return clean_line(value) if isinstance(value, str) else value


CLEANED = BeforeValidator(_cleaned_text)
CLEANED_LINE = BeforeValidator(_cleaned_line)
"""Put after any length constraint, `Annotated[str, Field(max_length=…), CLEANED_LINE]`, so that the
limits apply to the cleaned text and their errors read "String should have at most … characters"."""
CleanText = Annotated[str, CLEANED]
"""User text that may span lines."""
CleanLine = Annotated[str, CLEANED_LINE]
"""A title, a name, a label: on one line."""
