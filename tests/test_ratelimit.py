"""The token bucket on each connection: a flood is refused in part, and the connection survives."""

import asyncio

from retro.secrets import owner_hash
from server.app import RetroServer
from tests.support.boards import (
    NO_SUCH_ID,
    is_reply,
    total,
)
from tests.support.client import Clients


async def test_a_flood_is_rate_limited_and_the_connection_survives(
    clients: Clients, server: RetroServer
) -> None:
    phone = await clients.join()
    for _ in range(40):  # cheap refusals first, so the burst is spent whatever the disk's speed
        await phone.send_command("cast_vote", topic_id=NO_SUCH_ID)
    for n in range(20):
        await phone.send_command(
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
    board = await phone.wait_for("board", lambda m: total(m) == acked + 1)
    assert board["board"]["counts"]["learning"] == acked + 1
    assert phone.websocket.close_code is None
