"""What the end of a retro leaves of its log, computed from the log itself: the same rewrite the SQLite
engine does in SQL (retro.sqlite_store, retro.sqlite_erasure), done here in Python so that PostgreSQL needs
no JSON functions on text that may hold any character.

- every ballot event (check-in answers, votes, ROTI) goes, and so does everything about a withdrawn item;
- each item added loses its owner hash;
- every event of a rewritten item carries its final text only;
- the items added move up to where the first one was, in the order of their random ids.

Replay of the result gives the same state as replay of the log it came from."""

import json
from collections.abc import Sequence
from typing import Any

from retro.events import BALLOT_EVENT_TYPES

Body = dict[str, Any]


def erased_log(bodies: Sequence[str]) -> list[str]:
    """The event bodies (JSON, in log order) an ended retro keeps, in the order it keeps them."""
    events: list[Body] = [json.loads(body) for body in bodies]
    withdrawn = {event.get("item_id") for event in events if event["type"] == "item_withdrawn"}
    kept = [
        event
        for event in events
        if event["type"] not in BALLOT_EVENT_TYPES
        and ("item_id" not in event or event["item_id"] not in withdrawn)
    ]
    final_texts = {event["item_id"]: event["text"] for event in kept if event["type"] == "item_rewritten"}
    for event in kept:
        if event["type"] == "item_added":
            event["owner_hash"] = ""
        if event["type"] in ("item_added", "item_rewritten") and event.get("item_id") in final_texts:
            event["text"] = final_texts[event["item_id"]]
    return [
        json.dumps(event, ensure_ascii=False, separators=(",", ":")) for event in _writing_order_hidden(kept)
    ]


def _writing_order_hidden(events: list[Body]) -> list[Body]:
    is_added = [event["type"] == "item_added" for event in events]
    first = is_added.index(True) if True in is_added else len(events)
    added = sorted(
        (event for event in events if event["type"] == "item_added"), key=lambda e: str(e["item_id"])
    )
    later = [event for event in events[first:] if event["type"] != "item_added"]
    return events[:first] + added + later
