"""A phone that applies board patches, as the phone page does: its board rebuilt from a versioned `board`
and every `patch` after it, so that tests can compare it with the whole board a new phone gets."""

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import connect

from server.board_document import board_message, document
from server.merge_patch import apply
from server.protocol import SERVER_ADAPTER
from tests.support.client import TIMEOUT, Client, Message, new_secret


@dataclass
class PatchingPhone:
    client: Client
    version: int = 0
    doc: dict[str, Any] = field(default_factory=dict)
    gaps: int = 0
    """Patches that did not follow on from the version this phone held."""

    @classmethod
    async def join(cls, websocket_url: str, secret: str | None = None) -> "PatchingPhone":
        client = Client(await connect(websocket_url, proxy=None, open_timeout=TIMEOUT))
        client.secret = secret or new_secret()
        hello = {
            "type": "hello",
            "id": Client.new_id(),
            "protocol": 1,
            "secret": client.secret,
            "patches": True,
        }
        await client.send(hello)
        phone = cls(client)
        async with asyncio.timeout(TIMEOUT):
            assert (await phone.recv())["type"] == "welcome"
            assert (await phone.recv())["type"] == "board", "the whole board follows the welcome"
        return phone

    async def recv(self) -> Message:
        """The next message, checked against the protocol and taken in: a board or patch updates the board."""
        message = await self.client.recv()
        SERVER_ADAPTER.validate_python(message)
        if message["type"] == "board":
            assert isinstance(message["version"], int), "a phone that applies patches gets versioned boards"
            self.version, self.doc = message["version"], document(message)
        elif message["type"] == "patch":
            if message["version"] != self.version + 1:
                self.gaps += 1
            else:
                self.version, self.doc = message["version"], apply(self.doc, message["patch"])
        return message

    def board(self) -> Message:
        """The board this phone holds now, as a `board` message's `board`."""
        shown: Message = board_message(self.doc)["board"]
        return shown

    async def board_until(self, pred: Any, timeout: float = TIMEOUT) -> Message:
        try:
            async with asyncio.timeout(timeout):
                while not (self.doc and pred(self.board())):
                    await self.recv()
        except TimeoutError:
            raise AssertionError(f"no board as wanted within {timeout}s; last {self.board()}") from None
        return self.board()

    async def until_version(self, version: int) -> None:
        async with asyncio.timeout(TIMEOUT):
            while self.version < version:
                await self.recv()

    async def drain(self, quiet: float = 0.2) -> list[Message]:
        drained: list[Message] = []
        while True:
            try:
                async with asyncio.timeout(quiet):
                    drained.append(await self.recv())
            except TimeoutError:
                return drained

    def frames(self, type_: str) -> list[str]:
        return [raw for raw in self.client.received if json.loads(raw)["type"] == type_]

    async def close(self) -> None:
        await self.client.close()
