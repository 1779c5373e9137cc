"""Emoji sequences that terminals draw at different widths, shown as parts every terminal agrees on.

A skin-tone modifier (👍🏽) or a sequence joined by zero-width joiners (👩🏾‍⚕️) is one glyph two cells
wide to Rich and to some terminals, and two or more glyphs to others (tmux and most Linux terminals
give the modifier its own two cells). A row holding one then ends early or late, and the borders
after it no longer line up. So the TUI shows such an emoji without its modifier, and each part of a
joined sequence on its own: 👍 and 👩⚕. Phones and exports keep the text exactly as written.
"""

import unicodedata

_SKIN_TONES = range(0x1F3FB, 0x1F400)
_TAGS = range(0xE0020, 0xE0080)
"""The invisible letters of subdivision flags (🏴 + tags): a plain 🏴 is left."""
_EMOJI_STYLE = "\ufe0f"
"""Variation selector 16 widens some one-cell symbols (❤️) in some terminals and not in others."""
_JOINER = "\u200d"


def _dropped(character: str) -> bool:
    code = ord(character)
    return code in _SKIN_TONES or code in _TAGS or character == _EMOJI_STYLE


def plain_emoji(text: str) -> str:
    """`text` with skin tones, emoji style selectors and tags dropped, and joiners between emoji.

    A joiner after a letter stays: scripts such as Malayalam and Sinhala use it inside words."""
    if text.isascii():
        return text
    kept: list[str] = []
    for character in text:
        if _dropped(character):
            continue
        if character == _JOINER and kept and unicodedata.category(kept[-1]) == "So":
            continue
        kept.append(character)
    return "".join(kept)
