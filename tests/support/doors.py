"""At the server's doors: what it logged and printed, its replies checked against the schema, raw HTTP."""

import asyncio
import contextlib
import json
import logging
import re
from dataclasses import dataclass
from typing import Any

import pytest

from server.protocol import ERROR_CODES, SERVER_ADAPTER, Error

TIMEOUT = 5.0


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
