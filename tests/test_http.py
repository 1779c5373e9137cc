"""Plain HTTP and the websocket gate, over a real loopback socket: the page, its assets, refusals."""

import asyncio
import json
import re
import secrets
from dataclasses import dataclass

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Origin

from retro.actors import Facilitator
from retro.commands import ChangePhase
from retro.phases import Phase
from server.app import RetroServer

TIMEOUT = 5.0
SECURITY_HEADERS = ("Content-Security-Policy", "Referrer-Policy", "X-Content-Type-Options", "Cache-Control")


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header_values(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]

    def header(self, name: str) -> str:
        """The one value of a header that must appear exactly once."""
        values = self.header_values(name)
        assert len(values) == 1, f"{name}: expected one value, got {values}"
        return values[0]


async def http_get(port: int, path: str, extra_headers: tuple[tuple[str, str], ...] = ()) -> HttpResponse:
    """A bare HTTP/1.1 GET over a fresh TCP connection, read back as the server wrote it."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "User-Agent: retro-tests"]
        lines += [f"{name}: {value}" for name, value in extra_headers]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await writer.drain()
        async with asyncio.timeout(TIMEOUT):
            head = await reader.readuntil(b"\r\n\r\n")
            status_line, *header_lines = head.decode("latin-1").rstrip("\r\n").split("\r\n")
            headers = [(k.strip(), v.strip()) for k, v in (line.split(":", 1) for line in header_lines)]
            response = HttpResponse(int(status_line.split(" ")[1]), headers, b"")
            body = await reader.readexactly(int(response.header("Content-Length")))
    finally:
        writer.close()
        await writer.wait_closed()
    return HttpResponse(response.status, headers, body)


def ws_url(server: RetroServer, token: str | None = None) -> str:
    return f"ws://127.0.0.1:{server.port}/ws/{token or server.session.record.join_token}"


def hello() -> str:
    return json.dumps(
        {"type": "hello", "id": secrets.token_urlsafe(12), "protocol": 1, "secret": secrets.token_urlsafe(24)}
    )


async def test_healthz_answers_ok(server: RetroServer) -> None:
    response = await http_get(server.port, "/healthz")
    assert response.status == 200
    assert response.body == b"ok\n"
    assert response.header("Content-Type").startswith("text/plain")


async def test_the_join_page_is_served_with_the_token_filled_in(server: RetroServer) -> None:
    token = server.session.record.join_token
    response = await http_get(server.port, f"/j/{token}")
    assert response.status == 200
    assert response.header("Content-Type") == "text/html; charset=utf-8"
    page = response.body.decode()
    assert "<title>Retro</title>" in page
    assert re.search(r'<script type="module" src="/assets/[0-9a-f]{16}/js/main\.js">', page)
    assert re.search(r'<link rel="stylesheet" href="/assets/[0-9a-f]{16}/app\.css">', page)
    assert "{{" not in page
    csp = response.header("Content-Security-Policy")
    assert "default-src 'none'" in csp
    assert "script-src 'self'" in csp
    assert "connect-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.header("Referrer-Policy") == "no-referrer"
    assert response.header("X-Content-Type-Options") == "nosniff"
    assert response.header("Cache-Control") == "no-cache"


async def test_the_join_page_ignores_a_query_string(server: RetroServer) -> None:
    token = server.session.record.join_token
    response = await http_get(server.port, f"/j/{token}?utm_source=qr")
    assert response.status == 200
    assert "/js/main.js" in response.body.decode()


@pytest.mark.parametrize(
    ("asset", "content_type"),
    [("js/main.js", "text/javascript; charset=utf-8"), ("app.css", "text/css; charset=utf-8")],
)
async def test_the_page_assets_are_served_with_their_content_types(
    server: RetroServer, asset: str, content_type: str
) -> None:
    page = await http_get(server.port, f"/j/{server.session.record.join_token}")
    found = re.search(r'src="(/assets/[0-9a-f]+)/js/main\.js"', page.body.decode())
    assert found is not None
    response = await http_get(server.port, f"{found.group(1)}/{asset}")
    assert response.status == 200
    assert response.header("Content-Type") == content_type
    assert response.header("X-Content-Type-Options") == "nosniff"


async def test_each_security_header_is_sent_once(server: RetroServer) -> None:
    response = await http_get(server.port, f"/j/{server.session.record.join_token}")
    for name in SECURITY_HEADERS:
        assert len(response.header_values(name)) == 1, name
    assert len(response.header_values("Content-Type")) == 1
    assert len(response.header_values("Server")) == 0


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/j/",
        "/j/wrong-token",
        "/j/wrong-token/app.js",
        "/j/{token}/",
        "/j/{token}/index.html",
        "/j/{token}/../app.js",
        "/j/{token}x",
        "/ws/{token}",
        "/static/app.js",
    ],
)
async def test_anything_else_is_not_found(server: RetroServer, path: str) -> None:
    response = await http_get(server.port, path.replace("{token}", server.session.record.join_token))
    assert response.status == 404
    assert response.header("Content-Type") == "text/html; charset=utf-8"
    assert b"There is no retro at this address" in response.body


async def test_a_websocket_to_a_wrong_token_is_refused_with_404(server: RetroServer) -> None:
    with pytest.raises(InvalidStatus) as refused:
        async with connect(ws_url(server, "wrong-token"), proxy=None, open_timeout=TIMEOUT):
            pass
    assert refused.value.response.status_code == 404


@pytest.mark.parametrize(
    "origin",
    [
        "http://evil.example",
        "null",
        "http://localhost:1",
        "http://127.0.0.1:{port}.evil.example",
        "http://127.0.0.1:{port}/",
        "http://user@127.0.0.1:{port}",
    ],
)
async def test_a_websocket_from_a_foreign_origin_is_refused_with_403(
    server: RetroServer, origin: str
) -> None:
    foreign = Origin(origin.replace("{port}", str(server.port)))
    with pytest.raises(InvalidStatus) as refused:
        async with connect(ws_url(server), origin=foreign, proxy=None, open_timeout=TIMEOUT):
            pass
    assert refused.value.response.status_code == 403


@pytest.mark.parametrize(
    "origin",
    ["http://127.0.0.1:{port}", "https://127.0.0.1:{port}", "http://localhost:{port}", "http://[::1]:{port}"],
)
async def test_a_websocket_from_the_page_origin_is_accepted(server: RetroServer, origin: str) -> None:
    own = Origin(origin.replace("{port}", str(server.port)))
    async with connect(ws_url(server), origin=own, proxy=None, open_timeout=TIMEOUT) as websocket:
        await websocket.send(hello())
        async with asyncio.timeout(TIMEOUT):
            welcome = json.loads(await websocket.recv())
    join_path = f"/j/{server.session.record.join_token}"
    assert welcome == {"type": "welcome", "protocol": 1, "role": "participant", "join_path": join_path}


async def test_a_websocket_without_an_origin_is_accepted(server: RetroServer) -> None:
    async with connect(ws_url(server), proxy=None, open_timeout=TIMEOUT) as websocket:
        await websocket.send(hello())
        async with asyncio.timeout(TIMEOUT):
            welcome = json.loads(await websocket.recv())
    assert welcome["role"] == "participant"


async def test_the_page_and_the_websocket_still_answer_after_the_retro_has_ended(server: RetroServer) -> None:
    """Ending forgets the per-retro key, not the join token: late phones see the ended board, not a 404."""
    server.session.execute(Facilitator(), ChangePhase(to=Phase.ENDED))
    assert server.session.record.retro_key is None
    page = await http_get(server.port, f"/j/{server.session.record.join_token}")
    assert page.status == 200
    async with connect(ws_url(server), proxy=None, open_timeout=TIMEOUT) as websocket:
        await websocket.send(hello())
        async with asyncio.timeout(TIMEOUT):
            welcome = json.loads(await websocket.recv())
            board = json.loads(await websocket.recv())
    assert welcome["role"] == "participant"
    assert (board["type"], board["board"]["phase"]) == ("board", "ended")
