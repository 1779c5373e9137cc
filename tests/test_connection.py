"""One websocket connection: the hello, who it admits, and exactly one reply per message, applied once."""

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed

from retro.events import ItemAdded
from retro.secrets import owner_hash
from retro.sqlite_store import SqliteStore
from server.app import RetroServer
from tests.support.boards import (
    FLOW,
    NO_SUCH_ID,
    command_json,
    is_reply,
    total,
)
from tests.support.client import TIMEOUT, Client, Clients, new_secret


async def test_a_phone_gets_welcome_then_the_board_then_its_dots(clients: Clients) -> None:
    phone = await clients.join()
    board = await phone.recv()
    assert board["type"] == "board"
    assert set(board) == {"type", "board", "server_time", "join_path", "notice_nonce", "held_notices"}
    assert len(board["held_notices"]) == 8, "decoys: the list never says whether anything is held"
    server_time = datetime.fromisoformat(board["server_time"])
    assert abs(server_time - datetime.now(UTC)) < timedelta(seconds=5)
    view = board["board"]
    assert view["title"] == "Sprint 42"
    assert view["team"] == "Ward 7"
    assert view["template_title"] == "Compassionate"
    assert (view["phase"], view["phase_label"]) == ("write", "Write")
    assert view["instruction"]
    assert [step["phase"] for step in view["steps"]] == FLOW
    assert view["review"] == []
    assert [q["question_id"] for q in view["questions"]] == ["motivation", "supported"]
    assert [(s["question_id"], s["answered"], s["shown"], s["mean"]) for s in view["check_in"]] == [
        ("motivation", 0, False, None),
        ("supported", 0, False, None),
    ]
    assert [prompt["prompt_id"] for prompt in view["prompts"]] == ["hard", "learning", "help"]
    assert view["counts"] == {"hard": 0, "learning": 0, "help": 0}
    assert view["revealed"] is False
    assert view["topics"] == []
    assert view["voting_closed"] is False
    assert (view["votes_per_person"], view["max_votes_per_topic"], view["min_responses"]) == (3, 3, 3)
    assert view["discussion"] is None
    assert (view["discussed"], view["notes"], view["actions"]) == ([], [], [])
    assert view["roti"] is None
    assert view["closing_questions"] == []
    private = await phone.recv()
    assert private == {
        "type": "private",
        "private": {"dots_left": 3, "my_votes": {}, "my_check_in": {}, "my_roti": None},
    }


async def test_a_command_before_hello_is_refused_and_closed(clients: Clients) -> None:
    client = await clients.connect()
    message_id = await client.send_command("cast_vote", topic_id=NO_SUCH_ID)
    async with asyncio.timeout(TIMEOUT):
        error = await client.recv()
    assert error["type"] == "error"
    assert error["code"] == "hello_first"
    assert error["id"] == message_id
    with pytest.raises(ConnectionClosed):
        async with asyncio.timeout(TIMEOUT):
            await client.recv()
    assert client.websocket.close_code == 1008


async def test_a_hello_with_another_protocol_is_refused_and_closed(clients: Clients) -> None:
    client = await clients.connect()
    await client.send({"type": "hello", "id": Client.new_id(), "protocol": 2, "secret": new_secret()})
    async with asyncio.timeout(TIMEOUT):
        error = await client.recv()
    assert error["type"] == "error"
    assert error["code"] == "protocol"
    with pytest.raises(ConnectionClosed):
        async with asyncio.timeout(TIMEOUT):
            await client.recv()


async def test_a_second_hello_is_refused_but_the_connection_stays(clients: Clients) -> None:
    phone = await clients.join()
    hello_id = Client.new_id()
    await phone.send({"type": "hello", "id": hello_id, "protocol": 1, "secret": new_secret()})
    error = await phone.reply(hello_id)
    assert error["code"] == "already_joined"
    await phone.add_item("Still here")


async def test_a_wrong_facilitator_key_is_refused_and_closed(clients: Clients) -> None:
    client = await clients.connect()
    hello_id = Client.new_id()
    await client.send({"type": "hello", "id": hello_id, "protocol": 1, "key": "not-the-key"})
    async with asyncio.timeout(TIMEOUT):
        error = await client.recv()
    assert error["type"] == "error"
    assert error["code"] == "forbidden"
    assert error["id"] == hello_id
    with pytest.raises(ConnectionClosed):
        async with asyncio.timeout(TIMEOUT):
            await client.recv()
    assert client.websocket.close_code == 1008
    assert [json.loads(raw)["type"] for raw in client.received] == ["error"]


async def test_an_ack_comes_only_once_the_item_is_on_disk(
    clients: Clients, server: RetroServer, db_path: Path
) -> None:
    phone = await clients.join()
    item_secret = new_secret()
    message_id = await phone.send_command(
        "add_item", prompt_id="learning", text="We found the runbook late", owner_hash=owner_hash(item_secret)
    )
    ack = await phone.reply(message_id)
    assert ack == {"type": "ack", "id": message_id, "duplicate": False, "item_id": ack["item_id"]}
    reopened = SqliteStore(db_path)
    try:
        added = [e for e in reopened.events(server.session.record.retro_id) if isinstance(e, ItemAdded)]
        assert reopened.was_applied(server.session.record.retro_id, message_id)
    finally:
        reopened.close()
    assert len(added) == 1
    assert added[0].item_id == ack["item_id"]
    assert added[0].text == "We found the runbook late"
    assert added[0].owner_hash == owner_hash(item_secret)


async def test_every_message_gets_exactly_one_reply_in_order(clients: Clients) -> None:
    """The phone matches an error without an id to its oldest unanswered message, so order matters."""
    phone = await clients.join()
    ids = [Client.new_id() for _ in range(8)]
    good = {"kind": "add_item", "prompt_id": "hard", "text": "First", "owner_hash": owner_hash(new_secret())}
    missing_text = {"kind": "add_item", "prompt_id": "hard", "owner_hash": owner_hash(new_secret())}
    huge = {**good, "text": "x" * 5000}
    second = {**good, "text": "Second", "owner_hash": owner_hash(new_secret())}
    vote = {"kind": "cast_vote", "topic_id": "0" * 16}
    hello = {"type": "hello", "id": ids[5], "protocol": 1, "secret": new_secret()}
    outgoing: list[tuple[str | bytes, str, str | None]] = [
        (command_json(ids[0], good), "ack", ids[0]),
        ("{not json", "malformed", None),
        (b"\x00binary", "malformed", None),
        (json.dumps({"type": "shout", "id": ids[1]}), "unknown_type", ids[1]),
        (command_json(ids[2], vote), "wrong_phase", ids[2]),
        (command_json(ids[3], huge), "too_large", ids[3]),
        (command_json(ids[4], missing_text), "invalid", ids[4]),
        (command_json(ids[0], good), "ack", ids[0]),
        (json.dumps(hello), "already_joined", ids[5]),
        (command_json(ids[6], second), "ack", ids[6]),
    ]
    for raw, _, _ in outgoing:
        await phone.websocket.send(raw)
    replies = [await phone.receive_matching(is_reply, "reply") for _ in outgoing]
    for (_, expected, message_id), reply in zip(outgoing, replies, strict=True):
        assert (reply["code"] if reply["type"] == "error" else "ack") == expected, reply
        if reply["type"] == "ack" or expected in {"wrong_phase", "already_joined"}:
            assert reply["id"] == message_id
        else:
            assert reply["id"] in {None, message_id}
    assert [r["duplicate"] for r in replies if r["type"] == "ack"] == [False, True, False]
    assert [m for m in await phone.drain() if is_reply(m)] == []


async def test_the_same_message_twice_is_applied_once(clients: Clients, server: RetroServer) -> None:
    phone = await clients.join()
    message_id = Client.new_id()
    raw = json.dumps(
        {
            "type": "command",
            "id": message_id,
            "command": {
                "kind": "add_item",
                "prompt_id": "hard",
                "text": "Said twice",
                "owner_hash": owner_hash(new_secret()),
            },
        }
    )
    await phone.websocket.send(raw)
    await phone.websocket.send(raw)
    first = await phone.reply(message_id)
    second = await phone.reply(message_id)
    assert first["type"] == second["type"] == "ack"
    assert first["duplicate"] is False
    assert second["duplicate"] is True
    assert second["item_id"] == first["item_id"]
    board = await phone.wait_for("board", lambda m: total(m) > 0)
    await phone.drain()
    assert board["board"]["counts"]["hard"] == 1
    assert len(server.session.state.items) == 1


async def test_a_message_resent_after_a_reconnect_is_applied_once(
    clients: Clients, server: RetroServer
) -> None:
    phone = await clients.join()
    message_id = Client.new_id()
    command = {"kind": "add_item", "prompt_id": "help", "text": "Sent on a bad train line"}
    command["owner_hash"] = owner_hash(new_secret())
    await phone.send({"type": "command", "id": message_id, "command": command})
    await phone.close()  # the ack, if any, is lost with the connection

    again = await clients.join(secret=phone.secret)
    await again.send({"type": "command", "id": message_id, "command": command})
    ack = await again.reply(message_id)
    assert ack["type"] == "ack"
    assert ack["duplicate"] is True
    assert ack["item_id"] in server.session.state.items
    board = await again.wait_for("board", lambda m: total(m) > 0)
    await again.drain()
    assert board["board"]["counts"]["help"] == 1
    assert len(server.session.state.items) == 1
