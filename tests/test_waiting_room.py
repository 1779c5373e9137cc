"""Nobody with the link can lock the room: silent sockets keep out neither new phones, nor known ones, nor
the facilitator, count towards no cap, and are let go after the hello timeout; the cap on phones holds."""

import secrets
import subprocess
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from retro.session import Session
from server.app import ServerConfig
from tests.support.client import Client
from tests.support.doors import (
    LogWatch,
    closed_with,
    first_answer,
    hello,
    serving,
)
from tests.support.serve import RETRO, start_serve
from tests.support.waiting import until


async def test_silent_sockets_keep_out_neither_new_phones_nor_known_ones_nor_the_facilitator(
    session: Session, logs: LogWatch
) -> None:
    async with serving(session, max_waiting=3, max_participants=2, hello_timeout=60) as server:
        url, key = server.websocket_url, session.record.facilitator_key
        known_secret = secrets.token_urlsafe(24)
        await (await Client.join(url, secret=known_secret)).close()
        await until(lambda: server.hub.phones_in == 0)

        silent = [await connect(url) for _ in range(3)]
        await until(lambda: len(server.admission.waiting) == 3)
        newcomer = await Client.join(url)
        assert await closed_with(silent[0]) == 1013, "the longest-waiting silent socket made room"
        second = await Client.join(url)
        assert server.hub.phones_in == 2

        late = await connect(url)
        await late.send(hello())
        refusal = await first_answer(late)
        assert (refusal["type"], refusal["code"]) == ("error", "full")
        assert await closed_with(late) == 1013

        back = await Client.join(url, secret=known_secret)
        facilitator = await Client.join(url, facilitator_key=key)
        assert server.hub.phones_in == 3, "known phones get in past the cap"
        assert len(server.admission.waiting) <= 3
        for client in (newcomer, second, back, facilitator):
            await client.close()
        for socket in silent:
            await socket.close()
    logs.assert_quiet()


async def test_silent_sockets_do_not_count_towards_the_cap_on_phones(session: Session) -> None:
    async with serving(session, max_waiting=10, max_participants=1, hello_timeout=60) as server:
        silent = [await connect(server.websocket_url) for _ in range(5)]
        await until(lambda: len(server.admission.waiting) == 5)
        phone = await Client.join(server.websocket_url)
        await phone.add_item("In, past five silent sockets")
        await phone.close()
        for socket in silent:
            await socket.close()


async def test_a_silent_socket_is_let_go_after_the_hello_timeout(session: Session, logs: LogWatch) -> None:
    assert ServerConfig().hello_timeout <= 5
    async with serving(session, hello_timeout=0.3) as server:
        silent = await connect(server.websocket_url)
        assert await closed_with(silent) == 1008
        await until(lambda: len(server.admission.waiting) == 0)
    logs.assert_quiet()


async def test_max_phones_caps_a_served_retro(tmp_path: Path) -> None:
    process, printed = start_serve(tmp_path / "r.db", "--port", "0", "--max-phones", "1")
    try:
        url = printed["Facilitator URL"]
        first_secret = secrets.token_urlsafe(24)
        first = await Client.join(url, secret=first_secret)
        async with connect(url) as second:
            await second.send(hello())
            assert (await first_answer(second))["code"] == "full"
        again = await Client.join(url, secret=first_secret)
        await again.close()
        await first.close()
    finally:
        process.terminate()
        process.communicate(timeout=10)


@pytest.mark.parametrize("option", ["--max-phones", "--max-items"])
def test_a_cap_must_be_at_least_one(tmp_path: Path, option: str) -> None:
    result = subprocess.run(
        [*RETRO, "serve", "--db", str(tmp_path / "r.db"), option, "0"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert option in result.stderr and "Traceback" not in result.stderr


async def test_max_items_caps_the_items_in_a_served_retro_and_says_so(tmp_path: Path) -> None:
    process, printed = start_serve(tmp_path / "r.db", "--port", "0", "--max-items", "2")
    try:
        url = printed["Facilitator URL"]
        facilitator = await Client.join(url, facilitator_key=printed["Facilitator key"])
        await facilitator.move("write")
        phone = await Client.join(url)
        await phone.add_item("Handover ran late", "hard")
        await phone.add_item("Pairing helped", "learning")
        refused = await phone.refused(
            "add_item", "limit", prompt_id="help", text="One more", owner_hash="a" * 64
        )
        assert refused["message"] == "This retro has reached its limit of items."
        await phone.close()
        await facilitator.close()
    finally:
        process.terminate()
        process.communicate(timeout=10)
