"""The gentle blame nudge: rules, as data, for text that points at a person.

The rules live in ``blame_rules.json`` beside this module. The phone's JavaScript loads the same file and
runs the same patterns while the participant types, so the nudge needs no round trip and never blocks
posting. This side uses them to warn, before an export, about items that still point at people.

The patterns stay in the subset of regular-expression syntax that Python ``re`` and JavaScript
``RegExp`` read the same way. Python compiles them with ``re.ASCII`` so that ``\\b``, ``\\w`` and case
folding follow JavaScript's (non-unicode) rules.
"""

import re
from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

RULES_FILE = "blame_rules.json"

# Constructs that one of the two engines lacks or reads differently.
_NOT_PORTABLE = (
    "(?P",
    "(?<",
    "(?i",
    "(?m",
    "(?s",
    "(?x",
    "\\A",
    "\\Z",
    "\\z",
    "\\p",
    "*+",
    "++",
    "?+",
    "}+",
    "$",
)


class BlameRule(BaseModel):
    """One pattern that suggests the text points at a person."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$", max_length=40)
    pattern: str = Field(min_length=1)
    flags: Literal["i", ""]
    why: str = Field(min_length=1, max_length=120)

    @field_validator("pattern")
    @classmethod
    def _portable_and_compiles(cls, value: str) -> str:
        for construct in _NOT_PORTABLE:
            if construct in value:
                raise ValueError(f"{construct!r} is not read the same way by Python and JavaScript")
        try:
            re.compile(value, re.ASCII)
        except re.error as exc:
            raise ValueError(f"does not compile: {exc}") from exc
        return value

    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.pattern, re.ASCII | (re.IGNORECASE if self.flags == "i" else 0))


class BlameRules(BaseModel):
    """The whole rules file, shared with the phone page."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1]
    suggestion: str = Field(min_length=1, max_length=200)
    rules: tuple[BlameRule, ...] = Field(min_length=1)

    @field_validator("rules")
    @classmethod
    def _unique_ids(cls, value: tuple[BlameRule, ...]) -> tuple[BlameRule, ...]:
        ids = [rule.id for rule in value]
        if len(ids) != len(set(ids)):
            raise ValueError("rule ids must be unique")
        return value


def parse_rules(raw: str | bytes) -> BlameRules:
    """Validate the text of a rules file."""
    return BlameRules.model_validate_json(raw)


@cache
def load_rules() -> BlameRules:
    """The rules shipped in the ``retro`` package."""
    return parse_rules(files("retro").joinpath(RULES_FILE).read_bytes())


@cache
def _compiled() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((rule.id, rule.compiled()) for rule in load_rules().rules)


def suggestion() -> str:
    """The kind sentence shown beside text that points at a person."""
    return load_rules().suggestion


def flags(text: str) -> list[str]:
    """The ids of the rules that match ``text``, in file order."""
    return [rule_id for rule_id, compiled in _compiled() if compiled.search(text)]


def points_at_person(text: str) -> bool:
    """Whether ``text`` seems to point at a person rather than at what the team can learn."""
    return any(compiled.search(text) for _, compiled in _compiled())


def unframed_items(texts: Iterable[str]) -> list[str]:
    """The texts that still point at a person, in their original order: the warning before an export, which
    never blocks it (the export is written all the same)."""
    return [text for text in texts if points_at_person(text)]
