"""The one websocket test client: a phone (or the facilitator) speaking the protocol to a real server.

It keeps every text frame it received, so that a test can assert on all of it afterwards.
"""

import asyncio
import json
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from retro.secrets import owner_hash
from retro.session import Session
from server.app import RetroServer, ServerConfig

Message = dict[str, Any]
Predicate = Callable[[Message], bool]

TIMEOUT = 5.0
"""How long to wait for a message before failing: long enough for two busy cores, short enough to fail."""
QUIET = 0.2
"""How long without a message counts as 'nothing more is coming' (the hub flushes every 50 ms)."""


def new_secret() -> str:
    return secrets.token_urlsafe(24)


@dataclass
class Client:
    """One websocket connection, remembering every text frame it received."""

    websocket: ClientConnection
    secret: str | None = None
    received: list[str] = field(default_factory=list)
    item_secrets: dict[str, str] = field(default_factory=dict)
    """Each item this client added, with the secret that proves it wrote it."""

    @classmethod
    async def join(
        cls,
        websocket_url: str,
        secret: str | None = None,
        facilitator_key: str | None = None,
        wrote: bool = False,
    ) -> "Client":
        """Connect and say hello as a phone, or as the facilitator when given the key; the welcome is read."""
        client = cls(await connect(websocket_url, proxy=None, open_timeout=TIMEOUT))
        hello: Message = {"type": "hello", "id": cls.new_id(), "protocol": 1}
        if facilitator_key is not None:
            hello["key"] = facilitator_key
        else:
            client.secret = secret or new_secret()
            hello["secret"] = client.secret
        if wrote:
            hello["wrote"] = True
        await client.send(hello)
        async with asyncio.timeout(TIMEOUT):
            welcome = await client.recv()
        assert welcome["type"] == "welcome", welcome
        return client

    @staticmethod
    def new_id() -> str:
        return secrets.token_urlsafe(12)

    async def send(self, message: Message) -> None:
        await self.websocket.send(json.dumps(message))

    async def recv(self) -> Message:
        raw = await self.websocket.recv()
        assert isinstance(raw, str), "the server sends text frames only"
        self.received.append(raw)
        message: Message = json.loads(raw)
        return message

    async def close(self) -> None:
        await self.websocket.close()

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

    async def wait_for(self, type_: str, pred: Predicate | None = None, timeout: float = TIMEOUT) -> Message:
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

    async def send_command(self, kind: str, message_id: str | None = None, **fields: Any) -> str:
        """Send a command without waiting for its reply; the message id, to find the reply by."""
        message_id = message_id or self.new_id()
        await self.send({"type": "command", "id": message_id, "command": {"kind": kind, **fields}})
        return message_id

    async def run(self, kind: str, **fields: Any) -> Message:
        """Send a command and return its reply, ack or error."""
        return await self.reply(await self.send_command(kind, **fields))

    async def command(self, kind: str, **fields: Any) -> Message:
        """Send a command that must be acknowledged; the ack."""
        reply = await self.run(kind, **fields)
        assert reply["type"] == "ack", f"refused: {reply}"
        return reply

    async def refused(self, kind: str, code: str, **fields: Any) -> Message:
        """Send a command that must be refused with this code."""
        reply = await self.run(kind, **fields)
        assert (reply["type"], reply.get("code")) == ("error", code), reply
        return reply

    async def move(self, to: str) -> None:
        await self.command("change_phase", to=to)

    async def add_item(self, text: str, prompt_id: str = "learning", item_secret: str | None = None) -> str:
        item_secret = item_secret or new_secret()
        ack = await self.command(
            "add_item", prompt_id=prompt_id, text=text, owner_hash=owner_hash(item_secret)
        )
        item_id: str = ack["item_id"]
        self.item_secrets[item_id] = item_secret
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
        self.opened: list[Client] = []

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.server.port}/ws/{self.server.session.record.join_token}"

    async def connect(self) -> Client:
        """A connection that has not said hello yet."""
        client = Client(await connect(self.url, proxy=None, open_timeout=TIMEOUT))
        self.opened.append(client)
        return client

    async def join(self, secret: str | None = None, key: str | None = None, wrote: bool = False) -> Client:
        """Connect, say hello as a phone (or as the facilitator, given a key), and read the welcome."""
        client = await Client.join(self.url, secret=secret, facilitator_key=key, wrote=wrote)
        self.opened.append(client)
        role = "facilitator" if key is not None else "participant"
        join_path = f"/j/{self.server.session.record.join_token}"
        [welcome] = client.messages()
        assert welcome == {"type": "welcome", "protocol": 1, "role": role, "join_path": join_path}
        return client

    async def facilitator(self) -> Client:
        return await self.join(key=self.server.session.record.facilitator_key)

    async def close_all(self) -> None:
        for client in self.opened:
            await client.close()


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
