"""Rooms on a shared server: an ended retro that nobody is connected to leaves memory, and its link closes;
an open retro comes back from the store after a restart."""

import asyncio

from retro.credentials import add_team
from retro.sqlite_store import SqliteStore
from server.app import RetroServer, ServerConfig
from tests.support.client import Client
from tests.support.facilitator import TokenClient
from tests.support.waiting import http_status, until


async def test_an_ended_retro_leaves_memory_once_nobody_is_in_and_its_link_closes(
    shared_server: RetroServer, store: SqliteStore
) -> None:
    server = shared_server
    facilitator = await TokenClient.hello(server.facilitator_door, add_team(store, "Ward 7"))
    opened = await facilitator.open("Weekly")
    assert facilitator.join_path is not None
    phone_url = server.address.websocket_url(facilitator.join_path.removeprefix("/j/"))
    phone = await Client.join(phone_url)
    await facilitator.move("ended")
    assert len(server.rooms) == 1, "still held while anyone is connected"

    await phone.close()
    await facilitator.close()
    await until(lambda: len(server.rooms) == 0)

    page = f"http://127.0.0.1:{server.port}{facilitator.join_path}"
    assert await asyncio.to_thread(http_status, page) == 404
    assert opened["kind"] == "opened"


async def test_an_open_retro_is_found_by_its_link_after_a_restart(store: SqliteStore) -> None:
    first = RetroServer(None, ServerConfig(host="127.0.0.1", port=0), store)
    await first.start()
    facilitator = await TokenClient.hello(first.facilitator_door, add_team(store, "Ward 7"))
    await facilitator.open("Weekly")
    assert facilitator.join_path is not None
    token = facilitator.join_path.removeprefix("/j/")
    await facilitator.close()
    await first.stop()

    restarted = RetroServer(None, ServerConfig(host="127.0.0.1", port=0), store)
    await restarted.start()
    try:
        phone = await Client.join(restarted.address.websocket_url(token))
        board = await phone.board_until(lambda board: board["title"] == "Weekly")
        assert board["phase"] == "review"
        await phone.close()
    finally:
        await restarted.stop()
