"""HTTP at the server's doors, hand-written over a real loopback port: repeated headers, rebound names,
the addresses it serves, an old link after the facilitator replaced it, and addresses never a retro."""

import re
import ssl
from pathlib import Path

import pytest
from playwright.async_api import expect
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Origin

from retro.actors import Facilitator
from retro.commands import RotateJoinToken
from retro.session import Session
from server.app import RetroServer
from tests.support.browser import PHONE_VIEWPORT, chromium
from tests.support.doors import (
    UPGRADE_KEY,
    LogWatch,
    exchange,
    first_answer,
    hello,
    serving,
    upgrade,
    ws_path,
)
from tests.support.serve import self_signed

NOT_FOUND_HEADING = "There is no retro at this address"


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


async def test_an_old_link_serves_the_phone_page_without_the_new_link(server: RetroServer) -> None:
    old = server.session.record.join_token
    server.session.execute(Facilitator(), RotateJoinToken())
    new = server.session.record.join_token
    page = await exchange(server.port, [f"GET /j/{old} HTTP/1.1", f"Host: 127.0.0.1:{server.port}"])
    assert page.status == 200
    found = re.search(rb'src="(/assets/[0-9a-f]+)/js/main\.js"', page.body)
    assert found is not None
    assert new.encode() not in page.body, "an old link must not lead to the new one"
    for asset in ("js/main.js", "app.css"):
        path = f"{found.group(1).decode()}/{asset}"
        response = await exchange(server.port, [f"GET {path} HTTP/1.1", "Host: 127.0.0.1"])
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
