"""Why the facilitator held an item: one of the preset reasons, by code, or the facilitator's own words.

A preset travels as its code, so that the author's phone words it in the phone's own language (catalogue key
`hold.reason.<code>`, server/static/locales). The English here is what the facilitator reads, in the TUI.
The facilitator's own words travel, and show, as written.

Words that are a preset's English are that preset, wherever they come from: a command worded the older way,
or an event an older retro stored before holds carried codes.
"""

from enum import StrEnum
from types import MappingProxyType
from typing import Final

from retro.text import clean_line


class HoldReasonCode(StrEnum):
    NAMES_A_PERSON = "names_a_person"
    COULD_IDENTIFY = "could_identify"
    NOT_KIND = "not_kind"
    OFF_TOPIC = "off_topic"


PRESET_ENGLISH: Final = MappingProxyType(
    {
        HoldReasonCode.NAMES_A_PERSON: "Names or points at a person",
        HoldReasonCode.COULD_IDENTIFY: "Could identify someone",
        HoldReasonCode.NOT_KIND: "Not kind — could you reframe it?",
        HoldReasonCode.OFF_TOPIC: "Off topic",
    }
)
"""Worded for the author, who alone is told: what to change, without blame.
The TUI lists them in this order."""

_PRESET_OF_ENGLISH: Final = MappingProxyType({english: code for code, english in PRESET_ENGLISH.items()})

PRESET_MARK: Final = "\x01"
"""What the author's phone is sealed for a preset: this mark, then the code. A reason can never hold a control
character (retro.text), so the phone tells a preset from the facilitator's own words without any doubt."""


def preset_of(words: str) -> HoldReasonCode | None:
    """The preset these words are the English of, if any."""
    return _PRESET_OF_ENGLISH.get(clean_line(words))


def words_of(code: HoldReasonCode | None, own_words: str | None) -> str:
    """The reason as the facilitator reads it: a preset's English, or their own words."""
    return PRESET_ENGLISH[code] if code is not None else own_words or ""


def check_one_reason(code: HoldReasonCode | None, own_words: str | None) -> None:
    if (code is None) == (own_words is None):
        presets = ", ".join(HoldReasonCode)
        raise ValueError(f"give one of reason_code (a preset: {presets}) or reason (your own words)")


def read_preset_words(data: object) -> object:
    """Before a hold is validated: a `reason` that is a preset's English becomes its `reason_code`."""
    if not isinstance(data, dict) or data.get("reason_code") is not None:
        return data
    own_words = data.get("reason")
    code = preset_of(own_words) if isinstance(own_words, str) else None
    if code is None:
        return data
    return {**{key: value for key, value in data.items() if key != "reason"}, "reason_code": code}


def for_author(words: str) -> str:
    """What the author's phone alone may open: a preset's mark and code, never its English; else the
    facilitator's own words, as written."""
    code = preset_of(words)
    return words if code is None else PRESET_MARK + code
