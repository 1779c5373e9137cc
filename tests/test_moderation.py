"""Room moderation and private notices over real websockets: locked joining, a rotated link, held items."""

import asyncio
import json
import secrets
from typing import Any

import pytest
from websockets.asyncio.client import connect

from retro.actors import Facilitator
from retro.commands import HoldItem, LockJoining, RotateJoinToken
from retro.hold_reasons import PRESET_MARK
from retro.screening import HeldNotice, unseal
from retro.secrets import owner_hash
from retro.session import Session
from server.app import RetroServer, ServerConfig
from tests.support.client import Client
from tests.support.waiting import http_status


def ws_url(server: RetroServer, token: str) -> str:
    return f"ws://127.0.0.1:{server.port}/ws/{token}"


async def refused_hello(url: str) -> dict[str, object]:
    """A new phone's hello, answered with an error and a closed socket."""
    async with connect(url) as websocket:
        hello = {"type": "hello", "id": Client.new_id(), "protocol": 1, "secret": secrets.token_urlsafe(24)}
        await websocket.send(json.dumps(hello))
        answer: dict[str, object] = json.loads(await asyncio.wait_for(websocket.recv(), 5))
        await asyncio.wait_for(websocket.wait_closed(), 5)
    return answer


@pytest.fixture
def server(resealing_server: RetroServer) -> RetroServer:
    """Holds reach their authors at once here."""
    return resealing_server


async def test_a_locked_room_keeps_new_phones_out_and_lets_joined_ones_back(server: RetroServer) -> None:
    joined_secret = secrets.token_urlsafe(24)
    inside = await Client.join(server.websocket_url, secret=joined_secret)
    server.session.execute(Facilitator(), LockJoining(locked=True))
    answer = await refused_hello(server.websocket_url)
    assert (answer["type"], answer["code"]) == ("error", "joining_locked")
    assert answer["message"] == "The facilitator has locked joining for now."
    await inside.close()
    back = await Client.join(server.websocket_url, secret=joined_secret)
    assert (await back.wait_for("board"))["board"]["joining_locked"] is True
    server.session.execute(Facilitator(), LockJoining(locked=False))
    newcomer = await Client.join(server.websocket_url)
    await newcomer.close()
    await back.close()


async def test_a_rotated_link_stops_old_links_for_new_phones_only(server: RetroServer) -> None:
    old_token = server.session.record.join_token
    old_page = server.join_url
    joined_secret = secrets.token_urlsafe(24)
    inside = await Client.join(server.websocket_url, secret=joined_secret)
    server.session.execute(Facilitator(), RotateJoinToken())
    new_token = server.session.record.join_token
    assert new_token != old_token and server.join_url.endswith(new_token)

    assert await asyncio.to_thread(http_status, old_page) == 200, "the page says the link was replaced"
    assert await asyncio.to_thread(http_status, server.join_url) == 200
    answer = await refused_hello(ws_url(server, old_token))
    assert (answer["code"], answer["message"]) == (
        "expired_link",
        "This join link has been replaced. Scan the new QR code to join.",
    )
    await inside.add_item("Still in after the rotation")
    await inside.close()
    again = Client(await connect(ws_url(server, old_token)))
    await again.send({"type": "hello", "id": Client.new_id(), "protocol": 1, "secret": joined_secret})
    welcome = await again.wait_for("welcome")
    assert welcome["join_path"] == f"/j/{new_token}", "a phone already in is told where the retro moved"
    await again.close()
    newcomer = await Client.join(server.websocket_url)
    await newcomer.close()


@pytest.mark.parametrize("held_count", [1, 9])
async def test_only_the_author_can_open_a_held_notice(server: RetroServer, held_count: int) -> None:
    author, other = await Client.join(server.websocket_url), await Client.join(server.websocket_url)
    ids = [await author.add_item(f"Item {n} that names Sam") for n in range(held_count)]
    for item_id in ids:
        server.session.execute(Facilitator(), HoldItem(item_id=item_id, reason="Names or points at a person"))
    mine = [owner_hash(author.item_secrets[item_id]) for item_id in ids]

    def opened(message: dict[str, Any]) -> list[str | None]:
        notices = [HeldNotice.model_validate(n) for n in message["held_notices"]]
        return [
            next((r for n in notices if (r := unseal(n, m, message["notice_nonce"]))), None) for m in mine
        ]

    async with asyncio.timeout(5):
        message = await other.wait_for("board")
        while None in opened(message):
            message = await other.wait_for("board")
    assert opened(message) == [PRESET_MARK + "names_a_person"] * held_count
    assert len(message["held_notices"]) == (8 if held_count <= 8 else 16)
    assert not [raw for raw in map(json.dumps, other.messages()) if "points at a person" in raw]
    assert server.session.state.items and all(i in server.session.state.held for i in ids)
    await author.close()
    await other.close()


async def test_phones_already_in_get_back_after_a_restart_through_a_locked_door_and_an_old_link(
    server: RetroServer,
) -> None:
    session = server.session
    old_token = session.record.join_token
    secret = secrets.token_urlsafe(24)
    writer = await Client.join(server.websocket_url, secret=secret)
    await writer.add_item("Written before the restart")
    await writer.close()
    session.execute(Facilitator(), LockJoining(locked=True))
    session.execute(Facilitator(), RotateJoinToken())
    await server.stop()

    resumed = Session.resume(session.store, session.record)
    restarted = RetroServer(resumed, ServerConfig(host="127.0.0.1", port=0))
    await restarted.start()
    try:
        back = Client(await connect(ws_url(restarted, old_token)))
        await back.send({"type": "hello", "id": Client.new_id(), "protocol": 1, "secret": secret})
        assert (await back.wait_for("welcome"))["join_path"] == f"/j/{resumed.record.join_token}"
        await back.close()
        answer = await refused_hello(ws_url(restarted, resumed.record.join_token))
        assert answer["code"] == "joining_locked"
    finally:
        await restarted.stop()
