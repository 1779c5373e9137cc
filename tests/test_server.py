"""The websocket protocol end to end: real clients, the real server, a real loopback port and SQLite file."""

import asyncio
import json
import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from retro.events import ItemAdded
from retro.secrets import owner_hash, pseudonym
from retro.sqlite_store import SqliteStore
from server.app import RetroServer

Message = dict[str, Any]
Predicate = Callable[[Message], bool]

TIMEOUT = 2.0
QUIET = 0.2
"""How long without a message counts as 'nothing more is coming' (the hub flushes every 50 ms)."""


def new_message_id() -> str:
    return secrets.token_urlsafe(12)


def new_secret() -> str:
    return secrets.token_urlsafe(24)


@dataclass
class Client:
    """One websocket connection, remembering every text frame it received."""

    ws: ClientConnection
    secret: str | None = None
    received: list[str] = field(default_factory=list)

    async def send(self, message: Message) -> None:
        await self.ws.send(json.dumps(message))

    async def recv(self) -> Message:
        raw = await self.ws.recv()
        assert isinstance(raw, str), "the server sends text frames only"
        self.received.append(raw)
        message: Message = json.loads(raw)
        return message

    async def receive_matching(self, pred: Predicate, what: str, timeout: float = TIMEOUT) -> Message:
        seen: list[Message] = []
        try:
            async with asyncio.timeout(timeout):
                while True:
                    message = await self.recv()
                    if pred(message):
                        return message
                    seen.append(message)
        except TimeoutError:
            raise AssertionError(f"no {what} within {timeout}s; skipped {seen}") from None

    async def receive_until(
        self, type_: str, pred: Predicate | None = None, timeout: float = TIMEOUT
    ) -> Message:
        """The next message of this type that satisfies pred, skipping anything else."""
        return await self.receive_matching(
            lambda m: m["type"] == type_ and (pred is None or pred(m)), f"{type_!r} message", timeout
        )

    async def reply(self, message_id: str, timeout: float = TIMEOUT) -> Message:
        """The ack or the error that answers one message."""
        return await self.receive_matching(
            lambda m: m["type"] in {"ack", "error"} and m["id"] == message_id,
            f"reply to {message_id}",
            timeout,
        )

    async def drain(self, quiet: float = QUIET) -> list[Message]:
        """Everything that arrives until the line has been quiet for a while."""
        drained: list[Message] = []
        while True:
            try:
                async with asyncio.timeout(quiet):
                    drained.append(await self.recv())
            except TimeoutError:
                return drained

    async def command(self, kind: str, message_id: str | None = None, **fields: Any) -> str:
        message_id = message_id or new_message_id()
        await self.send({"type": "command", "id": message_id, "command": {"kind": kind, **fields}})
        return message_id

    async def run(self, kind: str, **fields: Any) -> Message:
        """Send a command and return its reply, ack or error."""
        return await self.reply(await self.command(kind, **fields))

    async def add_item(self, text: str, prompt_id: str = "learning", item_secret: str | None = None) -> str:
        ack = await self.run(
            "add_item", prompt_id=prompt_id, text=text, owner_hash=owner_hash(item_secret or new_secret())
        )
        assert ack["type"] == "ack", ack
        item_id: str = ack["item_id"]
        return item_id


class Clients:
    """Opens connections to the server under test and closes whatever is still open at teardown."""

    def __init__(self, server: RetroServer) -> None:
        self.server = server
        self.opened: list[ClientConnection] = []

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.server.port}/ws/{self.server.session.record.join_token}"

    async def connect(self) -> Client:
        websocket = await connect(self.url, proxy=None, open_timeout=TIMEOUT)
        self.opened.append(websocket)
        return Client(websocket)

    async def join(self, secret: str | None = None, key: str | None = None) -> Client:
        """Connect, say hello as a phone (or as the facilitator, given a key), and read the welcome."""
        client = await self.connect()
        hello: Message = {"type": "hello", "id": new_message_id(), "protocol": 1}
        if key is not None:
            hello["key"] = key
        else:
            client.secret = secret or new_secret()
            hello["secret"] = client.secret
        await client.send(hello)
        async with asyncio.timeout(TIMEOUT):
            welcome = await client.recv()
        role = "facilitator" if key is not None else "participant"
        assert welcome == {"type": "welcome", "protocol": 1, "role": role}
        return client

    async def facilitator(self) -> Client:
        return await self.join(key=self.server.session.record.facilitator_key)

    async def close_all(self) -> None:
        for websocket in self.opened:
            await websocket.close()


@pytest.fixture
async def clients(server: RetroServer) -> AsyncIterator[Clients]:
    pool = Clients(server)
    yield pool
    await pool.close_all()


def total(board: Message) -> int:
    return sum(board["board"]["counts"].values())


def phase_is(phase: str) -> Predicate:
    return lambda m: m["board"]["phase"] == phase


def command_json(message_id: str, command: Message) -> str:
    return json.dumps({"type": "command", "id": message_id, "command": command})


def is_reply(message: Message) -> bool:
    return message["type"] in {"ack", "error"}


def dots_left_is(dots: int) -> Predicate:
    return lambda m: m["private"]["dots_left"] == dots


def facilitator_phase_is(phase: str) -> Predicate:
    return lambda m: m["view"]["board"]["phase"] == phase


def walk_keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from walk_keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from walk_keys(inner)


# --- joining ---------------------------------------------------------------------------------------------


async def test_a_phone_gets_welcome_then_the_board_then_its_dots(clients: Clients) -> None:
    phone = await clients.join()
    board = await phone.recv()
    assert board["type"] == "board"
    view = board["board"]
    assert view["title"] == "Sprint 42"
    assert view["team"] == "Ward 7"
    assert view["phase"] == "write"
    assert view["counts"] == {"hard": 0, "learning": 0, "help": 0}
    assert view["items"] == []
    assert view["actions"] == []
    assert view["revealed"] is False
    assert view["voting_closed"] is False
    assert [step["phase"] for step in view["steps"]] == ["write", "vote", "actions", "closed"]
    assert [prompt["prompt_id"] for prompt in view["prompts"]] == ["hard", "learning", "help"]
    private = await phone.recv()
    assert private == {"type": "private", "private": {"dots_left": 3, "my_votes": {}}}


async def test_a_command_before_hello_is_refused_and_closed(clients: Clients) -> None:
    client = await clients.connect()
    message_id = await client.command("cast_vote", item_id="0123456789abcdef")
    async with asyncio.timeout(TIMEOUT):
        error = await client.recv()
    assert error["type"] == "error"
    assert error["code"] == "hello_first"
    assert error["id"] == message_id
    with pytest.raises(ConnectionClosed):
        async with asyncio.timeout(TIMEOUT):
            await client.recv()
    assert client.ws.close_code == 1008


async def test_a_hello_with_another_protocol_is_refused_and_closed(clients: Clients) -> None:
    client = await clients.connect()
    await client.send({"type": "hello", "id": new_message_id(), "protocol": 2, "secret": new_secret()})
    async with asyncio.timeout(TIMEOUT):
        error = await client.recv()
    assert error["type"] == "error"
    assert error["code"] == "protocol"
    with pytest.raises(ConnectionClosed):
        async with asyncio.timeout(TIMEOUT):
            await client.recv()


async def test_a_second_hello_is_refused_but_the_connection_stays(clients: Clients) -> None:
    phone = await clients.join()
    hello_id = new_message_id()
    await phone.send({"type": "hello", "id": hello_id, "protocol": 1, "secret": new_secret()})
    error = await phone.reply(hello_id)
    assert error["code"] == "already_joined"
    await phone.add_item("Still here")


# --- adding items ----------------------------------------------------------------------------------------


async def test_an_ack_comes_only_once_the_item_is_on_disk(
    clients: Clients, server: RetroServer, db_path: Path
) -> None:
    phone = await clients.join()
    item_secret = new_secret()
    message_id = await phone.command(
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


async def test_other_phones_see_counts_but_no_text_before_the_reveal(clients: Clients) -> None:
    writer = await clients.join()
    reader = await clients.join()
    facilitator = await clients.facilitator()
    text = "The pager rota burned out Sam"
    await writer.add_item(text, prompt_id="learning")

    board = await reader.receive_until("board", lambda m: m["board"]["counts"]["learning"] == 1)
    assert board["board"]["counts"] == {"hard": 0, "learning": 1, "help": 0}
    assert board["board"]["items"] == []
    assert board["board"]["revealed"] is False
    view = await facilitator.receive_until("facilitator", lambda m: m["view"]["total_items"] == 1)
    assert view["view"]["board"]["items"] == []
    await reader.drain()
    await facilitator.drain()
    assert not [raw for raw in reader.received if text in raw]
    assert not [raw for raw in facilitator.received if text in raw]

    assert (await facilitator.run("change_phase", to="vote"))["type"] == "ack"
    revealed = await reader.receive_until("board", phase_is("vote"))
    assert [item["text"] for item in revealed["board"]["items"]] == [text]
    assert revealed["board"]["revealed"] is True
    first_with_text = next(i for i, raw in enumerate(reader.received) if text in raw)
    assert json.loads(reader.received[first_with_text])["board"]["phase"] == "vote"


async def test_an_item_can_be_withdrawn_only_with_its_secret(clients: Clients) -> None:
    writer = await clients.join()
    other = await clients.join()
    item_secret = new_secret()
    item_id = await writer.add_item("Withdraw me", item_secret=item_secret)
    await other.receive_until("board", lambda m: total(m) == 1)

    refused = await other.run("withdraw_item", item_id=item_id, item_secret=new_secret())
    assert refused["type"] == "error"
    assert refused["code"] == "not_owner"

    withdrawn = await writer.run("withdraw_item", item_id=item_id, item_secret=item_secret)
    assert withdrawn["type"] == "ack"
    board = await other.receive_until("board", lambda m: total(m) == 0)
    assert board["board"]["counts"]["learning"] == 0
    again = await writer.run("withdraw_item", item_id=item_id, item_secret=item_secret)
    assert again["code"] == "not_found"


# --- refusals --------------------------------------------------------------------------------------------

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
    await phone.ws.send(raw)
    error = await phone.receive_until("error")
    assert error["code"] == code
    assert named in error["message"]
    readable_id = isinstance(raw, str) and '"id": "abcdefgh12"' in raw
    assert error["id"] == ("abcdefgh12" if readable_id else None)

    item_id = await phone.add_item("A good one after a bad one")
    board = await phone.receive_until("board", lambda m: total(m) > 0)
    assert board["board"]["counts"] == {"hard": 0, "learning": 1, "help": 0}
    assert list(server.session.state.items) == [item_id]


async def test_a_vote_while_writing_is_refused_as_wrong_phase(clients: Clients) -> None:
    phone = await clients.join()
    item_id = await phone.add_item("Vote for me too early")
    message_id = await phone.command("cast_vote", item_id=item_id)
    error = await phone.reply(message_id)
    assert error["type"] == "error"
    assert error["code"] == "wrong_phase"
    assert error["message"] == "Voting is open during Vote; the retro is in Write now."
    await phone.add_item("Still connected")


async def test_every_message_gets_exactly_one_reply_in_order(clients: Clients) -> None:
    """The phone matches an error without an id to its oldest unanswered message, so order matters."""
    phone = await clients.join()
    ids = [new_message_id() for _ in range(8)]
    good = {"kind": "add_item", "prompt_id": "hard", "text": "First", "owner_hash": owner_hash(new_secret())}
    missing_text = {"kind": "add_item", "prompt_id": "hard", "owner_hash": owner_hash(new_secret())}
    huge = {**good, "text": "x" * 5000}
    second = {**good, "text": "Second", "owner_hash": owner_hash(new_secret())}
    vote = {"kind": "cast_vote", "item_id": "0" * 16}
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
        await phone.ws.send(raw)
    replies = [await phone.receive_matching(is_reply, "reply") for _ in outgoing]
    for (_, expected, message_id), reply in zip(outgoing, replies, strict=True):
        assert (reply["code"] if reply["type"] == "error" else "ack") == expected, reply
        if reply["type"] == "ack" or expected in {"wrong_phase", "already_joined"}:
            assert reply["id"] == message_id
        else:
            assert reply["id"] in {None, message_id}
    assert [r["duplicate"] for r in replies if r["type"] == "ack"] == [False, True, False]
    assert [m for m in await phone.drain() if is_reply(m)] == []


# --- repeated message ids --------------------------------------------------------------------------------


async def test_the_same_message_twice_is_applied_once(clients: Clients, server: RetroServer) -> None:
    phone = await clients.join()
    message_id = new_message_id()
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
    await phone.ws.send(raw)
    await phone.ws.send(raw)
    first = await phone.reply(message_id)
    second = await phone.reply(message_id)
    assert first["type"] == second["type"] == "ack"
    assert first["duplicate"] is False
    assert second["duplicate"] is True
    assert second["item_id"] == first["item_id"]
    board = await phone.receive_until("board", lambda m: total(m) > 0)
    await phone.drain()
    assert board["board"]["counts"]["hard"] == 1
    assert len(server.session.state.items) == 1


async def test_a_message_resent_after_a_reconnect_is_applied_once(
    clients: Clients, server: RetroServer
) -> None:
    phone = await clients.join()
    message_id = new_message_id()
    command = {"kind": "add_item", "prompt_id": "help", "text": "Sent on a bad train line"}
    command["owner_hash"] = owner_hash(new_secret())
    await phone.send({"type": "command", "id": message_id, "command": command})
    await phone.ws.close()  # the ack, if any, is lost with the connection

    again = await clients.join(secret=phone.secret)
    await again.send({"type": "command", "id": message_id, "command": command})
    ack = await again.reply(message_id)
    assert ack["type"] == "ack"
    assert ack["duplicate"] is True
    assert ack["item_id"] in server.session.state.items
    board = await again.receive_until("board", lambda m: total(m) > 0)
    await again.drain()
    assert board["board"]["counts"]["help"] == 1
    assert len(server.session.state.items) == 1


# --- the facilitator -------------------------------------------------------------------------------------


async def test_a_phone_cannot_change_the_phase(clients: Clients) -> None:
    phone = await clients.join()
    error = await phone.run("change_phase", to="vote")
    assert error["type"] == "error"
    assert error["code"] == "forbidden"
    error = await phone.run("record_action", text="Fix it", owner="Sam", due="2026-12-04")
    assert error["code"] == "forbidden"
    await phone.add_item("Still writing")
    board = await phone.receive_until("board", lambda m: total(m) > 0)
    assert board["board"]["phase"] == "write"
    newcomer = await clients.join()
    assert (await newcomer.receive_until("board"))["board"]["phase"] == "write"


async def test_the_facilitator_cannot_write_items(clients: Clients) -> None:
    facilitator = await clients.facilitator()
    error = await facilitator.run(
        "add_item", prompt_id="hard", text="Hi", owner_hash=owner_hash(new_secret())
    )
    assert error["code"] == "forbidden"


async def test_a_wrong_facilitator_key_is_refused_and_closed(clients: Clients) -> None:
    client = await clients.connect()
    hello_id = new_message_id()
    await client.send({"type": "hello", "id": hello_id, "protocol": 1, "key": "not-the-key"})
    async with asyncio.timeout(TIMEOUT):
        error = await client.recv()
    assert error["type"] == "error"
    assert error["code"] == "forbidden"
    assert error["id"] == hello_id
    with pytest.raises(ConnectionClosed):
        async with asyncio.timeout(TIMEOUT):
            await client.recv()
    assert client.ws.close_code == 1008
    assert [json.loads(raw)["type"] for raw in client.received] == ["error"]


async def test_the_facilitator_opens_voting_and_phones_see_the_items(clients: Clients) -> None:
    phone = await clients.join()
    await phone.add_item("Deploys on Friday hurt", prompt_id="hard")
    await phone.add_item("Pairing helped", prompt_id="learning")

    facilitator = await clients.facilitator()
    first = await facilitator.recv()
    assert first["type"] == "facilitator"
    assert first["phones"] == 1
    assert first["view"]["total_items"] == 2
    assert first["view"]["board"]["phase"] == "write"
    assert first["view"]["board"]["items"] == []
    assert first["view"]["hint"]

    ack = await facilitator.run("change_phase", to="vote")
    assert ack == {"type": "ack", "id": ack["id"], "duplicate": False, "item_id": None}
    board = await phone.receive_until("board", phase_is("vote"))
    assert board["board"]["revealed"] is True
    assert board["board"]["voting_closed"] is False
    items = board["board"]["items"]
    assert sorted(item["text"] for item in items) == ["Deploys on Friday hurt", "Pairing helped"]
    assert {item["prompt_id"] for item in items} == {"hard", "learning"}
    assert all(item["votes"] is None for item in items)
    view = await facilitator.receive_until("facilitator", facilitator_phase_is("vote"))
    assert view["view"]["board"]["items"] == items

    backwards = await facilitator.run("change_phase", to="write")
    assert backwards["code"] == "invalid"


async def test_voting_spends_dots_and_totals_appear_only_when_voting_closes(clients: Clients) -> None:
    alice = await clients.join()
    bob = await clients.join()
    a = await alice.add_item("Item A")
    b = await alice.add_item("Item B", prompt_id="hard")
    c = await bob.add_item("Item C", prompt_id="help")
    facilitator = await clients.facilitator()
    assert (await facilitator.run("change_phase", to="vote"))["type"] == "ack"
    await alice.receive_until("board", phase_is("vote"))

    for item_id, dots_left in [(a, 2), (a, 1), (b, 0)]:
        assert (await alice.run("cast_vote", item_id=item_id))["type"] == "ack"
        private = await alice.receive_until("private", dots_left_is(dots_left))
    assert private["private"]["my_votes"] == {a: 2, b: 1}
    fourth = await alice.run("cast_vote", item_id=c)
    assert fourth["type"] == "error"
    assert fourth["code"] == "no_dots_left"

    for item_id in (a, b, c):
        assert (await bob.run("cast_vote", item_id=item_id))["type"] == "ack"
    assert (await bob.run("retract_vote", item_id=c))["type"] == "ack"
    private = await bob.receive_until("private", dots_left_is(1))
    assert private["private"]["my_votes"] == {a: 1, b: 1}
    nothing_to_take_back = await bob.run("retract_vote", item_id=c)
    assert nothing_to_take_back["code"] == "not_found"

    await bob.drain()
    boards = [json.loads(raw) for raw in bob.received if json.loads(raw)["type"] == "board"]
    voting = [m["board"] for m in boards if m["board"]["phase"] == "vote"]
    assert voting
    assert all(item["votes"] is None for board in voting for item in board["items"])

    assert (await facilitator.run("change_phase", to="actions"))["type"] == "ack"
    for phone in (alice, bob):
        board = (await phone.receive_until("board", phase_is("actions")))["board"]
        assert board["voting_closed"] is True
        assert [(item["item_id"], item["votes"]) for item in board["items"]] == [(a, 3), (b, 2), (c, 0)]
    late = await alice.run("cast_vote", item_id=c)
    assert late["code"] == "wrong_phase"


async def test_dots_follow_the_phone_across_tabs_and_reconnects(clients: Clients) -> None:
    phone = await clients.join()
    tab = await clients.join(secret=phone.secret)
    item_id = await phone.add_item("Worth two dots")
    facilitator = await clients.facilitator()
    assert (await facilitator.run("change_phase", to="vote"))["type"] == "ack"
    assert (await phone.run("cast_vote", item_id=item_id))["type"] == "ack"
    assert (await tab.run("cast_vote", item_id=item_id))["type"] == "ack"
    for client in (phone, tab):
        private = await client.receive_until("private", dots_left_is(1))
        assert private["private"]["my_votes"] == {item_id: 2}
    await phone.ws.close()
    await tab.ws.close()

    back = await clients.join(secret=phone.secret)
    private = await back.receive_until("private")
    assert private["private"] == {"dots_left": 1, "my_votes": {item_id: 2}}
    stranger = await clients.join()
    assert (await stranger.receive_until("private"))["private"] == {"dots_left": 3, "my_votes": {}}


async def test_recorded_actions_reach_the_phones(clients: Clients) -> None:
    phone = await clients.join()
    facilitator = await clients.facilitator()
    early = await facilitator.run("record_action", text="Too soon", owner="Sam", due="2026-12-04")
    assert early["code"] == "wrong_phase"
    assert (await facilitator.run("change_phase", to="actions"))["type"] == "ack"
    ack = await facilitator.run("record_action", text="Write the runbook", owner="Priya", due="2026-12-04")
    assert ack["type"] == "ack"
    board = await phone.receive_until("board", lambda m: len(m["board"]["actions"]) == 1)
    action = board["board"]["actions"][0]
    assert (action["text"], action["owner"], action["due"]) == ("Write the runbook", "Priya", "2026-12-04")
    assert action["action_id"]
    await facilitator.command("record_action", text="Later", owner="Priya", due="next week")
    bad_date = await facilitator.receive_until("error")
    assert bad_date["code"] == "invalid"
    assert "due" in bad_date["message"]


async def test_the_phone_count_counts_phones_not_tabs(clients: Clients) -> None:
    facilitator = await clients.facilitator()
    assert (await facilitator.recv())["phones"] == 0
    secret = new_secret()
    tab_one = await clients.join(secret=secret)
    tab_two = await clients.join(secret=secret)
    other = await clients.join()
    await facilitator.receive_until("facilitator", lambda m: m["phones"] == 2)
    counts = [m["phones"] for m in await facilitator.drain() if m["type"] == "facilitator"]
    assert set(counts) <= {2}
    assert max(json.loads(raw).get("phones", 0) for raw in facilitator.received) == 2

    await tab_one.ws.close()
    assert (await facilitator.receive_until("facilitator"))["phones"] == 2
    await other.ws.close()
    await facilitator.receive_until("facilitator", lambda m: m["phones"] == 1)
    await tab_two.ws.close()
    await facilitator.receive_until("facilitator", lambda m: m["phones"] == 0)


async def test_a_flood_is_rate_limited_and_the_connection_survives(
    clients: Clients, server: RetroServer
) -> None:
    phone = await clients.join()
    for _ in range(40):  # cheap refusals first, so the burst is spent whatever the disk's speed
        await phone.command("cast_vote", item_id="0123456789abcdef")
    for n in range(20):
        await phone.command(
            "add_item", prompt_id="learning", text=f"Flood {n}", owner_hash=owner_hash(str(n))
        )
    replies = [await phone.receive_matching(is_reply, "reply") for _ in range(60)]
    codes = [m["code"] if m["type"] == "error" else "ack" for m in replies]
    assert "rate_limited" in codes
    assert set(codes[:40]) <= {"wrong_phase", "rate_limited"}
    assert set(codes[40:]) <= {"ack", "rate_limited"}
    acked = codes.count("ack")
    assert len(server.session.state.items) == acked

    await asyncio.sleep(0.15)  # a token comes back every 100 ms
    await phone.add_item("After the flood")
    board = await phone.receive_until("board", lambda m: total(m) == acked + 1)
    assert board["board"]["counts"]["learning"] == acked + 1
    assert phone.ws.close_code is None


async def test_no_phone_can_write_after_the_close(clients: Clients) -> None:
    facilitator = await clients.facilitator()
    early = await clients.join()
    assert (await facilitator.run("change_phase", to="closed"))["type"] == "ack"
    refused = await early.run(
        "add_item", prompt_id="hard", text="Still here", owner_hash=owner_hash(new_secret())
    )
    assert (refused["code"], refused["message"]) == (
        "closed",
        "The retro has closed; nothing more can be added.",
    )
    late = await clients.join()
    board = await late.receive_until("board")
    assert board["board"]["phase"] == "closed"
    error = await late.run("add_item", prompt_id="hard", text="Too late", owner_hash=owner_hash(new_secret()))
    assert error["code"] == "closed"
    reopen = await facilitator.run("change_phase", to="write")
    assert reopen["code"] == "wrong_phase"


# --- anonymity -------------------------------------------------------------------------------------------


async def test_no_message_carries_a_secret_a_hash_or_a_pseudonym(
    clients: Clients, server: RetroServer
) -> None:
    retro_key = server.session.record.retro_key
    assert retro_key is not None
    facilitator = await clients.facilitator()
    alice = await clients.join()
    bob = await clients.join()
    alice_tab = await clients.join(secret=alice.secret)
    phones = [alice, bob]
    assert alice.secret is not None and bob.secret is not None
    item_secrets = [new_secret() for _ in range(4)]

    a = await alice.add_item("Alice on the rota", "hard", item_secrets[0])
    b = await bob.add_item("Bob on the tests", "learning", item_secrets[1])
    withdrawn = await bob.add_item("Bob changes his mind", "help", item_secrets[2])
    c = await alice.add_item("Alice on the help", "help", item_secrets[3])
    assert (await bob.run("withdraw_item", item_id=withdrawn, item_secret=item_secrets[2]))["type"] == "ack"
    assert (await facilitator.run("change_phase", to="vote"))["type"] == "ack"
    await alice.receive_until("board", phase_is("vote"))
    await bob.receive_until("board", phase_is("vote"))
    for phone, item_id in [(alice, a), (alice, b), (bob, b), (bob, c), (bob, c)]:
        assert (await phone.run("cast_vote", item_id=item_id))["type"] == "ack"
    assert (await bob.run("retract_vote", item_id=c))["type"] == "ack"
    assert (await facilitator.run("change_phase", to="actions"))["type"] == "ack"
    recorded = await facilitator.run(
        "record_action", text="Rotate the pager", owner="Priya", due="2026-12-04"
    )
    assert recorded["type"] == "ack"
    assert (await facilitator.run("change_phase", to="closed"))["type"] == "ack"
    for client in [facilitator, alice, bob, alice_tab]:
        await client.drain()

    forbidden = {
        alice.secret,
        bob.secret,
        pseudonym(retro_key, alice.secret),
        pseudonym(retro_key, bob.secret),
        server.session.record.facilitator_key,
        retro_key.hex(),
    }
    forbidden |= set(item_secrets) | {owner_hash(s) for s in item_secrets}
    named = {"facilitator": facilitator, "alice": alice, "bob": bob, "alice's tab": alice_tab}
    everything = [(name, raw) for name, client in named.items() for raw in client.received]
    assert len(everything) > 30
    leaks = [(name, raw) for name, raw in everything for secret in forbidden if secret in raw]
    assert leaks == []
    keys = {key for _, raw in everything for key in walk_keys(json.loads(raw))}
    assert not keys & {"owner_hash", "ballot", "pseudonym", "secret", "author", "key", "time", "created_at"}

    final = (await (await clients.join()).receive_until("board"))["board"]
    assert final["phase"] == "closed"
    assert {item["item_id"]: item["votes"] for item in final["items"]} == {a: 1, b: 2, c: 1}
    assert [action["text"] for action in final["actions"]] == ["Rotate the pager"]
    for phone in phones:
        assert phone.ws.close_code is None
