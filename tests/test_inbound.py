"""Reading one client frame: every bad message gets its documented refusal, and the connection carries on."""

import pytest

from server.app import RetroServer
from tests.support.boards import (
    NO_SUCH_ID,
    total,
)
from tests.support.client import Clients

BAD_MESSAGES: list[tuple[str, str | bytes, str, str]] = [
    ("not json", "{not json", "malformed", "JSON"),
    ("binary frame", b'{"type": "command"}', "malformed", "binary"),
    ("unknown type", '{"type": "shout", "id": "abcdefgh12"}', "unknown_type", "message type"),
    ("no type", '{"id": "abcdefgh12"}', "unknown_type", "message type"),
    (
        "unknown kind",
        '{"type": "command", "id": "abcdefgh12", "command": {"kind": "delete_everything"}}',
        "unknown_type",
        "command kind",
    ),
    (
        "missing text",
        '{"type": "command", "id": "abcdefgh12", "command": {"kind": "add_item", "prompt_id": "learning",'
        f' "owner_hash": "{"a" * 64}"}}}}',
        "invalid",
        "command.text: Field required",
    ),
    (
        "half an emoji",
        '{"type": "command", "id": "abcdefgh12", "command": {"kind": "add_item", "prompt_id": "learning",'
        f' "text": "hi \\ud83d", "owner_hash": "{"a" * 64}"}}}}',
        "invalid",
        "broken character",
    ),
    (
        "bad owner hash",
        '{"type": "command", "id": "abcdefgh12", "command": {"kind": "add_item", "prompt_id": "learning",'
        ' "text": "hi", "owner_hash": "not-a-hash"}}',
        "invalid",
        "owner_hash",
    ),
    (
        "short id",
        '{"type": "command", "id": "abc", "command": {"kind": "add_item", "prompt_id": "learning",'
        f' "text": "hi", "owner_hash": "{"a" * 64}"}}}}',
        "invalid",
        "id",
    ),
    (
        "extra field",
        '{"type": "command", "id": "abcdefgh12", "command": {"kind": "add_item", "prompt_id": "learning",'
        f' "text": "hi", "owner_hash": "{"a" * 64}", "author": "me"}}}}',
        "invalid",
        "author",
    ),
    (
        "text over 280 characters",
        '{"type": "command", "id": "abcdefgh12", "command": {"kind": "add_item", "prompt_id": "learning",'
        f' "text": "{"x" * 281}", "owner_hash": "{"a" * 64}"}}}}',
        "invalid",
        "text",
    ),
    (
        "an item-based vote",
        '{"type": "command", "id": "abcdefgh12",'
        f' "command": {{"kind": "cast_vote", "item_id": "{NO_SUCH_ID}"}}}}',
        "invalid",
        "topic_id",
    ),
    (
        "check-in answer out of range",
        '{"type": "command", "id": "abcdefgh12", "command": {"kind": "answer_check_in",'
        ' "question_id": "motivation", "value": 11}}',
        "invalid",
        "command.value",
    ),
    (
        "over 4 KiB",
        '{"type": "command", "id": "abcdefgh12", "command": {"kind": "add_item", "prompt_id": "learning",'
        f' "text": "{"x" * 5000}", "owner_hash": "{"a" * 64}"}}}}',
        "too_large",
        "4096",
    ),
]


@pytest.mark.parametrize(
    ("raw", "code", "named"), [case[1:] for case in BAD_MESSAGES], ids=[case[0] for case in BAD_MESSAGES]
)
async def test_a_bad_message_gets_an_error_and_the_connection_carries_on(
    clients: Clients, server: RetroServer, raw: str | bytes, code: str, named: str
) -> None:
    phone = await clients.join()
    await phone.websocket.send(raw)
    error = await phone.wait_for("error")
    assert error["code"] == code
    assert named in error["message"]
    readable_id = isinstance(raw, str) and '"id": "abcdefgh12"' in raw
    assert error["id"] == ("abcdefgh12" if readable_id else None)

    item_id = await phone.add_item("A good one after a bad one")
    board = await phone.wait_for("board", lambda m: total(m) > 0)
    assert board["board"]["counts"] == {"hard": 0, "learning": 1, "help": 0}
    assert list(server.session.state.items) == [item_id]
