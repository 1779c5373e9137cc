"""The patchable form of a phone's board: what merge patches (server.merge_patch) apply to.

It is the `board` message without its `type`, `version` and `server_time`, with two changes that keep
patches small and exact:
- the lists whose entries have an id (topics, notes, actions) become `{"order": [ids], "by_id": {id:
  entry}}`, so that renaming a topic patches that topic's title alone instead of replacing every topic;
- object members that are null are left out, since a null in a merge patch removes a member.

Phones rebuild the board message from it (`board_message` here; `fromDocument` in the page's patches.js).
"""

from typing import Any

from server.merge_patch import Json

KEYED_LISTS: dict[str, str] = {"topics": "topic_id", "notes": "note_id", "actions": "action_id"}
"""Board lists kept by id in the document, with the id each entry is kept under."""


def document(message: dict[str, Json]) -> dict[str, Json]:
    """The document of a board message's body: `board`, `join_path`, `notice_nonce`, `held_notices`."""
    board = dict(message["board"])
    for name, key in KEYED_LISTS.items():
        entries = board[name]
        board[name] = {
            "order": [entry[key] for entry in entries],
            "by_id": {entry[key]: entry for entry in entries},
        }
    shown = {name: value for name, value in message.items() if name not in {"type", "version", "server_time"}}
    dropped: dict[str, Json] = _without_nulls({**shown, "board": board})
    return dropped


def board_message(doc: dict[str, Json]) -> dict[str, Json]:
    """The board message body a document stands for, lists back in order; absent members stay absent."""
    board = dict(doc["board"])
    for name in KEYED_LISTS:
        keyed = board.get(name, {})
        board[name] = [keyed["by_id"][entry_id] for entry_id in keyed.get("order", [])]
    return {**doc, "board": board}


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {name: _without_nulls(member) for name, member in value.items() if member is not None}
    if isinstance(value, list):
        return [_without_nulls(entry) for entry in value]
    return value
