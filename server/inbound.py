"""Reading one client frame: the message it holds, or the refusal that answers it. Nothing here raises."""

import json
import re
from dataclasses import dataclass

from pydantic import ValidationError

from server.protocol import CLIENT_ADAPTER, MAX_MESSAGE_BYTES, ClientMessage, RefusalCode

_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,64}")


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    message_id: str | None = None


def screen(raw: str | bytes, limit: int = MAX_MESSAGE_BYTES) -> str | Refusal:
    """The frame's text; or, before anything parses it, a refusal for a binary frame or oversized text."""
    if isinstance(raw, bytes):
        return Refusal(RefusalCode.MALFORMED, "Send JSON text, not binary frames.")
    if len(raw) > limit or len(raw.encode("utf-8", "surrogatepass")) > limit:
        return Refusal(RefusalCode.TOO_LARGE, f"Messages are limited to {limit} bytes.", claimed_id(raw))
    return raw


def parse(raw: str) -> ClientMessage | Refusal:
    try:
        return CLIENT_ADAPTER.validate_json(raw)
    except ValidationError as invalid:
        code, sentence = describe_invalid(invalid)
        return Refusal(code, sentence, claimed_id(raw))


def claimed_id(raw: str) -> str | None:
    """The id a refused message carried, when one can be read, so the client knows which one failed."""
    try:
        decoded = json.loads(raw)  # lenient on purpose: a lone surrogate elsewhere must not hide the id
    except (ValueError, RecursionError):  # deep nesting: the C scanner stops cleanly at the recursion limit
        return None
    candidate = decoded.get("id") if isinstance(decoded, dict) else None
    if isinstance(candidate, str) and _ID_PATTERN.fullmatch(candidate):
        return candidate
    return None


def _field_path(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """Drop the union tags pydantic puts in an error's location: ("command", "add_item", "text")."""
    path = loc[1:]
    if path[:1] == ("command",) and len(path) > 2:
        path = (path[0], *path[2:])
    return path


def describe_invalid(invalid: ValidationError) -> tuple[str, str]:
    """A code and one human sentence naming what was wrong with a message."""
    errors = invalid.errors(include_url=False, include_input=False)
    if not errors:
        return RefusalCode.INVALID, "That message is not valid."
    first = errors[0]
    kind, detail = first["type"], first["msg"]
    where = ".".join(str(part) for part in _field_path(first["loc"]))
    if kind == "json_invalid" and ("surrogate" in detail or "hex escape" in detail):
        return RefusalCode.INVALID, "The text has a broken character (half an emoji?); please retype it."
    if kind == "json_invalid" and "recursion limit" in detail:
        return RefusalCode.MALFORMED, "That message is nested too deeply."
    if kind == "json_invalid":
        return RefusalCode.MALFORMED, "That message is not valid JSON."
    if kind in {"union_tag_invalid", "union_tag_not_found"}:
        field = "command kind" if where.startswith("command") else "message type"
        expected = first.get("ctx", {}).get("expected_tags")
        known = f"; known ones are {expected}" if expected else ""
        return RefusalCode.UNKNOWN_TYPE, f"Missing or unknown {field}{known}."
    return RefusalCode.INVALID, f"{where or 'message'}: {detail}."
