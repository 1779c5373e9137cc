"""Revoking a team stops its tokens at once: its open connections close, and its next hello is refused."""

import asyncio
import json

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from retro.credentials import add_team, issue_operator_token
from retro.sqlite_store import SqliteStore
from server.app import RetroServer
from tests.support.fuzzing import TIMEOUT


async def said_hello(door: str, token: str) -> tuple[ClientConnection, dict[str, object]]:
    websocket = await connect(door)
    await websocket.send(json.dumps({"type": "hello", "id": "hello-0001", "protocol": 1, "token": token}))
    async with asyncio.timeout(TIMEOUT):
        reply: dict[str, object] = json.loads(await websocket.recv())
    return websocket, reply


async def asked(websocket: ClientConnection, ask: dict[str, object], number: int = 1) -> dict[str, object]:
    message_id = f"request-{number:04}"
    await websocket.send(json.dumps({"type": "request", "id": message_id, "ask": ask}))
    async with asyncio.timeout(TIMEOUT):
        while True:
            reply: dict[str, object] = json.loads(await websocket.recv())
            if reply.get("id") == message_id:
                return reply


async def test_a_revoked_teams_open_connection_closes_and_its_token_is_refused(
    shared_server: RetroServer, store: SqliteStore
) -> None:
    server = shared_server
    operator_token, ward = issue_operator_token(store), add_team(store, "Ward 7")
    pharmacy = add_team(store, "Pharmacy")
    assert operator_token is not None
    facilitating, welcome = await said_hello(server.facilitator_door, ward)
    assert welcome["role"] == "team"
    assert (await asked(facilitating, {"kind": "open", "title": "Weekly"}))["type"] == "answer"
    other, _ = await said_hello(server.facilitator_door, pharmacy)

    operator, _ = await said_hello(server.facilitator_door, operator_token)
    revoked = await asked(operator, {"kind": "team_revoke", "name": "Ward 7"})
    assert revoked["result"] == {"kind": "team_revoked", "name": "Ward 7"}

    with pytest.raises(ConnectionClosed):
        async with asyncio.timeout(TIMEOUT):
            while True:
                await facilitating.recv()
    assert (facilitating.close_code, facilitating.close_reason) == (1008, "revoked")
    again, refusal = await said_hello(server.facilitator_door, ward)
    assert refusal["code"] == "forbidden"
    assert refusal["message"] == "That token is wrong or has been revoked."
    assert (await asked(other, {"kind": "history"}))["type"] == "answer", "another team is not touched"
    for websocket in (again, other, operator):
        await websocket.close()
