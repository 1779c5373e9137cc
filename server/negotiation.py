"""Reading two request headers a client may fill with anything: `Accept-Encoding` and `If-None-Match`.

Both only ever choose between answers the server has ready; a value they cannot read chooses the plainest
one (no content coding, no 304). Nothing here raises on any string.
"""

import re
from collections.abc import Sequence

IDENTITY = "identity"
ALIASES = {"x-gzip": "gzip"}
"""RFC 9110 §8.4.1.3: a recipient should treat x-gzip as gzip."""

_QUALITY = re.compile(r"q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)", re.IGNORECASE)
_ENTITY_TAG = re.compile(r'\s*(?:(?:W/)?("[\x21\x23-\x7e\x80-\xff]*"))?\s*(?:,|$)')
"""One element of an If-None-Match list, which may be empty (RFC 9110 §5.6.1)."""


def _qualities(accept_encoding: str) -> dict[str, float]:
    """Each named coding (and `*`) with its weight; an element with an unreadable weight is left out."""
    weights: dict[str, float] = {}
    for element in accept_encoding.split(","):
        coding, *parameters = (part.strip() for part in element.split(";"))
        if not coding:
            continue
        quality = 1.0
        for parameter in parameters:
            if parameter.lower().startswith("q"):
                match = _QUALITY.fullmatch(parameter.replace(" ", ""))
                quality = float(match.group(1)) if match else -1.0
        if quality >= 0:
            name = coding.lower()
            weights[ALIASES.get(name, name)] = quality
    return weights


def choose_encoding(accept_encoding: str | None, available: Sequence[str]) -> str:
    """The content coding to answer with: the best weighted of `available` (in the server's order of
    preference), or identity.

    A listed coding beats identity unless identity (or `*`) is weighted above it. No header means
    identity: any coding would be allowed, but a client that says nothing is served plainly.
    When the client refuses even identity, it still gets identity: a readable answer beats a 406.
    """
    if accept_encoding is None:
        return IDENTITY
    weights = _qualities(accept_encoding)
    wildcard = weights.get("*")
    best, best_weight = IDENTITY, 0.0
    for coding in available:
        weight = weights.get(coding, wildcard if wildcard is not None else 0.0)
        if weight > best_weight:
            best, best_weight = coding, weight
    if best != IDENTITY:
        identity_weight = weights.get(IDENTITY, wildcard if wildcard is not None else 0.0)
        return IDENTITY if identity_weight > best_weight else best
    return IDENTITY


def entity_tags(if_none_match: str) -> set[str] | None:
    """The opaque tags listed (quotes kept, weakness dropped, since If-None-Match compares weakly), or None
    for `*`. A list that does not parse names no tag at all, so it matches nothing."""
    if if_none_match.strip() == "*":
        return None
    tags: set[str] = set()
    position = 0
    while position < len(if_none_match):
        match = _ENTITY_TAG.match(if_none_match, position)
        if match is None or match.end() == position:
            return set()
        if match.group(1):
            tags.add(match.group(1))
        position = match.end()
    return tags


def still_fresh(if_none_match: Sequence[str], etag: str) -> bool:
    """Whether the client's copy is the one we would send: every If-None-Match line is read as one list."""
    opaque = etag.removeprefix("W/")
    for line in if_none_match:
        tags = entity_tags(line)
        if tags is None or opaque in tags:
            return True
    return False
