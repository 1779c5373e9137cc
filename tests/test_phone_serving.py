"""The server serves exactly the phone page's modules and its one stylesheet, each with its type, and nothing
else; the page loads each module once from its own server under its policy, in Debian's Chromium.
(How they travel, gzip, 304s and caching: test_page_delivery.py.)"""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath

import pytest
from playwright.async_api import expect

from retro.actors import Facilitator
from retro.commands import ChangePhase, RotateJoinToken
from retro.phases import Phase
from retro.pulse.lifecycle import open_pulse
from retro.sqlite_store import SqliteStore
from server.app import RetroServer, ServerConfig
from server.assets import build_phone_page
from server.slimming import slim_css, slim_js
from tests.support.browser import PHONE_VIEWPORT, chromium
from tests.support.doors import exchange
from tests.support.module_graph import loaded_with
from tests.support.network import NetworkRequests
from tests.support.phone_page import facilitate
from tests.support.static_files import JS, STATIC, modules


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


async def get(port: int, path: str) -> Answer:
    """A GET over a fresh socket, the path sent exactly as written."""
    response = await exchange(port, [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}"])
    content_type = re.search(r"(?im)^content-type:\s*(.+?)\r?$", response.head)
    return Answer(response.status, content_type.group(1) if content_type else "", response.body)


CONTENT_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


async def assets_of(server: RetroServer) -> str:
    """Where the running server's page says its assets are: `/assets/<version>`."""
    page = (await get(server.port, f"/j/{server.session.record.join_token}")).body.decode()
    found = re.search(r'src="(/assets/[0-9a-f]+)/js/main\.js"', page)
    assert found, page
    return found.group(1)


def shipped() -> dict[str, bytes]:
    """Every module under server/static/js, and app.css with each file it imports in its place, slimmed."""
    stylesheet = "".join(
        (STATIC / name).read_text(encoding="utf-8")
        for name in re.findall(r'@import url\("([^"]+)"\);', (STATIC / "app.css").read_text(encoding="utf-8"))
    )
    served = {f"js/{name}": slim_js(source).encode() for name, source in modules().items()}
    return served | {"app.css": slim_css(stylesheet).encode()}


def test_the_allowlist_is_every_module_and_the_one_stylesheet_and_nothing_else() -> None:
    assets = build_phone_page().assets
    assert {name: item.plain for name, item in assets.items()} == shipped()
    assert {item.content_type for name, item in assets.items()} == set(CONTENT_TYPES.values())
    assert {name for name in assets if name.endswith(".css")} == {"app.css"}


def test_slimming_keeps_every_line_of_code_of_every_module() -> None:
    for name, source in modules().items():
        code = [
            line.strip() for line in source.splitlines() if line.strip() and not line.strip().startswith("//")
        ]
        code = [line for line in code if not line.startswith(("/*", "*"))]
        assert slim_js(source).splitlines() == code, name
    assert sorted(path.relative_to(JS).as_posix() for path in JS.rglob("*.js")) == sorted(modules())


async def test_the_server_serves_every_module_and_the_stylesheet_with_its_type(server: RetroServer) -> None:
    assets = await assets_of(server)
    for name, body in shipped().items():
        answer = await get(server.port, f"{assets}/{name}")
        assert (answer.status, answer.content_type) == (200, CONTENT_TYPES[PurePosixPath(name).suffix]), name
        assert answer.body == body, name


async def test_a_replaced_link_still_serves_the_page_and_its_modules(server: RetroServer) -> None:
    old = server.session.record.join_token
    server.session.execute(Facilitator(), RotateJoinToken())
    assert (await get(server.port, f"/j/{old}")).status == 200
    assets = await assets_of(server)
    for name in ("js/main.js", "js/views/write.js", "app.css"):
        assert (await get(server.port, f"{assets}/{name}")).status == 200, name


@pytest.mark.parametrize(
    "path",
    [
        "{assets}/js",
        "{assets}/js/",
        "{assets}/js/nothing.js",
        "{assets}/js/main.js/",
        "{assets}/js/../app.css",
        "{assets}/css/../js/main.js",
        "{assets}//js/main.js",
        "{assets}/JS/main.js",
        "{assets}/js%2Fmain.js",
        "{assets}/index.html",
        "{assets}/app.js",
        "{assets}/css/tokens.css",
        "/j/{token}/js/main.js",
        "/j/{token}/app.css",
        "/j/not-the-token/js/main.js",
        "/js/main.js",
    ],
)
async def test_anything_outside_the_allowlist_is_not_found(server: RetroServer, path: str) -> None:
    path = path.replace("{assets}", await assets_of(server))
    answer = await get(server.port, path.replace("{token}", server.session.record.join_token))
    assert (answer.status, answer.content_type) == (404, "text/html; charset=utf-8")


@pytest.mark.browser
async def test_the_page_loads_each_module_once_from_its_own_server_under_its_policy(
    server: RetroServer,
) -> None:
    problems: list[str] = []
    async with chromium() as browser:
        page = await browser.new_page(viewport=PHONE_VIEWPORT)
        network = await NetworkRequests.watching(page)
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        await page.goto(server.join_url)
        await expect(page.get_by_test_id("status")).to_have_text("Connected")
        await expect(page.get_by_test_id("prompt-learning")).to_contain_text("Start here")
        requested = network.urls
        await page.close()
    origin = f"http://127.0.0.1:{server.port}/"
    assert [url for url in requested if not url.startswith(origin)] == []
    prefix = f"{origin[:-1]}{await assets_of(server)}/js/"
    loaded = Counter(url.removeprefix(prefix) for url in requested if url.startswith(prefix))
    assert loaded == Counter(loaded_with("views/write.js")), (
        "each module once: the shell's preloads and Write's views"
    )
    assert problems == []


def opens(page: bytes) -> str:
    found = re.search(rb'<meta name="retro-opens" content="([a-z_]*)">', page)
    assert found, page[:400]
    return found.group(1).decode()


async def test_the_page_names_the_phase_its_link_opens_in_and_a_replaced_link_names_none(
    server: RetroServer,
) -> None:
    old_token = server.session.record.join_token
    assert opens((await get(server.port, f"/j/{old_token}")).body) == server.session.state.phase.value
    facilitate(server, ChangePhase(to=Phase.VOTE))
    assert opens((await get(server.port, f"/j/{old_token}")).body) == "vote"
    facilitate(server, RotateJoinToken())
    new_token = server.session.join_token
    assert opens((await get(server.port, f"/j/{new_token}")).body) == "vote"
    assert opens((await get(server.port, f"/j/{old_token}")).body) == "", "a replaced link opens no phase"


async def test_a_pulse_link_names_the_pulse(store: SqliteStore) -> None:
    record = open_pulse(store.pulses, team="Ward 7", now=datetime.now(UTC))
    running = RetroServer(None, ServerConfig(host="127.0.0.1", port=0), store)
    await running.start()
    try:
        assert opens((await get(running.port, f"/j/{record.join_token}")).body) == "pulse"
    finally:
        await running.stop()
