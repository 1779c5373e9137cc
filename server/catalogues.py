"""The phone's message catalogues (server/static/locales/<code>.json), as the server reads them: for the
language switcher it lists in the page, and for the few pages it writes itself in the phone's language.

Each catalogue is a flat object of messages by id, with `_meta` (locale, name in its own language, dir,
drafted_by, reviewed_by_native_speaker). docs/translating.md describes them.
"""

import html
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

SOURCE = "en"
"""The language every catalogue is translated from, and the one a phone gets when nothing else matches."""

_LANGUAGE_RANGE = re.compile(
    r"^\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([01](?:\.\d{0,3})?))?\s*$"
)
_ALIASES = {"tl": "fil"}


@dataclass(frozen=True)
class Catalogue:
    code: str
    name: str
    """The language's name in itself."""
    direction: str
    messages: dict[str, object]

    def text(self, key: str) -> str:
        """A plain message; English where this catalogue lacks it."""
        value = self.messages.get(key)
        if isinstance(value, str):
            return value
        fallback = catalogues()[SOURCE].messages.get(key) if self.code != SOURCE else None
        return fallback if isinstance(fallback, str) else key


@cache
def catalogues() -> dict[str, Catalogue]:
    """Every shipped catalogue by its code, English first, then by code."""
    folder = files("server").joinpath("static").joinpath("locales")
    found: dict[str, Catalogue] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: (e.name != f"{SOURCE}.json", e.name)):
        if not entry.name.endswith(".json"):
            continue
        data = json.loads(entry.read_text(encoding="utf-8"))
        meta = data["_meta"]
        code = entry.name.removesuffix(".json")
        found[code] = Catalogue(code, meta["name"], "rtl" if meta["dir"] == "rtl" else "ltr", data)
    return found


def compact(code: str) -> bytes:
    """A catalogue as the phone fetches it: the same JSON, without the spaces."""
    return json.dumps(catalogues()[code].messages, ensure_ascii=False, separators=(",", ":")).encode()


def language_options() -> str:
    """The switcher's options: each language named in itself, marked with its own language and direction."""
    return "".join(
        f'<option value="{c.code}" lang="{c.code}" dir="{c.direction}">{html.escape(c.name)}</option>'
        for c in catalogues().values()
    )


def negotiate(accept_language: str | None) -> str:
    """The catalogue for an `Accept-Language` header: the best weighted language we have, else English.
    A range we cannot read is skipped; nothing here raises on any string."""
    if not accept_language:
        return SOURCE
    available = catalogues()
    best, best_weight = SOURCE, 0.0
    for element in accept_language.split(",")[:50]:
        match = _LANGUAGE_RANGE.match(element)
        if not match:
            continue
        weight = float(match.group(2)) if match.group(2) else 1.0
        tag = match.group(1).lower()
        for candidate in (tag, _ALIASES.get(tag), tag.split("-")[0], _ALIASES.get(tag.split("-")[0])):
            if candidate in available and weight > best_weight:
                best, best_weight = candidate, weight
                break
    return best
