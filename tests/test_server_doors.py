"""Every door of the server over a real loopback port: hostile frames, hand-written HTTP, silent sockets,
and an old link after the facilitator replaced it. Nothing a client sends may print a traceback."""

import asyncio
import json
import re
import secrets
import ssl
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Origin

from retro.actors import Facilitator
from retro.commands import RotateJoinToken
from retro.secrets import owner_hash
from retro.session import Session
from retro.sqlite_store import SqliteStore
from server.app import RetroServer, ServerConfig
from server.protocol import ERROR_CODES
from tests.support.browser import PHONE_VIEWPORT, chromium
from tests.support.client import Client
from tests.support.doors import TIMEOUT, LogWatch, assert_valid_reply, exchange
from tests.support.serve import RETRO, self_signed, start_serve
from tests.support.waiting import until

UPGRADE_KEY = "dGhlIHNhbXBsZSBub25jZQ=="
NOT_FOUND_HEADING = "There is no retro at this address"


# --- hand-written HTTP -------------------------------------------------------------------------------


def upgrade(port: int, path: str, *extra: str, host: str | None = None) -> list[str]:
    """A websocket upgrade request as a browser would send it, plus any extra header lines."""
    return [
        f"GET {path} HTTP/1.1",
        f"Host: {host or f'127.0.0.1:{port}'}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {UPGRADE_KEY}",
        "Sec-WebSocket-Version: 13",
        *extra,
    ]


@asynccontextmanager
async def serving(session: Session, **settings: Any) -> AsyncIterator[RetroServer]:
    config = ServerConfig(**{"host": "127.0.0.1", "port": 0, **settings})
    server = RetroServer(session, config)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def ws_path(server: RetroServer, token: str | None = None) -> str:
    return f"/ws/{token or server.session.record.join_token}"


def hello(secret: str | None = None, key: str | None = None) -> str:
    message: dict[str, Any] = {"type": "hello", "id": Client.new_id(), "protocol": 1}
    if key is not None:
        message["key"] = key
    else:
        message["secret"] = secret or secrets.token_urlsafe(24)
    return json.dumps(message)


async def first_answer(websocket: ClientConnection) -> dict[str, Any]:
    async with asyncio.timeout(TIMEOUT):
        return assert_valid_reply(await websocket.recv())


async def closed_with(websocket: ClientConnection) -> int | None:
    """Read until the server closes the connection; its close code."""
    with pytest.raises(ConnectionClosed):
        async with asyncio.timeout(TIMEOUT):
            while True:
                await websocket.recv()
    return websocket.close_code


# --- 1. no client input can crash a handler ----------------------------------------------------------

NESTED = {
    "1,000 nested arrays": "[" * 1000 + "]" * 1000,
    "1,500 nested lists in a command": '{"type": "command", "id": "abcdefgh12", "command": '
    + "[" * 1500
    + "]" * 1500
    + "}",
    "1,000 nested objects (7 KB)": '{"a": ' * 1000 + "1" + "}" * 1000,
    "30,000 nested arrays (60 KB)": "[" * 30_000 + "]" * 30_000,
}


@pytest.mark.parametrize("frame", NESTED.values(), ids=NESTED.keys())
async def test_deeply_nested_json_gets_an_error_and_the_phone_carries_on(
    server: RetroServer, logs: LogWatch, frame: str
) -> None:
    phone = await Client.join(server.websocket_url)
    await phone.websocket.send(frame)
    error = await phone.wait_for("error")
    assert error["code"] in {"malformed", "too_large"}
    await phone.add_item("Still here after the nesting")
    assert phone.websocket.close_code is None
    await phone.close()
    logs.assert_quiet()


OWNER = owner_hash("a-per-item-secret-for-tests")
MALFORMED = {
    "binary frame": b"\x00\xff\xfe",
    "binary JSON": b'{"type": "hello"}',
    "empty text": "",
    "not JSON": "hello there",
    "JSON null": "null",
    "a JSON list": "[]",
    "a JSON string": '"command"',
    "type of the wrong type": '{"type": 7, "id": "abcdefgh12"}',
    "id as an object": '{"type": "command", "id": {"a": 1}, "command": {"kind": "extend_timer"}}',
    "NaN for a number": '{"type": "command", "id": "abcdefgh12", "command": {"kind": "answer_check_in",'
    ' "question_id": "motivation", "value": NaN}}',
    "Infinity for a number": '{"type": "command", "id": "abcdefgh12", "command": {"kind": "answer_roti",'
    ' "value": Infinity}}',
    "a 400-digit number": '{"type": "command", "id": "abcdefgh12", "command": {"kind": "answer_roti",'
    f' "value": {"9" * 400}}}}}',
    "true for a number": '{"type": "command", "id": "abcdefgh12", "command": {"kind": "answer_roti",'
    ' "value": true}}',
    "duplicate keys": '{"type": "command", "type": "hello", "id": "abcdefgh12", "protocol": 1}',
    "a lone surrogate": '{"type": "command", "id": "abcdefgh12", "command": {"kind": "add_item",'
    f' "prompt_id": "learning", "text": "\\ud83d", "owner_hash": "{OWNER}"}}}}',
    "only control characters": '{"type": "command", "id": "abcdefgh12", "command": {"kind": "add_item",'
    f' "prompt_id": "learning", "text": "\\u001b[2J\\u0007\\u0085", "owner_hash": "{OWNER}"}}}}',
    "a facilitator command": '{"type": "command", "id": "abcdefgh12",'
    ' "command": {"kind": "rotate_join_token"}}',
    "a command nested in a command": '{"type": "command", "id": "abcdefgh12", "command": {"kind": "command",'
    ' "command": {"kind": "extend_timer"}}}',
    "a 10 KB prompt id": '{"type": "command", "id": "abcdefgh12", "command": {"kind": "add_item",'
    f' "prompt_id": "{"p" * 10_000}", "text": "hi", "owner_hash": "{OWNER}"}}}}',
}


@pytest.mark.parametrize("frame", MALFORMED.values(), ids=MALFORMED.keys())
async def test_every_malformed_frame_gets_one_documented_error_and_the_connection_stays(
    server: RetroServer, logs: LogWatch, frame: str | bytes
) -> None:
    phone = await Client.join(server.websocket_url)
    await phone.websocket.send(frame)
    sentinel = Client.new_id()
    await phone.send({"type": "hello", "id": sentinel, "protocol": 1, "secret": "s" * 24})
    replies: list[dict[str, Any]] = []
    async with asyncio.timeout(TIMEOUT):
        while not replies or replies[-1].get("id") != sentinel:
            message = assert_valid_reply(await phone.websocket.recv())
            if message["type"] in {"ack", "error"}:
                replies.append(message)
    refusal, second_hello = replies
    assert refusal["type"] == "error", refusal
    assert second_hello["code"] == "already_joined"
    assert phone.websocket.close_code is None
    assert server.session.state.items == {}
    await phone.close()
    logs.assert_quiet()


async def test_text_that_is_not_utf8_closes_with_1007_as_the_websocket_standard_requires(
    server: RetroServer, logs: LogWatch
) -> None:
    phone = await Client.join(server.websocket_url)
    await phone.websocket.send(b'{"type": "\xff"}', text=True)
    assert await closed_with(phone.websocket) == 1007
    again = await Client.join(server.websocket_url)
    await again.add_item("The room is still open")
    await again.close()
    logs.assert_quiet()


async def test_a_frame_over_64_kib_closes_with_1009(server: RetroServer, logs: LogWatch) -> None:
    phone = await Client.join(server.websocket_url)
    await phone.websocket.send("x" * (65 * 1024))
    assert await closed_with(phone.websocket) == 1009
    logs.assert_quiet()


async def test_an_unexpected_failure_is_an_internal_error_in_one_line_and_the_connection_stays(
    server: RetroServer, store: SqliteStore, logs: LogWatch
) -> None:
    known_secret = secrets.token_urlsafe(24)
    await (await Client.join(server.websocket_url, secret=known_secret)).close()
    phone = await Client.join(server.websocket_url)
    store.close()  # the database goes away under a running retro

    message_id = Client.new_id()
    private_text = "Words that must never reach a log"
    command = {"kind": "add_item", "prompt_id": "learning", "text": private_text, "owner_hash": OWNER}
    await phone.send({"type": "command", "id": message_id, "command": command})
    error = await phone.wait_for("error")
    assert (error["code"], error["id"]) == ("internal", message_id)
    assert phone.websocket.close_code is None

    # A new phone must be remembered on disk, so its hello fails too; the connection stays for another.
    newcomer = await connect(server.websocket_url)
    await newcomer.send(hello())
    async with asyncio.timeout(TIMEOUT):
        assert json.loads(await newcomer.recv())["code"] == "internal"
    await newcomer.send(hello(known_secret))
    async with asyncio.timeout(TIMEOUT):
        assert json.loads(await newcomer.recv())["type"] == "welcome"
    await newcomer.close()
    await phone.close()

    assert logs.server_warnings() == [
        "Answered a message with 'internal' after an unexpected ProgrammingError.",
        "Answered a hello with 'internal' after an unexpected ProgrammingError.",
    ]
    assert private_text not in logs.caplog.text
    logs.assert_quiet(expected_warnings=2)


# --- 2. HTTP edge cases answer cleanly ---------------------------------------------------------------

REPEATABLE_ONCE = {
    "Host": "Host: 127.0.0.1:{port}",
    "Origin": "Origin: http://127.0.0.1:{port}",
    "Connection": "Connection: keep-alive",
    "Upgrade": "Upgrade: websocket",
    "Sec-WebSocket-Key": f"Sec-WebSocket-Key: {UPGRADE_KEY}",
}


@pytest.mark.parametrize("line", REPEATABLE_ONCE.values(), ids=REPEATABLE_ONCE.keys())
async def test_a_repeated_header_on_the_websocket_gets_400_not_500(
    server: RetroServer, logs: LogWatch, line: str
) -> None:
    extra = line.replace("{port}", str(server.port))
    lines = upgrade(server.port, ws_path(server), extra, extra) if "Origin" in line else None
    response = await exchange(server.port, lines or upgrade(server.port, ws_path(server), extra))
    assert response.status == 400
    assert b"appear once" in response.body
    logs.assert_quiet()


async def test_a_repeated_host_on_the_page_gets_400(server: RetroServer, logs: LogWatch) -> None:
    page = f"/j/{server.session.record.join_token}"
    response = await exchange(server.port, [f"GET {page} HTTP/1.1", "Host: a.example", "Host: b.example"])
    assert response.status == 400
    logs.assert_quiet()


async def test_a_list_in_one_connection_header_is_accepted(server: RetroServer, logs: LogWatch) -> None:
    lines = [line for line in upgrade(server.port, ws_path(server)) if not line.startswith("Connection")]
    response = await exchange(server.port, [*lines, "Connection: keep-alive, Upgrade"])
    assert response.status == 101
    logs.assert_quiet()


async def test_a_name_rebound_to_this_machine_is_not_an_allowed_origin(
    server: RetroServer, logs: LogWatch
) -> None:
    """DNS rebinding: the page comes from evil.example, now resolving here, and says so in Host and Origin."""
    rebound = f"evil.example:{server.port}"
    lines = upgrade(server.port, ws_path(server), f"Origin: http://{rebound}", host=rebound)
    assert (await exchange(server.port, lines)).status == 403
    logs.assert_quiet()


async def upgrade_status(server: RetroServer, origin: str) -> int:
    lines = upgrade(server.port, ws_path(server), f"Origin: {origin}")
    return (await exchange(server.port, lines)).status


async def test_listening_everywhere_serves_loopback_and_the_lan_url_shown(session: Session) -> None:
    async with serving(session, host="0.0.0.0") as server:
        shown = server.address.base_url
        assert re.fullmatch(r"http://[0-9.]+:\d+", shown)
        for origin in (shown, f"http://127.0.0.1:{server.port}", f"http://localhost:{server.port}"):
            assert await upgrade_status(server, origin) == 101, origin
        for origin in ("http://evil.example", f"http://evil.example:{server.port}", "http://192.0.2.1:1"):
            assert await upgrade_status(server, origin) == 403, origin
        assert await upgrade_status(server, f"http://192.0.2.1:{server.port}") == 403, "not this machine's"


async def test_a_public_url_is_served_exactly(session: Session) -> None:
    async with serving(session, public_url="https://retro.example/team") as server:
        assert await upgrade_status(server, "https://retro.example") == 101
        assert await upgrade_status(server, f"http://127.0.0.1:{server.port}") == 101
        for origin in ("http://retro.example", "https://retro.example:8443", "https://sub.retro.example"):
            assert await upgrade_status(server, origin) == 403, origin


async def test_a_tls_page_origin_is_served(session: Session, tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    async with serving(session, certfile=str(cert), keyfile=str(key)) as server:
        trusted = ssl.create_default_context(cafile=str(cert))
        own = Origin(server.address.base_url)
        assert own.startswith("https://127.0.0.1:")
        async with connect(server.websocket_url, ssl=trusted, origin=own) as websocket:
            await websocket.send(hello())
            assert (await first_answer(websocket))["type"] == "welcome"
        with pytest.raises(InvalidStatus) as refused:
            async with connect(server.websocket_url, ssl=trusted, origin=Origin("https://evil.example")):
                pass
        assert refused.value.response.status_code == 403


# --- 3. nobody with the link can lock the room -------------------------------------------------------


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


def test_max_phones_must_be_at_least_one(tmp_path: Path) -> None:
    result = subprocess.run(
        [*RETRO, "serve", "--db", str(tmp_path / "r.db"), "--max-phones", "0"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "--max-phones" in result.stderr and "Traceback" not in result.stderr


# --- an old link after R, and addresses that were never a retro --------------------------------------


async def test_an_old_link_serves_the_phone_page_without_the_new_link(server: RetroServer) -> None:
    old = server.session.record.join_token
    server.session.execute(Facilitator(), RotateJoinToken())
    new = server.session.record.join_token
    page = await exchange(server.port, [f"GET /j/{old} HTTP/1.1", f"Host: 127.0.0.1:{server.port}"])
    assert page.status == 200
    assert f'src="{old}/js/main.js"'.encode() in page.body
    assert new.encode() not in page.body, "an old link must not lead to the new one"
    for asset in ("js/main.js", "app.css"):
        response = await exchange(server.port, [f"GET /j/{old}/{asset} HTTP/1.1", "Host: 127.0.0.1"])
        assert response.status == 200, asset


@pytest.mark.parametrize(
    "path", ["/", "/nothing-here-5f2a", "/j/%3Cscript%3Ealert(1)%3C/script%3E-5f2a", "/j/{token}/5f2a.js"]
)
async def test_an_unknown_address_gets_a_small_friendly_404_that_echoes_nothing(
    server: RetroServer, path: str
) -> None:
    path = path.replace("{token}", server.session.record.join_token)
    response = await exchange(server.port, [f"GET {path} HTTP/1.1", "Host: 127.0.0.1"])
    assert response.status == 404
    assert "content-type: text/html; charset=utf-8" in response.head.lower()
    assert NOT_FOUND_HEADING.encode() in response.body
    assert b"5f2a" not in response.body and b"script" not in response.body.lower()
    assert "unsafe-inline" not in response.head


@pytest.mark.browser
async def test_a_new_phone_with_an_old_link_sees_that_the_link_was_replaced(server: RetroServer) -> None:
    old_url = server.join_url
    server.session.execute(Facilitator(), RotateJoinToken())
    async with chromium() as browser:
        context = await browser.new_context(viewport=PHONE_VIEWPORT)
        page = await context.new_page()
        response = await page.goto(old_url)
        assert response is not None and response.status == 200
        await expect(page.get_by_test_id("expired")).to_be_visible()
        await expect(page.get_by_role("heading", name="There is a new link")).to_be_visible()
        await expect(page.get_by_text("This join link has been replaced.")).to_be_visible()
        assert "Not found" not in await page.inner_text("body")
        await page.screenshot(path="/tmp/phone-old-link.png")

        response = await page.goto(f"http://127.0.0.1:{server.port}/j/no-such-retro")
        assert response is not None and response.status == 404
        await expect(page.get_by_role("heading", name=NOT_FOUND_HEADING)).to_be_visible()
        await page.screenshot(path="/tmp/phone-not-found.png")
        await context.close()


def test_every_error_code_the_server_can_send_is_documented() -> None:
    protocol = (Path(__file__).parents[1] / "docs" / "protocol.md").read_text(encoding="utf-8")
    codes = protocol[protocol.index("### Error codes") :]
    assert [code for code in sorted(ERROR_CODES) if f"`{code}`" not in codes] == []
    for close_code in (1007, 1008, 1009, 1013):
        assert f"| {close_code} (" in codes
