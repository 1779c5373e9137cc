"""--certfile and --keyfile: the page and the websocket over TLS, on a real loopback port."""

import asyncio
import json
import ssl
import urllib.request
from pathlib import Path

from websockets.asyncio.client import connect

from retro.session import Session
from server.app import RetroServer, ServerConfig
from tests.support.client import Client
from tests.support.pilot import WAIT, screen_text, served
from tests.support.serve import self_signed
from tests.support.waiting import until
from tui.app import RetroApp
from tui.hosting import EmbeddedHost


async def test_the_page_and_the_websocket_are_served_over_tls(session: Session, tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    config = ServerConfig(host="127.0.0.1", port=0, certfile=str(cert), keyfile=str(key))
    server = RetroServer(session, config)
    await server.start()
    try:
        assert server.join_url.startswith("https://127.0.0.1:")
        assert server.websocket_url.startswith("wss://127.0.0.1:")
        trusted = ssl.create_default_context(cafile=str(cert))
        page = await asyncio.to_thread(
            lambda: urllib.request.urlopen(server.join_url, context=trusted).read()
        )
        assert b"<!doctype html>" in page.lower()
        async with connect(server.websocket_url, ssl=trusted) as websocket:
            phone = Client(websocket)
            await phone.send({"type": "hello", "id": phone.new_id(), "protocol": 1, "secret": "s" * 24})
            assert (await phone.wait_for("welcome"))["role"] == "participant"
            assert json.dumps(await phone.wait_for("board"))
    finally:
        await server.stop()


async def test_retro_host_with_a_certificate_links_its_tui_to_its_own_server_over_tls(
    session: Session, tmp_path: Path
) -> None:
    cert, key = self_signed(tmp_path)
    config = ServerConfig(host="0.0.0.0", port=0, certfile=str(cert), keyfile=str(key))
    app = RetroApp(EmbeddedHost(session, config), export_dir=tmp_path)
    async with served(app):
        assert app.join_url.startswith("https://")
        await until(lambda: "Sprint 42" in screen_text(app), WAIT)
