"""`retro serve` as a service: health and readiness, keepalive pings, a log with no personal data, and a
graceful SIGTERM that sends phones away with 1012, spread over the drain window, to come back after."""

import asyncio
import json
import signal
import subprocess
from pathlib import Path

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from retro.session import Session
from retro.sqlite_store import SqliteStore
from server.app import SERVICE_RESTART, RetroServer, ServerConfig
from tests.support.client import Client, new_secret
from tests.support.serve import start_serve
from tests.support.waiting import http_status, until

ITEM_TEXT = "Nobody answered the bleep on nights"


async def status(server: RetroServer, path: str) -> int:
    return await asyncio.to_thread(http_status, f"http://127.0.0.1:{server.port}{path}")


async def test_readyz_says_ready_while_the_store_answers_and_503_once_it_does_not(
    server: RetroServer, store: SqliteStore
) -> None:
    assert await status(server, "/healthz") == 200
    assert await status(server, "/readyz") == 200

    store.close()

    assert await status(server, "/readyz") == 503
    assert await status(server, "/healthz") == 200, "alive, though not ready"


def test_keepalive_pings_every_twenty_seconds_by_default() -> None:
    config = ServerConfig()
    assert (config.ping_interval, config.ping_timeout) == (20.0, 20.0)


async def test_the_server_pings_a_quiet_phone_at_the_configured_interval(session: Session) -> None:
    server = RetroServer(session, ServerConfig(host="127.0.0.1", port=0, ping_interval=0.1, ping_timeout=2))
    await server.start()
    try:
        url = f"ws://127.0.0.1:{server.port}/ws/{server.session.join_token}"
        phone = await Client.join(url)
        assert server._server is not None
        [connection] = server._server.connections
        await until(lambda: connection.latency > 0, timeout=5)  # a ping went out and its pong came back
        await phone.close()
    finally:
        await server.stop()


def stop(process: subprocess.Popen[str]) -> str:
    """SIGTERM, then everything it wrote on stderr; it must exit 0 without a traceback."""
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    return stderr


async def test_the_json_log_has_one_event_per_line_and_no_address_agent_token_or_text(tmp_path: Path) -> None:
    process, printed = start_serve(
        tmp_path / "r.db", "--port", "0", "--log-format", "json", "--drain-seconds", "0"
    )
    try:
        url, key = printed["Facilitator URL"], printed["Facilitator key"]
        facilitator = await Client.join(url, facilitator_key=key)
        await facilitator.move("write")
        phone = await Client.join(url)
        await phone.add_item(ITEM_TEXT)
        await phone.close()
        await facilitator.board_until(lambda board: board["counts"]["learning"] == 1)
        assert await refusal_code(url, key="wrong-key-0000") == "forbidden"
        await facilitator.close()
    finally:
        stderr = stop(process)

    events = [json.loads(line) for line in stderr.splitlines()]
    names = [event["event"] for event in events]
    assert names[0] == "started" and names[-1] == "stopped", names
    assert {"event": "phase_changed", "phase": "write"}.items() <= next(
        event for event in events if event["event"] == "phase_changed"
    ).items()
    assert [event["joined"] for event in events if event["event"] == "phones"] == [1, 0]
    assert any(event["event"] == "refused" and event["code"] == "forbidden" for event in events)
    secrets = [key, printed["Join URL"].rsplit("/", 1)[1], phone.secret or "", *phone.item_secrets.values()]
    for private in ["127.0.0.1", "websockets/", "Python/", ITEM_TEXT, "bleep", *secrets]:
        assert private not in stderr, private


async def refusal_code(url: str, **hello: str) -> str:
    """Say a hello the server must refuse; the refusal's code, once the server has closed the door."""
    async with connect(url, proxy=None) as websocket:
        await websocket.send(json.dumps({"type": "hello", "id": Client.new_id(), "protocol": 1, **hello}))
        refusal = json.loads(await websocket.recv())
        await websocket.wait_closed()
    code: str = refusal["code"]
    return code


async def closed_at(client: Client) -> tuple[float, int | None]:
    """When the server closed this connection, and with which code."""
    try:
        while True:
            await client.websocket.recv()
    except ConnectionClosed:
        return asyncio.get_running_loop().time(), client.websocket.close_code


async def test_sigterm_sends_every_connection_away_with_1012_spread_over_the_window_and_phones_come_back(
    tmp_path: Path,
) -> None:
    db = tmp_path / "r.db"
    drain = 2.0
    process, printed = start_serve(db, "--port", "0", "--drain-seconds", str(drain))
    url, key = printed["Facilitator URL"], printed["Facilitator key"]
    try:
        facilitator = await Client.join(url, facilitator_key=key)
        await facilitator.move("write")
        phones = [await Client.join(url) for _ in range(5)]
        await facilitator.command("lock_joining", locked=True)
        closes = [asyncio.create_task(closed_at(client)) for client in [facilitator, *phones]]
    finally:
        stderr = await asyncio.to_thread(stop, process)

    results = await asyncio.gather(*closes)
    assert [code for _, code in results] == [SERVICE_RESTART] * 6
    times = sorted(when for when, _ in results)
    assert times[-1] - times[0] >= drain / 2, "the closes are spread out, not all at one instant"
    assert times[-1] - times[0] <= drain + 5
    assert "draining" in stderr

    resumed, printed_again = start_serve(db, "--resume")
    try:
        assert printed_again["Facilitator URL"] == url
        back = await Client.join(url, secret=phones[0].secret)
        await back.wait_for("board")
        await back.close()
        newcomer = await refusal_code(url, secret=new_secret())
        assert newcomer == "joining_locked", "joining is locked, so only a known phone gets back in"
    finally:
        stop(resumed)
