"""What the page benchmarks share: a retro in Write on a real server with a SQLite file, a minimal page served
by the same machinery as the baseline, and Debian's Chromium with each load counted over CDP."""

import json
import os
import platform
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from playwright.async_api import BrowserContext, CDPSession, Page
from websockets.asyncio.server import ServerConnection, serve
from websockets.http11 import Request, Response

from retro.actors import Facilitator
from retro.commands import ChangePhase
from retro.phases import Phase
from retro.session import Session
from retro.sqlite_store import SqliteStore
from server.app import RetroServer, ServerConfig
from server.assets import HTML, JS, REVALIDATE, stored
from server.delivery import deliver
from server.responses import not_found
from tests.support.browser import PHONE_VIEWPORT

READY_TIMEOUT_MS = 60_000
RETRO_READY = (
    "() => document.querySelector('[data-testid=status]')?.textContent === 'Connected'"
    " && document.body.dataset.phase === 'write'"
    " && document.querySelector('[data-testid=prompt-learning]') !== null"
)
"""The retro page is connected and shows the phase: the status says so and Write's first prompt is drawn."""
MINIMAL_READY = "() => document.getElementById('line')?.textContent === 'Connected: Write'"

_MINIMAL_PAGE = (
    b'<!doctype html>\n<html lang="en">\n<meta charset="utf-8">\n'
    b'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>Minimal</title>\n'
    b'<p id="line">Connecting\xe2\x80\xa6</p>\n<script type="module" src="/minimal.js"></script>\n'
)
_MINIMAL_SCRIPT = (
    b"const scheme = location.protocol === 'https:' ? 'wss' : 'ws';\n"
    b"const socket = new WebSocket(scheme + '://' + location.host + '/ws');\n"
    b"socket.onmessage = (event) => {\n"
    b"  document.getElementById('line').textContent = JSON.parse(event.data).text;\n};\n"
)


def measured_on(command: str, rounds: str) -> str:
    return (
        f"Measured {date.today().isoformat()} on {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"Debian's Chromium, {rounds}. Command: `{command}`"
    )


@asynccontextmanager
async def retro_in_write() -> AsyncIterator[RetroServer]:
    """A retro open for writing on a real server on a loopback port, its store a fresh SQLite file."""
    with tempfile.TemporaryDirectory(prefix="retro-bench-") as directory:
        store = SqliteStore(Path(directory) / "retro.db")
        session = Session.start(store, title="Sprint 42", team="Ward 7")
        session.execute(Facilitator(), ChangePhase(to=Phase.WRITE))
        server = RetroServer(session, ServerConfig(host="127.0.0.1", port=0))
        await server.start()
        try:
            yield server
        finally:
            await server.stop()
            store.close()


@asynccontextmanager
async def minimal_server() -> AsyncIterator[str]:
    """The baseline: one page and one module through server/delivery.py on websockets' own HTTP, and a
    websocket that says one line. Yields the page's URL."""
    page = stored(_MINIMAL_PAGE, HTML, REVALIDATE)
    script = stored(_MINIMAL_SCRIPT, JS, REVALIDATE)

    def route(connection: ServerConnection, request: Request) -> Response | None:
        if request.path == "/":
            return deliver(page, request)
        if request.path == "/minimal.js":
            return deliver(script, request)
        return None if request.path == "/ws" else not_found()

    async def say_one_line(websocket: ServerConnection) -> None:
        await websocket.send(json.dumps({"type": "board", "text": "Connected: Write"}))
        await websocket.wait_closed()

    async with serve(say_one_line, "127.0.0.1", 0, process_request=route, server_header=None) as server:
        port = server.sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}/"


@dataclass
class Wire:
    """Bytes Chromium received per request, headers included (CDP Network.loadingFinished)."""

    urls: dict[str, str] = field(default_factory=dict)
    received: dict[str, float] = field(default_factory=dict)

    def listen(self, cdp: CDPSession) -> None:
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.loadingFinished", self._finished)

    def _sent(self, event: dict[str, Any]) -> None:
        self.urls[event["requestId"]] = event["request"]["url"]

    def _finished(self, event: dict[str, Any]) -> None:
        self.received[event["requestId"]] = event["encodedDataLength"]

    def take(self) -> dict[str, float]:
        """Bytes per URL since the last take; a URL fetched twice counts twice, under a numbered key."""
        taken: dict[str, float] = {}
        for request, size in self.received.items():
            url = self.urls.get(request, request)
            taken[url if url not in taken else f"{url}#{request}"] = size
        self.received.clear()
        return taken


@dataclass
class Tab:
    context: BrowserContext
    page: Page
    cdp: CDPSession


async def new_tab(context: BrowserContext, cpu_slowdown: float = 1.0) -> Tab:
    page = await context.new_page()
    await page.set_viewport_size(PHONE_VIEWPORT)
    cdp = await context.new_cdp_session(page)
    await cdp.send("Network.enable")
    if cpu_slowdown != 1.0:
        await cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu_slowdown})
    return Tab(context, page, cdp)


async def ready(page: Page, condition: str) -> None:
    await page.wait_for_function(condition, timeout=READY_TIMEOUT_MS, polling="raf")


async def settled(page: Page) -> None:
    """Whatever the page fetches after it is ready (the blame-nudge rules) has arrived."""
    await page.wait_for_load_state("networkidle")
