"""The websocket protocol end to end: real clients, the real server, a real loopback port and SQLite file."""

import asyncio
import json
import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from retro.actors import Facilitator
from retro.commands import ChangePhase
from retro.events import ItemAdded
from retro.phases import Phase
from retro.secrets import owner_hash, pseudonym
from retro.session import Session
from retro.settings import RetroSettings
from retro.sqlite_store import SqliteStore
from server.app import RetroServer, ServerConfig

Message = dict[str, Any]
Predicate = Callable[[Message], bool]

TIMEOUT = 2.0
QUIET = 0.2
"""How long without a message counts as 'nothing more is coming' (the hub flushes every 50 ms)."""

FLOW = ["review", "check_in", "write", "group", "vote", "discuss", "actions", "close"]
NO_SUCH_ID = "0123456789abcdef"


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

    async def board_until(self, pred: Predicate, timeout: float = TIMEOUT) -> Message:
        """The next shared board satisfying pred: a phone's `board`, or the board in a facilitator's view."""
        message = await self.receive_matching(
            lambda m: (board := board_in(m)) is not None and pred(board), "board", timeout
        )
        board = board_in(message)
        assert board is not None
        return board

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

    async def ok(self, kind: str, **fields: Any) -> Message:
        """Send a command that must be acknowledged."""
        reply = await self.run(kind, **fields)
        assert reply["type"] == "ack", reply
        return reply

    async def refused(self, kind: str, code: str, **fields: Any) -> Message:
        """Send a command that must be refused with this code."""
        reply = await self.run(kind, **fields)
        assert (reply["type"], reply.get("code")) == ("error", code), reply
        return reply

    async def move(self, to: str) -> None:
        await self.ok("change_phase", to=to)

    async def add_item(self, text: str, prompt_id: str = "learning", item_secret: str | None = None) -> str:
        ack = await self.ok(
            "add_item", prompt_id=prompt_id, text=text, owner_hash=owner_hash(item_secret or new_secret())
        )
        item_id: str = ack["item_id"]
        return item_id

    def messages(self) -> list[Message]:
        return [json.loads(raw) for raw in self.received]

    def boards(self) -> list[Message]:
        """Every shared board this client received so far, in order."""
        return [board for message in self.messages() if (board := board_in(message)) is not None]


def board_in(message: Message) -> Message | None:
    if message["type"] == "board":
        board: Message = message["board"]
        return board
    if message["type"] == "facilitator":
        view: Message = message["view"]["board"]
        return view
    return None


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

    async def join(self, secret: str | None = None, key: str | None = None, wrote: bool = False) -> Client:
        """Connect, say hello as a phone (or as the facilitator, given a key), and read the welcome."""
        client = await self.connect()
        hello: Message = {"type": "hello", "id": new_message_id(), "protocol": 1}
        if key is not None:
            hello["key"] = key
        else:
            client.secret = secret or new_secret()
            hello["secret"] = client.secret
        if wrote:
            hello["wrote"] = True
        await client.send(hello)
        async with asyncio.timeout(TIMEOUT):
            welcome = await client.recv()
        role = "facilitator" if key is not None else "participant"
        join_path = f"/j/{self.server.session.record.join_token}"
        assert welcome == {"type": "welcome", "protocol": 1, "role": role, "join_path": join_path}
        return client

    async def facilitator(self) -> Client:
        return await self.join(key=self.server.session.record.facilitator_key)

    async def close_all(self) -> None:
        for websocket in self.opened:
            await websocket.close()


@asynccontextmanager
async def serving(session: Session) -> AsyncIterator[Clients]:
    """A server of its own around a session, on a real loopback port, with its clients closed after."""
    server = RetroServer(session, ServerConfig(host="127.0.0.1", port=0))
    await server.start()
    pool = Clients(server)
    try:
        yield pool
    finally:
        await pool.close_all()
        await server.stop()


@pytest.fixture
async def clients(server: RetroServer) -> AsyncIterator[Clients]:
    pool = Clients(server)
    yield pool
    await pool.close_all()


@pytest.fixture
async def capped(store: SqliteStore) -> AsyncIterator[Clients]:
    """A retro in Write where each phone has 3 dots and at most 2 of them may go on one topic."""
    settings = RetroSettings(votes_per_person=3, max_votes_per_topic=2)
    session = Session.start(store, title="Capped", team="Ward 7", settings=settings)
    session.execute(Facilitator(), ChangePhase(to=Phase.WRITE))
    async with serving(session) as pool:
        yield pool


def total(board: Message) -> int:
    return sum(board["board"]["counts"].values())


def phase_is(phase: str) -> Predicate:
    return lambda m: m["board"]["phase"] == phase


def in_phase(phase: str) -> Predicate:
    """For board_until: the shared board itself is in this phase."""
    return lambda board: board["phase"] == phase


def command_json(message_id: str, command: Message) -> str:
    return json.dumps({"type": "command", "id": message_id, "command": command})


def is_reply(message: Message) -> bool:
    return message["type"] in {"ack", "error"}


def dots_left_is(dots: int) -> Predicate:
    return lambda m: m["private"]["dots_left"] == dots


def facilitator_phase_is(phase: str) -> Predicate:
    return lambda m: m["view"]["board"]["phase"] == phase


def presence_is(phones: int, written: int) -> Predicate:
    return lambda m: (m["phones"], m["phones_written"]) == (phones, written)


def topic_votes(board: Message) -> list[tuple[str, int | None]]:
    return [(topic["topic_id"], topic["votes"]) for topic in board["topics"]]


def summary(board: Message, question_id: str) -> Message:
    found: Message = next(s for s in board["check_in"] if s["question_id"] == question_id)
    return found


def roti_answered(count: int) -> Predicate:
    return lambda m: m["board"]["roti"] is not None and m["board"]["roti"]["answered"] == count


def seconds_between(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


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
    message_id = await client.command("cast_vote", topic_id=NO_SUCH_ID)
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
    assert board["board"]["topics"] == []
    assert board["board"]["revealed"] is False
    view = await facilitator.receive_until("facilitator", lambda m: m["view"]["total_items"] == 1)
    assert view["view"]["board"]["topics"] == []
    assert [entry["text"] for entry in view["view"]["screening"]] == [text], (
        "screened, with no link to anyone"
    )
    await reader.drain()
    await facilitator.drain()
    assert not [raw for raw in reader.received if text in raw]
    assert not [raw for raw in writer.received if text in raw]

    await facilitator.move("group")
    revealed = await reader.receive_until("board", phase_is("group"))
    assert [topic["title"] for topic in revealed["board"]["topics"]] == [text]
    assert [item["text"] for item in revealed["board"]["topics"][0]["items"]] == [text]
    assert revealed["board"]["revealed"] is True
    await writer.receive_until("board", phase_is("group"))
    for client in (reader, writer):
        first_with_text = next(i for i, raw in enumerate(client.received) if text in raw)
        assert json.loads(client.received[first_with_text])["board"]["phase"] == "group"


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
    message_id = await phone.command("cast_vote", topic_id=item_id)
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
    await phone.refused("merge_topics", "forbidden", topic_ids=[NO_SUCH_ID, "0" * 16], title="Mine")
    await phone.refused("extend_timer", "forbidden")
    await phone.add_item("Still writing")
    board = await phone.receive_until("board", lambda m: total(m) > 0)
    assert board["board"]["phase"] == "write"
    newcomer = await clients.join()
    assert (await newcomer.receive_until("board"))["board"]["phase"] == "write"


async def test_the_facilitator_cannot_write_items_or_answer(clients: Clients) -> None:
    facilitator = await clients.facilitator()
    error = await facilitator.run(
        "add_item", prompt_id="hard", text="Hi", owner_hash=owner_hash(new_secret())
    )
    assert error["code"] == "forbidden"
    await facilitator.refused("answer_check_in", "forbidden", question_id="motivation", value=5)
    await facilitator.refused("answer_roti", "forbidden", value=5)
    await facilitator.refused("cast_vote", "forbidden", topic_id=NO_SUCH_ID)


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


async def test_the_reveal_makes_every_item_a_topic_of_its_own(clients: Clients) -> None:
    phone = await clients.join()
    hard = await phone.add_item("Deploys on Friday hurt", prompt_id="hard")
    learning = await phone.add_item("Pairing helped", prompt_id="learning")

    facilitator = await clients.facilitator()
    first = await facilitator.recv()
    assert first["type"] == "facilitator"
    assert set(first) == {"type", "view", "server_time", "phones", "phones_written", "phones_voted"}
    assert (first["phones"], first["phones_written"], first["phones_voted"]) == (1, 1, 0)
    assert first["view"]["total_items"] == 2
    assert first["view"]["board"]["phase"] == "write"
    assert first["view"]["board"]["topics"] == []
    assert first["view"]["hint"]

    ack = await facilitator.run("change_phase", to="group")
    assert ack == {"type": "ack", "id": ack["id"], "duplicate": False, "item_id": None}
    board = (await phone.receive_until("board", phase_is("group")))["board"]
    assert board["phase_label"] == "Reveal & group"
    assert board["revealed"] is True
    assert board["voting_closed"] is False
    topics = board["topics"]
    assert {topic["topic_id"] for topic in topics} == {hard, learning}
    for topic in topics:
        assert topic["grouped"] is False
        assert topic["votes"] is None
        [item] = topic["items"]
        assert item["item_id"] == topic["topic_id"]
        assert item["text"] == topic["title"]
    by_id = {topic["topic_id"]: topic["items"][0] for topic in topics}
    assert (by_id[hard]["text"], by_id[hard]["prompt_id"]) == ("Deploys on Friday hurt", "hard")
    assert (by_id[learning]["text"], by_id[learning]["prompt_id"]) == ("Pairing helped", "learning")
    view = await facilitator.receive_until("facilitator", facilitator_phase_is("group"))
    assert view["view"]["board"]["topics"] == topics

    backwards = await facilitator.run("change_phase", to="write")
    assert backwards["code"] == "invalid"
    await phone.refused("add_item", "wrong_phase", prompt_id="hard", text="Late", owner_hash="a" * 64)

    await facilitator.move("vote")
    voting = (await phone.receive_until("board", phase_is("vote")))["board"]
    assert voting["topics"] == topics, "the shuffled order is fixed at the reveal"


async def test_voting_spends_dots_and_totals_appear_only_when_voting_closes(clients: Clients) -> None:
    alice = await clients.join()
    bob = await clients.join()
    a = await alice.add_item("Item A")
    b = await alice.add_item("Item B", prompt_id="hard")
    c = await bob.add_item("Item C", prompt_id="help")
    facilitator = await clients.facilitator()
    await facilitator.move("vote")  # skipping Reveal & group: the reveal happens on the way
    revealed = await alice.receive_until("board", phase_is("vote"))
    assert {topic["topic_id"] for topic in revealed["board"]["topics"]} == {a, b, c}

    for topic_id, dots_left in [(a, 2), (a, 1), (b, 0)]:
        assert (await alice.run("cast_vote", topic_id=topic_id))["type"] == "ack"
        private = await alice.receive_until("private", dots_left_is(dots_left))
    assert private["private"]["my_votes"] == {a: 2, b: 1}
    fourth = await alice.run("cast_vote", topic_id=c)
    assert fourth["type"] == "error"
    assert fourth["code"] == "no_dots_left"

    for topic_id in (a, b, c):
        assert (await bob.run("cast_vote", topic_id=topic_id))["type"] == "ack"
    assert (await bob.run("retract_vote", topic_id=c))["type"] == "ack"
    private = await bob.receive_until("private", dots_left_is(1))
    assert private["private"]["my_votes"] == {a: 1, b: 1}
    nothing_to_take_back = await bob.run("retract_vote", topic_id=c)
    assert nothing_to_take_back["code"] == "not_found"
    await bob.refused("cast_vote", "not_found", topic_id=NO_SUCH_ID)

    await bob.drain()
    await facilitator.drain()
    voting = [board for client in (bob, facilitator) for board in client.boards() if board["phase"] == "vote"]
    assert len(voting) >= 2
    assert all(topic["votes"] is None for board in voting for topic in board["topics"])

    await facilitator.move("discuss")
    for client in (alice, bob, facilitator):
        board = await client.board_until(in_phase("discuss"))
        assert board["voting_closed"] is True
        assert topic_votes(board) == [(a, 3), (b, 2), (c, 0)]
    late = await alice.run("cast_vote", topic_id=c)
    assert late["code"] == "wrong_phase"


async def test_no_more_than_the_cap_of_dots_goes_on_one_topic(capped: Clients) -> None:
    phone = await capped.join()
    board = await phone.receive_until("board")
    assert (board["board"]["votes_per_person"], board["board"]["max_votes_per_topic"]) == (3, 2)
    a = await phone.add_item("Worth all my dots")
    b = await phone.add_item("Worth one")
    facilitator = await capped.facilitator()
    await facilitator.move("vote")
    await phone.ok("cast_vote", topic_id=a)
    await phone.ok("cast_vote", topic_id=a)
    third = await phone.refused("cast_vote", "limit", topic_id=a)
    assert third["message"] == "At most 2 of your dots can go on one topic."
    await phone.ok("cast_vote", topic_id=b)
    private = await phone.receive_until("private", dots_left_is(0))
    assert private["private"]["my_votes"] == {a: 2, b: 1}
    await phone.refused("cast_vote", "no_dots_left", topic_id=b)


async def test_dots_follow_the_phone_across_tabs_and_reconnects(clients: Clients) -> None:
    phone = await clients.join()
    tab = await clients.join(secret=phone.secret)
    item_id = await phone.add_item("Worth two dots")
    facilitator = await clients.facilitator()
    await facilitator.move("vote")
    assert (await phone.run("cast_vote", topic_id=item_id))["type"] == "ack"
    assert (await tab.run("cast_vote", topic_id=item_id))["type"] == "ack"
    for client in (phone, tab):
        private = await client.receive_until("private", dots_left_is(1))
        assert private["private"]["my_votes"] == {item_id: 2}
    await phone.ws.close()
    await tab.ws.close()

    back = await clients.join(secret=phone.secret)
    private = await back.receive_until("private")
    assert private["private"] == {
        "dots_left": 1,
        "my_votes": {item_id: 2},
        "my_check_in": {},
        "my_roti": None,
    }
    stranger = await clients.join()
    assert (await stranger.receive_until("private"))["private"] == {
        "dots_left": 3,
        "my_votes": {},
        "my_check_in": {},
        "my_roti": None,
    }


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
        await phone.command("cast_vote", topic_id=NO_SUCH_ID)
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


# --- grouping --------------------------------------------------------------------------------------------


async def test_merged_topics_reach_the_phones_as_one_group_and_take_dots(clients: Clients) -> None:
    phone = await clients.join()
    a = await phone.add_item("Friday deploys hurt", prompt_id="hard")
    b = await phone.add_item("Deploying on Friday broke the weekend", prompt_id="hard")
    c = await phone.add_item("Pairing helped", prompt_id="learning")
    facilitator = await clients.facilitator()
    await facilitator.move("group")
    await facilitator.ok("merge_topics", topic_ids=[a, b], title="Friday deploys")

    board = (await phone.receive_until("board", lambda m: len(m["board"]["topics"]) == 2))["board"]
    [merged] = [topic for topic in board["topics"] if topic["grouped"]]
    [single] = [topic for topic in board["topics"] if not topic["grouped"]]
    assert merged["title"] == "Friday deploys"
    assert merged["topic_id"] not in {a, b, c}
    assert [(item["item_id"], item["text"]) for item in merged["items"]] == [
        (a, "Friday deploys hurt"),
        (b, "Deploying on Friday broke the weekend"),
    ]
    assert (single["topic_id"], single["title"]) == (c, "Pairing helped")
    assert board["counts"] == {"hard": 2, "learning": 1, "help": 0}

    await facilitator.refused("merge_topics", "not_found", topic_ids=[a, c], title="Gone")
    await facilitator.refused("merge_topics", "invalid", topic_ids=[c, c], title="Twice")
    await facilitator.ok("rename_topic", topic_id=merged["topic_id"], title="Deploys on Fridays")
    renamed = await phone.receive_until(
        "board", lambda m: any(t["title"] == "Deploys on Fridays" for t in m["board"]["topics"])
    )
    assert len(renamed["board"]["topics"]) == 2

    await facilitator.move("vote")
    await phone.receive_until("board", phase_is("vote"))
    await phone.ok("cast_vote", topic_id=merged["topic_id"])
    private = await phone.receive_until("private", dots_left_is(2))
    assert private["private"]["my_votes"] == {merged["topic_id"]: 1}
    await phone.refused("cast_vote", "not_found", topic_id=a)
    await facilitator.refused("merge_topics", "wrong_phase", topic_ids=[merged["topic_id"], c], title="Late")

    await facilitator.move("discuss")
    final = (await phone.receive_until("board", phase_is("discuss")))["board"]
    assert topic_votes(final) == [(merged["topic_id"], 1), (c, 0)]
    assert final["topics"][0]["title"] == "Deploys on Fridays"
    assert len(final["topics"][0]["items"]) == 2


async def test_ungrouping_gives_each_item_its_topic_back(clients: Clients) -> None:
    phone = await clients.join()
    a = await phone.add_item("One")
    b = await phone.add_item("Two")
    facilitator = await clients.facilitator()
    await facilitator.move("group")
    await facilitator.refused("ungroup", "invalid", topic_id=a)
    await facilitator.ok("merge_topics", topic_ids=[a, b], title="Both")
    grouped = await phone.receive_until("board", lambda m: len(m["board"]["topics"]) == 1)
    merged_id = grouped["board"]["topics"][0]["topic_id"]
    await facilitator.ok("ungroup", topic_id=merged_id)
    board = await phone.receive_until("board", lambda m: len(m["board"]["topics"]) == 2)
    assert {(t["topic_id"], t["title"], t["grouped"]) for t in board["board"]["topics"]} == {
        (a, "One", False),
        (b, "Two", False),
    }


async def test_vote_steps_back_to_group_only_before_the_first_dot(clients: Clients) -> None:
    phone = await clients.join()
    a = await phone.add_item("Regroup me")
    await phone.add_item("And me")
    facilitator = await clients.facilitator()
    await facilitator.move("vote")
    await facilitator.move("group")
    assert (await phone.receive_until("board", phase_is("group")))["board"]["revealed"] is True
    await facilitator.move("vote")
    await phone.ok("cast_vote", topic_id=a)
    refused = await facilitator.refused("change_phase", "invalid", to="group")
    assert refused["message"] == "Dots have been cast; regrouping now would lose them."
    await facilitator.refused("change_phase", "invalid", to="write")
    await facilitator.refused("change_phase", "invalid", to="vote")
    view = await facilitator.receive_until("facilitator")
    await facilitator.drain()
    assert view["view"]["board"]["phase"] == "vote"
    assert facilitator.boards()[-1]["phase"] == "vote"


# --- check-in --------------------------------------------------------------------------------------------


async def test_check_in_answers_replace_and_their_summary_waits_for_enough_phones(clients: Clients) -> None:
    facilitator = await clients.facilitator()
    first, second, third = [await clients.join() for _ in range(3)]
    await facilitator.move("check_in")  # a step back from Write, before anything was written
    await first.receive_until("board", phase_is("check_in"))

    await first.ok("answer_check_in", question_id="motivation", value=2)
    await first.ok("answer_check_in", question_id="motivation", value=4)
    private = await first.receive_until("private", lambda m: m["private"]["my_check_in"] == {"motivation": 4})
    assert private["private"]["my_roti"] is None
    board = await second.receive_until("board", lambda m: summary(m["board"], "motivation")["answered"] == 1)
    assert summary(board["board"], "motivation")["shown"] is False

    await second.ok("answer_check_in", question_id="motivation", value=7)
    board = await third.receive_until("board", lambda m: summary(m["board"], "motivation")["answered"] == 2)
    two = summary(board["board"], "motivation")
    assert (two["answered"], two["shown"], two["histogram"], two["mean"]) == (2, False, None, None)
    await second.receive_until("private", lambda m: m["private"]["my_check_in"] == {"motivation": 7})

    await third.ok("answer_check_in", question_id="motivation", value=9)
    board = await first.receive_until("board", lambda m: summary(m["board"], "motivation")["answered"] == 3)
    three = summary(board["board"], "motivation")
    assert three["shown"] is True
    assert three["histogram"] == [0, 0, 0, 1, 0, 0, 1, 0, 1, 0]  # 4, 7 and 9 on a 1..10 scale
    assert three["mean"] == 6.7
    assert summary(board["board"], "supported")["answered"] == 0
    view = await facilitator.receive_until(
        "facilitator", lambda m: summary(m["view"]["board"], "motivation")["answered"] == 3
    )
    assert summary(view["view"]["board"], "motivation") == three

    await third.ok("answer_check_in", question_id="supported", value=5)
    private = await third.receive_until("private", lambda m: len(m["private"]["my_check_in"]) == 2)
    assert private["private"]["my_check_in"] == {"motivation": 9, "supported": 5}
    out_of_range = await third.refused("answer_check_in", "invalid", question_id="supported", value=7)
    assert out_of_range["message"] == "Answer between 1 and 5."
    await third.refused("answer_check_in", "not_found", question_id="mood", value=3)

    for client in (first, second, third, facilitator):
        await client.drain()
    too_few = [
        s
        for c in (first, second, third, facilitator)
        for b in c.boards()
        for s in b["check_in"]
        if s["answered"] < 3
    ]
    assert too_few
    assert all((s["shown"], s["histogram"], s["mean"]) == (False, None, None) for s in too_few)
    own = [m["private"]["my_check_in"] for m in second.messages() if m["type"] == "private"]
    assert all(set(answers) <= {"motivation"} and answers.get("motivation", 7) == 7 for answers in own)

    await facilitator.move("write")
    await first.refused("answer_check_in", "wrong_phase", question_id="motivation", value=5)


# --- phones that have written ----------------------------------------------------------------------------


async def test_the_facilitator_sees_how_many_phones_have_written(clients: Clients) -> None:
    facilitator = await clients.facilitator()
    assert presence_is(0, 0)(await facilitator.recv())
    writer, other_writer, reader = [await clients.join() for _ in range(3)]
    await facilitator.receive_until("facilitator", presence_is(3, 0))
    await writer.add_item("First")
    await other_writer.add_item("Second")
    await facilitator.receive_until("facilitator", presence_is(3, 2))
    await writer.add_item("Third, from the same phone")
    await facilitator.receive_until("facilitator", lambda m: m["view"]["total_items"] == 3)
    await facilitator.drain()
    assert {(m["phones"], m["phones_written"]) for m in facilitator.messages()[-1:]} == {(3, 2)}

    await writer.ws.close()
    await facilitator.receive_until("facilitator", presence_is(2, 1))
    back = await clients.join(secret=writer.secret, wrote=True)
    await facilitator.receive_until("facilitator", presence_is(3, 2))
    await reader.ws.close()
    await facilitator.receive_until("facilitator", presence_is(2, 2))
    await back.add_item("Back again")
    await facilitator.drain()
    assert (facilitator.messages()[-1]["phones"], facilitator.messages()[-1]["phones_written"]) == (2, 2)


async def test_after_a_restart_a_phone_counts_as_written_when_its_hello_says_so(session: Session) -> None:
    async with serving(session) as first_run:
        writer = await first_run.join()
        await writer.add_item("Written before the restart")
    async with serving(session) as second_run:
        facilitator = await second_run.facilitator()
        await second_run.join(secret=writer.secret, wrote=True)
        await second_run.join()
        await facilitator.receive_until("facilitator", presence_is(2, 1))
        await facilitator.drain()
        assert facilitator.messages()[-1]["phones_written"] == 1


async def test_an_item_resent_after_a_restart_counts_its_phone_as_written(session: Session) -> None:
    message_id = new_message_id()
    command = {"kind": "add_item", "prompt_id": "help", "text": "Sent as the server went down"}
    command["owner_hash"] = owner_hash(new_secret())
    async with serving(session) as first_run:
        phone = await first_run.join()
        await phone.send({"type": "command", "id": message_id, "command": command})
        await phone.reply(message_id)  # durable; the phone never sees this ack, as the server dies now
    async with serving(session) as second_run:
        facilitator = await second_run.facilitator()
        again = await second_run.join(secret=phone.secret)  # no "wrote": it never saw an ack
        await again.send({"type": "command", "id": message_id, "command": command})
        ack = await again.reply(message_id)
        assert (ack["type"], ack["duplicate"]) == ("ack", True)
        assert ack["item_id"] in session.state.items
        await facilitator.receive_until("facilitator", lambda m: m["phones"] == 1)
        await facilitator.drain()
        last = facilitator.messages()[-1]
        assert (last["phones"], last["phones_written"]) == (1, 1)


# --- discussion and actions ------------------------------------------------------------------------------


async def test_the_discussion_runs_a_timer_on_the_servers_clock_and_takes_notes(clients: Clients) -> None:
    phone = await clients.join()
    a = await phone.add_item("Most voted")
    b = await phone.add_item("Less voted")
    facilitator = await clients.facilitator()
    await facilitator.refused("start_discussion", "wrong_phase", topic_id=a)
    await facilitator.move("vote")
    await phone.ok("cast_vote", topic_id=a)
    await facilitator.move("discuss")
    board = (await phone.receive_until("board", phase_is("discuss")))["board"]
    assert topic_votes(board) == [(a, 1), (b, 0)]
    assert (board["discussion"], board["discussed"]) == (None, [])

    await facilitator.refused("extend_timer", "invalid")
    await facilitator.refused("start_discussion", "not_found", topic_id=NO_SUCH_ID)
    await facilitator.ok("start_discussion", topic_id=a)
    started = await phone.receive_until("board", lambda m: m["board"]["discussion"] is not None)
    discussion = started["board"]["discussion"]
    assert discussion["topic_id"] == a
    assert 298 <= seconds_between(started["server_time"], discussion["ends_at"]) <= 300
    assert started["board"]["discussed"] == [a]

    await facilitator.ok("extend_timer")
    extended = await phone.receive_until(
        "board", lambda m: m["board"]["discussion"]["ends_at"] != discussion["ends_at"]
    )
    assert seconds_between(discussion["ends_at"], extended["board"]["discussion"]["ends_at"]) == 120
    assert extended["board"]["discussion"]["topic_id"] == a

    await facilitator.ok("add_note", topic_id=a, text="Move deploys to Tuesday")
    noted = await phone.receive_until("board", lambda m: len(m["board"]["notes"]) == 1)
    [note] = noted["board"]["notes"]
    assert (note["topic_id"], note["text"]) == (a, "Move deploys to Tuesday")
    assert note["note_id"]
    await facilitator.refused("add_note", "not_found", topic_id=NO_SUCH_ID, text="Nowhere")
    await facilitator.refused("add_note", "invalid", topic_id=a, text="x" * 201)
    await phone.refused("add_note", "forbidden", topic_id=a, text="From a phone")
    await facilitator.ok("rename_topic", topic_id=a, title="Deploy days")

    await facilitator.ok("start_discussion", topic_id=b)
    second = await phone.receive_until(
        "board", lambda m: (m["board"]["discussion"] or {}).get("topic_id") == b
    )
    assert second["board"]["discussed"] == [a, b]
    assert second["board"]["topics"][0]["title"] == "Deploy days"
    await facilitator.move("actions")
    after = (await phone.receive_until("board", phase_is("actions")))["board"]
    assert after["discussion"] is None
    assert [n["text"] for n in after["notes"]] == ["Move deploys to Tuesday"]
    await facilitator.refused("add_note", "wrong_phase", topic_id=a, text="Too late")


async def test_actions_are_recorded_edited_and_deleted_before_the_phones(clients: Clients) -> None:
    phone = await clients.join()
    topic = await phone.add_item("The runbook was late")
    facilitator = await clients.facilitator()
    early = await facilitator.run("record_action", text="Too soon", owner="Sam", due="2026-12-04")
    assert early["code"] == "wrong_phase"
    await facilitator.move("discuss")
    await facilitator.ok(
        "record_action", text="Write the runbook", owner="Priya", due="2026-12-04", topic_id=topic
    )
    await facilitator.ok("record_action", text="Book a room", owner="Sam", due="2026-12-11")
    board = (await phone.receive_until("board", lambda m: len(m["board"]["actions"]) == 2))["board"]
    runbook, room = board["actions"]
    assert runbook["action_id"] and room["action_id"]
    assert (runbook["text"], runbook["owner"], runbook["due"]) == ("Write the runbook", "Priya", "2026-12-04")
    assert (runbook["topic_id"], runbook["topic_title"]) == (topic, "The runbook was late")
    assert (room["topic_id"], room["topic_title"]) == (None, None)
    await facilitator.refused(
        "record_action", "not_found", text="Lost", owner="Sam", due="2026-12-04", topic_id=NO_SUCH_ID
    )

    await facilitator.move("actions")
    await facilitator.ok(
        "edit_action",
        action_id=runbook["action_id"],
        text="Write the on-call runbook",
        owner="Jo",
        due="2026-12-18",
    )
    await facilitator.ok("delete_action", action_id=room["action_id"])
    board = (await phone.receive_until("board", lambda m: len(m["board"]["actions"]) == 1))["board"]
    assert board["actions"] == [
        {
            "action_id": runbook["action_id"],
            "text": "Write the on-call runbook",
            "owner": "Jo",
            "due": "2026-12-18",
            "topic_id": None,
            "topic_title": None,
        }
    ]
    await facilitator.refused("delete_action", "not_found", action_id=room["action_id"])
    await facilitator.refused(
        "edit_action", "not_found", action_id=room["action_id"], text="X", owner="Y", due="2026-12-04"
    )
    await facilitator.command("record_action", text="Later", owner="Priya", due="next week")
    bad_date = await facilitator.receive_until("error")
    assert bad_date["code"] == "invalid"
    assert "due" in bad_date["message"]
    await facilitator.refused("record_action", "invalid", text="No owner", owner=" ", due="2026-12-04")

    await facilitator.move("close")
    await facilitator.ok(
        "edit_action", action_id=runbook["action_id"], text="Runbook", owner="Jo", due="2026-12-18"
    )
    await facilitator.refused("record_action", "wrong_phase", text="Too late", owner="Sam", due="2026-12-04")
    closing = await phone.receive_until(
        "board", lambda m: [a["text"] for a in m["board"]["actions"]] == ["Runbook"]
    )
    assert closing["board"]["phase"] == "close"


async def test_review_takes_outcomes_only_for_actions_under_review(clients: Clients) -> None:
    facilitator = await clients.facilitator()
    await facilitator.refused(
        "review_action", "wrong_phase", ref=f"{NO_SUCH_ID}/{NO_SUCH_ID}", outcome="done"
    )
    await facilitator.move("review")  # a step back from Write
    await facilitator.refused("review_action", "not_found", ref=f"{NO_SUCH_ID}/{NO_SUCH_ID}", outcome="done")
    await facilitator.refused("review_action", "invalid", ref=f"{NO_SUCH_ID}/{NO_SUCH_ID}", outcome="maybe")


# --- close and the end -----------------------------------------------------------------------------------


async def test_roti_is_answered_in_close_and_shown_from_enough_answers(clients: Clients) -> None:
    facilitator = await clients.facilitator()
    first, second, third = [await clients.join() for _ in range(3)]
    await first.refused("answer_roti", "wrong_phase", value=4)
    await facilitator.move("close")  # straight from Write: the reveal happens on the way
    board = (await first.receive_until("board", phase_is("close")))["board"]
    assert board["revealed"] is True
    assert board["closing_questions"] == [
        "What have I learned?",
        "Who will I discuss this with?",
        "How can I help to change things for the better where I work?",
    ]
    assert (board["roti"]["answered"], board["roti"]["shown"], board["roti"]["mean"]) == (0, False, None)

    await first.ok("answer_roti", value=2)
    await first.ok("answer_roti", value=5)
    private = await first.receive_until("private", lambda m: m["private"]["my_roti"] == 5)
    assert private["private"]["my_check_in"] == {}
    await second.ok("answer_roti", value=4)
    board = (await third.receive_until("board", roti_answered(2)))["board"]
    assert (board["roti"]["shown"], board["roti"]["histogram"], board["roti"]["mean"]) == (False, None, None)
    await third.ok("answer_roti", value=3)
    board = (await third.receive_until("board", roti_answered(3)))["board"]
    assert board["roti"]["shown"] is True
    assert board["roti"]["histogram"] == [0, 0, 1, 1, 1]
    assert board["roti"]["mean"] == 4.0
    await third.refused("answer_roti", "invalid", value=6)

    await facilitator.move("ended")
    ended = (await second.receive_until("board", phase_is("ended")))["board"]
    assert (ended["roti"]["answered"], ended["roti"]["mean"]) == (3, 4.0)
    assert ended["closing_questions"] == board["closing_questions"], "they stay on screen after the end"


async def test_no_phone_can_act_after_the_end(clients: Clients) -> None:
    facilitator = await clients.facilitator()
    early = await clients.join()
    await facilitator.move("ended")
    await early.receive_until("board", phase_is("ended"))
    seen_before_the_end = len(early.received)
    attempts: list[tuple[str, Message]] = [
        ("add_item", {"prompt_id": "hard", "text": "Still here", "owner_hash": owner_hash(new_secret())}),
        ("answer_roti", {"value": 5}),
        ("cast_vote", {"topic_id": NO_SUCH_ID}),
    ]
    for kind, fields in attempts:
        refused = await early.refused(kind, "closed", **fields)
        assert refused["message"] == "The retro has closed; nothing more can be added."
    late = await clients.join()
    board = await late.receive_until("board")
    assert (board["board"]["phase"], board["board"]["phase_label"]) == ("ended", "Ended")
    error = await late.run("add_item", prompt_id="hard", text="Too late", owner_hash=owner_hash(new_secret()))
    assert error["code"] == "closed"
    await late.drain()
    assert "private" not in [m["type"] for m in late.messages()], "no dots after the end"
    await early.drain()
    after_the_end = [json.loads(raw)["type"] for raw in early.received[seen_before_the_end:]]
    assert "private" not in after_the_end, "the pseudonyms are gone: nothing is addressed to one phone"
    reopen = await facilitator.run("change_phase", to="write")
    assert reopen["code"] == "wrong_phase"
    await facilitator.refused("change_phase", "invalid", to="ended")
    await facilitator.refused("record_action", "wrong_phase", text="Too late", owner="Sam", due="2026-12-04")


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

    await facilitator.move("check_in")
    for phone, value in [(alice, 3), (bob, 8)]:
        await phone.ok("answer_check_in", question_id="motivation", value=value)
    await facilitator.move("write")
    a = await alice.add_item("Alice on the rota", "hard", item_secrets[0])
    b = await bob.add_item("Bob on the tests", "learning", item_secrets[1])
    withdrawn = await bob.add_item("Bob changes his mind", "help", item_secrets[2])
    c = await alice.add_item("Alice on the help", "help", item_secrets[3])
    assert (await bob.run("withdraw_item", item_id=withdrawn, item_secret=item_secrets[2]))["type"] == "ack"
    await facilitator.move("group")
    await facilitator.move("vote")
    await alice.receive_until("board", phase_is("vote"))
    await bob.receive_until("board", phase_is("vote"))
    for phone, topic_id in [(alice, a), (alice, b), (bob, b), (bob, c), (bob, c)]:
        assert (await phone.run("cast_vote", topic_id=topic_id))["type"] == "ack"
    assert (await bob.run("retract_vote", topic_id=c))["type"] == "ack"
    await facilitator.move("discuss")
    await facilitator.ok("start_discussion", topic_id=b)
    await facilitator.ok("add_note", topic_id=b, text="Flaky tests cost a day")
    await facilitator.move("actions")
    recorded = await facilitator.run(
        "record_action", text="Rotate the pager", owner="Priya", due="2026-12-04"
    )
    assert recorded["type"] == "ack"
    await facilitator.move("close")
    for phone, value in [(alice, 4), (bob, 2)]:
        await phone.ok("answer_roti", value=value)
    await facilitator.move("ended")
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
    assert len(everything) > 40
    leaks = [(name, raw) for name, raw in everything for secret in forbidden if secret in raw]
    assert leaks == []
    keys = {key for _, raw in everything for key in walk_keys(json.loads(raw))}
    assert not keys & {"owner_hash", "ballot", "pseudonym", "secret", "author", "key", "time", "created_at"}
    assert not [raw for _, raw in everything if "Bob changes his mind" in raw]

    final = (await (await clients.join()).receive_until("board"))["board"]
    assert final["phase"] == "ended"
    assert {topic["topic_id"]: topic["votes"] for topic in final["topics"]} == {a: 1, b: 2, c: 1}
    assert [action["text"] for action in final["actions"]] == ["Rotate the pager"]
    assert summary(final, "motivation")["answered"] == 2
    assert summary(final, "motivation")["mean"] is None
    assert final["roti"]["answered"] == 2
    for phone in phones:
        assert phone.ws.close_code is None
