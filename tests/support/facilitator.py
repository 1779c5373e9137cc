"""A credential holder at `/ws/host`: a team's facilitator or the operator, by token, over a real websocket.

It says hello with its token, makes requests (server.asks) answered by id, and once it has opened or resumed
a retro it drives it with commands, like any facilitator. Every frame it receives is kept (`Client.received`).
"""

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.support.client import TIMEOUT, Client, Message


@dataclass
class TokenClient:
    client: Client
    role: str
    """What the welcome called this connection: "team" or "operator"."""
    join_path: str | None = None
    """The join link's path (`/j/<join token>`) of the retro it facilitates, once it opened or resumed one."""

    @classmethod
    async def hello(cls, door: str, token: str) -> "TokenClient":
        """Connect and say hello with the token; the server must welcome it."""
        client = Client(await connect(door, proxy=None, open_timeout=TIMEOUT))
        await client.send({"type": "hello", "id": Client.new_id(), "protocol": 1, "token": token})
        async with asyncio.timeout(TIMEOUT):
            welcome = await client.recv()
        assert welcome["type"] == "welcome", welcome
        return cls(client, welcome["role"])

    async def ask(self, kind: str, **fields: Any) -> Message:
        """A request, and the `answer` or `error` carrying its id."""
        request_id = Client.new_id()
        await self.client.send({"type": "request", "id": request_id, "ask": {"kind": kind, **fields}})
        return await self.client.receive_matching(
            lambda m: m["type"] in {"answer", "error"} and m["id"] == request_id, f"answer to {kind!r}"
        )

    async def answered(self, kind: str, **fields: Any) -> Message:
        """A request that must be answered; its result."""
        reply = await self.ask(kind, **fields)
        assert reply["type"] == "answer", reply
        result: Message = reply["result"]
        return result

    async def refused(self, code: str, kind: str, **fields: Any) -> str:
        """A request that must be refused with this code; the sentence that says why."""
        reply = await self.ask(kind, **fields)
        assert (reply["type"], reply.get("code")) == ("error", code), reply
        sentence: str = reply["message"]
        return sentence

    async def open(self, title: str, **fields: Any) -> Message:
        """Open a retro for the team; the `opened` result. Its first facilitator view gives the join path."""
        opened = await self.answered("open", title=title, **fields)
        await self._bound()
        return opened

    async def resume(self, retro_id: str | None = None) -> Message:
        resumed = await self.answered("resume", **({"retro_id": retro_id} if retro_id else {}))
        await self._bound()
        return resumed

    async def _bound(self) -> None:
        view = await self.client.wait_for("facilitator")
        self.join_path = view["join_path"]

    async def add_team(self, name: str) -> str:
        """As the operator: add a team; its facilitator token, shown this once."""
        added = await self.answered("team_add", name=name)
        token: str = added["token"]
        return token

    async def move(self, to: str) -> Message:
        """Change the phase; the facilitator's own board once it shows the new phase."""
        await self.client.move(to)
        shown = [board for board in self.client.boards() if board["phase"] == to]
        return shown[-1] if shown else await self.client.board_until(lambda board: board["phase"] == to)

    async def close(self) -> None:
        await self.client.close()


@dataclass(frozen=True)
class TurnedAway:
    """A hello the server refused: its error, then the close."""

    code: str
    message: str
    close_code: int | None
    close_reason: str | None


async def turned_away(url: str, **hello: Any) -> TurnedAway:
    """Say a hello the server must refuse; what it answered, once it has closed the connection."""
    async with connect(url, proxy=None, open_timeout=TIMEOUT) as websocket:
        await websocket.send(json.dumps({"type": "hello", "id": Client.new_id(), "protocol": 1, **hello}))
        async with asyncio.timeout(TIMEOUT):
            refusal = json.loads(await websocket.recv())
            await websocket.wait_closed()
    assert refusal["type"] == "error", refusal
    return TurnedAway(refusal["code"], refusal["message"], websocket.close_code, websocket.close_reason)


async def closed_by_server(client: Client) -> tuple[int | None, str | None]:
    """Wait until the server closes this connection, keeping whatever arrives; its close code and reason."""
    try:
        async with asyncio.timeout(TIMEOUT):
            while True:
                await client.recv()
    except ConnectionClosed:
        pass
    return client.websocket.close_code, client.websocket.close_reason
