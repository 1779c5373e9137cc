"""At the server's doors: what it logged and printed, its replies checked against the schema, raw HTTP."""

import asyncio
import contextlib
import json
import logging
import re
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from retro.session import Session
from server.app import RetroServer, ServerConfig
from server.protocol import ERROR_CODES, SERVER_ADAPTER, Error
from tests.support.client import Client

TIMEOUT = 5.0
UPGRADE_KEY = "dGhlIHNhbXBsZSBub25jZQ=="


@dataclass
class LogWatch:
    """Everything the server logged (every level) and printed while a test ran."""

    caplog: pytest.LogCaptureFixture
    capfd: pytest.CaptureFixture[str]

    def server_warnings(self) -> list[str]:
        return [r.getMessage() for r in self.caplog.records if r.name.startswith("retro")]

    def assert_quiet(self, expected_warnings: int = 0) -> None:
        """No traceback anywhere, no error record, and no warning beyond those the test expects."""
        printed = self.capfd.readouterr()
        assert "Traceback" not in printed.out + printed.err
        assert "Traceback" not in self.caplog.text
        loud = [r.getMessage() for r in self.caplog.records if r.exc_info or r.levelno >= logging.ERROR]
        assert loud == []
        assert len(self.server_warnings()) == expected_warnings, self.server_warnings()


def assert_valid_reply(raw: str | bytes) -> dict[str, Any]:
    """A frame the server sent: text, valid per the server message schema, any error code documented."""
    assert isinstance(raw, str), "the server sends text frames only"
    message = SERVER_ADAPTER.validate_json(raw)
    if isinstance(message, Error):
        assert message.code in ERROR_CODES
        assert message.code != "internal", message
    decoded: dict[str, Any] = json.loads(raw)
    return decoded


@dataclass(frozen=True)
class RawResponse:
    status: int
    head: str
    body: bytes


async def exchange(port: int, lines: list[str]) -> RawResponse:
    """Send a hand-written request head over a fresh TCP connection; read back the response head and body."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "surrogateescape"))
        await writer.drain()
        async with asyncio.timeout(TIMEOUT):
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            length = re.search(r"(?im)^content-length:\s*(\d+)", head)
            body = await reader.readexactly(int(length.group(1))) if length else b""
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    return RawResponse(int(head.split(" ", 2)[1]), head, body)


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
