"""No client input can crash a handler, over a real loopback port: hostile and malformed frames each get one
documented error or the standard close, and nothing a client sends may print a traceback."""

import asyncio
import json
import secrets
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect

from retro.secrets import owner_hash
from retro.sqlite_store import SqliteStore
from server.app import RetroServer
from server.protocol import ERROR_CODES
from tests.support.client import Client
from tests.support.doors import (
    TIMEOUT,
    LogWatch,
    assert_valid_reply,
    closed_with,
    hello,
)

NESTED = {
    "1,000 nested arrays": "[" * 1000 + "]" * 1000,
    "1,500 nested lists in a command": '{"type": "command", "id": "abcdefgh12", "command": '
    + "[" * 1500
    + "]" * 1500
    + "}",
    "1,000 nested objects (7 KB)": '{"a": ' * 1000 + "1" + "}" * 1000,
    "30,000 nested arrays (60 KB)": "[" * 30_000 + "]" * 30_000,
}


@pytest.mark.parametrize("frame", NESTED.values(), ids=NESTED.keys())
async def test_deeply_nested_json_gets_an_error_and_the_phone_carries_on(
    server: RetroServer, logs: LogWatch, frame: str
) -> None:
    phone = await Client.join(server.websocket_url)
    await phone.websocket.send(frame)
    error = await phone.wait_for("error")
    assert error["code"] in {"malformed", "too_large"}
    await phone.add_item("Still here after the nesting")
    assert phone.websocket.close_code is None
    await phone.close()
    logs.assert_quiet()


OWNER = owner_hash("a-per-item-secret-for-tests")
MALFORMED = {
    "binary frame": b"\x00\xff\xfe",
    "binary JSON": b'{"type": "hello"}',
    "empty text": "",
    "not JSON": "hello there",
    "JSON null": "null",
    "a JSON list": "[]",
    "a JSON string": '"command"',
    "type of the wrong type": '{"type": 7, "id": "abcdefgh12"}',
    "id as an object": '{"type": "command", "id": {"a": 1}, "command": {"kind": "extend_timer"}}',
    "NaN for a number": '{"type": "command", "id": "abcdefgh12", "command": {"kind": "answer_check_in",'
    ' "question_id": "motivation", "value": NaN}}',
    "Infinity for a number": '{"type": "command", "id": "abcdefgh12", "command": {"kind": "answer_roti",'
    ' "value": Infinity}}',
    "a 400-digit number": '{"type": "command", "id": "abcdefgh12", "command": {"kind": "answer_roti",'
    f' "value": {"9" * 400}}}}}',
    "true for a number": '{"type": "command", "id": "abcdefgh12", "command": {"kind": "answer_roti",'
    ' "value": true}}',
    "duplicate keys": '{"type": "command", "type": "hello", "id": "abcdefgh12", "protocol": 1}',
    "a lone surrogate": '{"type": "command", "id": "abcdefgh12", "command": {"kind": "add_item",'
    f' "prompt_id": "learning", "text": "\\ud83d", "owner_hash": "{OWNER}"}}}}',
    "only control characters": '{"type": "command", "id": "abcdefgh12", "command": {"kind": "add_item",'
    f' "prompt_id": "learning", "text": "\\u001b[2J\\u0007\\u0085", "owner_hash": "{OWNER}"}}}}',
    "a facilitator command": '{"type": "command", "id": "abcdefgh12",'
    ' "command": {"kind": "rotate_join_token"}}',
    "a command nested in a command": '{"type": "command", "id": "abcdefgh12", "command": {"kind": "command",'
    ' "command": {"kind": "extend_timer"}}}',
    "a 10 KB prompt id": '{"type": "command", "id": "abcdefgh12", "command": {"kind": "add_item",'
    f' "prompt_id": "{"p" * 10_000}", "text": "hi", "owner_hash": "{OWNER}"}}}}',
}


@pytest.mark.parametrize("frame", MALFORMED.values(), ids=MALFORMED.keys())
async def test_every_malformed_frame_gets_one_documented_error_and_the_connection_stays(
    server: RetroServer, logs: LogWatch, frame: str | bytes
) -> None:
    phone = await Client.join(server.websocket_url)
    await phone.websocket.send(frame)
    sentinel = Client.new_id()
    await phone.send({"type": "hello", "id": sentinel, "protocol": 1, "secret": "s" * 24})
    replies: list[dict[str, Any]] = []
    async with asyncio.timeout(TIMEOUT):
        while not replies or replies[-1].get("id") != sentinel:
            message = assert_valid_reply(await phone.websocket.recv())
            if message["type"] in {"ack", "error"}:
                replies.append(message)
    refusal, second_hello = replies
    assert refusal["type"] == "error", refusal
    assert second_hello["code"] == "already_joined"
    assert phone.websocket.close_code is None
    assert server.session.state.items == {}
    await phone.close()
    logs.assert_quiet()


async def test_text_that_is_not_utf8_closes_with_1007_as_the_websocket_standard_requires(
    server: RetroServer, logs: LogWatch
) -> None:
    phone = await Client.join(server.websocket_url)
    await phone.websocket.send(b'{"type": "\xff"}', text=True)
    assert await closed_with(phone.websocket) == 1007
    again = await Client.join(server.websocket_url)
    await again.add_item("The room is still open")
    await again.close()
    logs.assert_quiet()


async def test_a_frame_over_64_kib_closes_with_1009(server: RetroServer, logs: LogWatch) -> None:
    phone = await Client.join(server.websocket_url)
    await phone.websocket.send("x" * (65 * 1024))
    assert await closed_with(phone.websocket) == 1009
    logs.assert_quiet()


async def test_an_unexpected_failure_is_an_internal_error_in_one_line_and_the_connection_stays(
    server: RetroServer, store: SqliteStore, logs: LogWatch
) -> None:
    known_secret = secrets.token_urlsafe(24)
    await (await Client.join(server.websocket_url, secret=known_secret)).close()
    phone = await Client.join(server.websocket_url)
    store.close()  # the database goes away under a running retro

    message_id = Client.new_id()
    private_text = "Words that must never reach a log"
    command = {"kind": "add_item", "prompt_id": "learning", "text": private_text, "owner_hash": OWNER}
    await phone.send({"type": "command", "id": message_id, "command": command})
    error = await phone.wait_for("error")
    assert (error["code"], error["id"]) == ("internal", message_id)
    assert phone.websocket.close_code is None

    # A new phone must be remembered on disk, so its hello fails too; the connection stays for another.
    newcomer = await connect(server.websocket_url)
    await newcomer.send(hello())
    async with asyncio.timeout(TIMEOUT):
        assert json.loads(await newcomer.recv())["code"] == "internal"
    await newcomer.send(hello(known_secret))
    async with asyncio.timeout(TIMEOUT):
        assert json.loads(await newcomer.recv())["type"] == "welcome"
    await newcomer.close()
    await phone.close()

    assert logs.server_warnings() == [
        "Answered a message with 'internal' after an unexpected ProgrammingError.",
        "Answered a hello with 'internal' after an unexpected ProgrammingError.",
    ]
    assert private_text not in logs.caplog.text
    logs.assert_quiet(expected_warnings=2)


def test_every_error_code_the_server_can_send_is_documented() -> None:
    protocol = (Path(__file__).parents[1] / "docs" / "protocol.md").read_text(encoding="utf-8")
    codes = protocol[protocol.index("### Error codes") :]
    assert [code for code in sorted(ERROR_CODES) if f"`{code}`" not in codes] == []
    for close_code in (1007, 1008, 1009, 1013):
        assert f"| {close_code} (" in codes
