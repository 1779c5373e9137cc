"""Fuzzing the server's doors: random and mutated-valid frames, every valid message for a state, and talking
to one real server on a loopback port (replies checked against the schema, one reply per message)."""

import asyncio
import copy
import json
import math
import secrets
from typing import Any

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from retro.events import Event
from retro.secrets import owner_hash
from retro.session import Session
from retro.sqlite_store import SqliteStore
from retro.state import replay
from retro.text import MAX_ITEM_CHARS
from server.app import RetroServer, ServerConfig
from tests.support.client import Client
from tests.support.doors import assert_valid_reply

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TIMEOUT = 5.0
SURROGATE = "\u2063surrogate\u2063"
"""Stands for a lone surrogate escape in a message's JSON, which json.dumps cannot write."""

Message = dict[str, Any]

# --- frames ------------------------------------------------------------------------------------------

json_leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
)
json_values = st.recursive(
    json_leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
random_frames: st.SearchStrategy[str | bytes] = st.one_of(
    st.binary(max_size=80),
    st.text(max_size=200),
    json_values.map(json.dumps),
    st.tuples(st.integers(1, 4000), st.sampled_from(["[", '{"a":'])).map(
        lambda deep: deep[1] * deep[0] + "1" + ("]" if deep[1] == "[" else "}") * deep[0]
    ),
    st.integers(4000, 60_000).map(
        lambda size: json.dumps({"type": "command", "id": "x" * 10, "pad": "x" * size})
    ),
)
ODD_VALUES = [math.nan, math.inf, -math.inf, 10**400, -1, 0, 11, 1e308, True, "5", [], {}, None, SURROGATE]
LONG_TEXTS = ["x" * (MAX_ITEM_CHARS + 1), "é" * 2000, "🙂" * 1100, " " * 300, "\u202e" * 50 + "text"]
MUTATIONS = ["keep"] * 4 + ["drop", "replace", "extra", "odd", "long", "controls", "duplicate", "nest"]


def serialised(message: Message) -> str:
    return json.dumps(message).replace(json.dumps(SURROGATE), '"\\ud83d"')


def mutated(data: st.DataObject, message: Message) -> str:
    """A valid message, kept or bent one way: a key dropped, replaced or added, an odd or long value, ..."""
    message = copy.deepcopy(message)
    command = message.get("command")
    target: Message = command if isinstance(command, dict) and data.draw(st.booleans()) else message
    key = data.draw(st.sampled_from(sorted(target)))
    how = data.draw(st.sampled_from(MUTATIONS))
    if how == "drop":
        del target[key]
    elif how == "replace":
        target[key] = data.draw(json_values)
    elif how == "extra":
        target[data.draw(st.text(max_size=10))] = data.draw(json_values)
    elif how == "odd":
        target[key] = data.draw(st.sampled_from(ODD_VALUES))
    elif how == "long":
        target[key] = data.draw(st.sampled_from(LONG_TEXTS))
    elif how == "controls":
        target[key] = "\x1b[31m\x07\x00\u0085\u202e" + str(target[key])
    text = serialised(message)
    if how == "duplicate":
        again = data.draw(st.sampled_from(["hello", "command", "ack", ""]))
        text = '{"type": ' + json.dumps(again) + ", " + text[1:]
    elif how == "nest":
        depth = data.draw(st.integers(1, 3000))
        text = "[" * depth + text + "]" * depth
    return text


def with_new_id(data: st.DataObject, message: Message) -> Message:
    """A message under a new id, mostly: a retried id is applied once, so most must be new to count."""
    return {**message, "id": f"fuzz-{data.draw(st.integers(0, 10**9)):09}"}


def frames(data: st.DataObject, valid: list[Message], most: int, kinds: set[str]) -> list[str | bytes]:
    """Random frames, bent valid ones, and untouched valid commands of the kinds this sender may use."""
    favoured = [message for message in valid if message.get("command", {}).get("kind") in kinds]
    count = data.draw(st.integers(1, most))
    sent: list[str | bytes] = []
    for _ in range(count):
        way = data.draw(st.sampled_from(["random", "bent", "bent", "as is"]))
        if way == "random":
            sent.append(data.draw(random_frames))
        elif way == "bent" or not favoured:
            sent.append(mutated(data, with_new_id(data, data.draw(st.sampled_from(valid)))))
        else:
            sent.append(serialised(with_new_id(data, data.draw(st.sampled_from(favoured)))))
    return sent


PHONE_WRITES = {"add_item", "withdraw_item", "rewrite_item"}
PHONE_VOTES = {"cast_vote", "retract_vote"}
FACILITATES = {
    "change_phase", "hold_item", "release_item", "lock_joining", "rotate_join_token", "merge_topics",
    "rename_topic", "ungroup", "start_discussion", "extend_timer", "add_note", "record_action",
    "edit_action", "delete_action",
}  # fmt: skip


def every_message(state_ids: list[str], key: str) -> list[Message]:
    """A valid example of every client message, with ids that exist in the retro where there are some."""
    secret = "an-item-secret-" + "z" * 8
    pair = state_ids[:2] if len(state_ids) > 1 else ["0123456789abcdef", "fedcba9876543210"]
    commands: list[Message] = [
        {
            "kind": "add_item",
            "prompt_id": "learning",
            "text": "A fuzzed item",
            "owner_hash": owner_hash(secret),
        },
        {"kind": "answer_check_in", "question_id": "motivation", "value": 7},
        {"kind": "answer_roti", "value": 4},
        *({"kind": "change_phase", "to": phase} for phase in ("write", "group", "vote", "discuss", "close")),
        {"kind": "lock_joining", "locked": True},
        {"kind": "rotate_join_token"},
        {"kind": "merge_topics", "topic_ids": pair, "title": "Merged"},
        {"kind": "extend_timer"},
        {"kind": "record_action", "text": "Do it", "owner": "Sam", "due": "2026-12-04", "topic_id": pair[0]},
    ]
    for some_id in state_ids[:3] or ["0123456789abcdef"]:
        commands += [
            {"kind": "withdraw_item", "item_id": some_id, "item_secret": secret},
            {"kind": "rewrite_item", "item_id": some_id, "item_secret": secret, "text": "Rewritten"},
            {"kind": "claim_item", "item_id": some_id, "item_secret": secret, "name": "Sam"},
            {"kind": "cast_vote", "topic_id": some_id},
            {"kind": "retract_vote", "topic_id": some_id},
            {"kind": "hold_item", "item_id": some_id, "reason": "Names a person"},
            {"kind": "release_item", "item_id": some_id},
            {"kind": "review_action", "ref": f"{some_id}/{some_id}", "outcome": "done"},
            {"kind": "rename_topic", "topic_id": some_id, "title": "Renamed"},
            {"kind": "ungroup", "topic_id": some_id},
            {"kind": "start_discussion", "topic_id": some_id},
            {"kind": "add_note", "topic_id": some_id, "text": "A note"},
            {"kind": "edit_action", "action_id": some_id, "text": "Do", "owner": "Sam", "due": "2026-12-04"},
            {"kind": "delete_action", "action_id": some_id},
        ]
    hellos: list[Message] = [
        {"type": "hello", "id": "hello-0001", "protocol": 1, "secret": secrets.token_urlsafe(24)},
        {"type": "hello", "id": "hello-0002", "protocol": 1, "key": key, "wrote": True},
    ]
    resync: Message = {"type": "resync", "id": "resync-0001"}
    return [
        *hellos,
        *({"type": "command", "id": f"command-{n:04}", "command": c} for n, c in enumerate(commands)),
        resync,
    ]


# --- talking to the server ---------------------------------------------------------------------------


async def answers(websocket: ClientConnection, sent: list[str | bytes]) -> list[Message]:
    """Send frames, then a second hello as a sentinel; every reply up to the sentinel's, each checked."""
    for frame in sent:
        await websocket.send(frame)
    sentinel = Client.new_id()
    await websocket.send(json.dumps({"type": "hello", "id": sentinel, "protocol": 1, "secret": "s" * 24}))
    replies: list[Message] = []
    async with asyncio.timeout(TIMEOUT):
        while not replies or replies[-1].get("id") != sentinel:
            message = assert_valid_reply(await websocket.recv())
            if message["type"] in {"ack", "answer", "error"}:
                replies.append(message)
                event(f"reply: {message.get('code', 'ack')}")
    assert replies[-1]["code"] == "already_joined"
    assert websocket.close_code is None
    return replies[:-1]


async def welcomed_or_turned_away(url: str, frame: str | bytes) -> Message:
    """Send one first frame; its reply, which must be a welcome, or a refusal followed by a policy close."""
    async with connect(url) as websocket:
        await websocket.send(frame)
        async with asyncio.timeout(TIMEOUT):
            first = assert_valid_reply(await websocket.recv())
            if first["type"] == "error":
                with pytest.raises(ConnectionClosed):
                    while True:
                        assert_valid_reply(await websocket.recv())
                assert websocket.close_code in {1008, 1013}
            else:
                assert first["type"] == "welcome"
    return first


async def joined(
    url: str, secret: str | None = None, key: str | None = None, token: str | None = None
) -> ClientConnection:
    websocket = await connect(url)
    hello: Message = {"type": "hello", "id": Client.new_id(), "protocol": 1}
    if token is not None:
        hello["token"] = token
    else:
        hello.update({"key": key} if key is not None else {"secret": secret or secrets.token_urlsafe(24)})
    await websocket.send(json.dumps(hello))
    async with asyncio.timeout(TIMEOUT):
        assert assert_valid_reply(await websocket.recv())["type"] == "welcome"
    return websocket


async def answered_one_by_one(
    url: str,
    sent: list[str | bytes],
    secret: str | None = None,
    key: str | None = None,
    token: str | None = None,
) -> None:
    """Join (as a phone, by key, or by token), send the frames, and check that each got its one answer."""
    websocket = await joined(url, secret, key, token)
    try:
        assert len(await answers(websocket, sent)) == len(sent)
    finally:
        await websocket.close()


def new_events(store: SqliteStore, session: Session, before: int) -> list[Event]:
    return store.events(session.record.retro_id)[before:]


def assert_replays_to_the_same_state(store: SqliteStore, session: Session) -> None:
    assert replay(session.record.retro_id, store.events(session.record.retro_id)) == session.state


async def server_for(session: Session) -> RetroServer:
    server = RetroServer(session, ServerConfig(host="127.0.0.1", port=0))
    await server.start()
    return server


BYSTANDER_TEXTS = ("Handover runs long", "Rota changes late", "Pager noise at night")


async def bystander_items(server: RetroServer) -> dict[str, str]:
    """Items another phone wrote (the first time, it writes them): nobody else may change them."""
    if not server.session.state.items:
        bystander = await Client.join(server.websocket_url)
        for text in BYSTANDER_TEXTS:
            await bystander.add_item(text)
        await bystander.close()
    items = server.session.state.items.items()
    return {item_id: item.text for item_id, item in items if item.text in BYSTANDER_TEXTS}
