"""The server serves exactly the phone page's modules and stylesheets, each with its type, and nothing else;
the page loads each module once from its own server under its policy, in Debian's Chromium."""

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePosixPath

import pytest
from playwright.async_api import Request, expect

from retro.actors import Facilitator
from retro.commands import RotateJoinToken
from server.app import RetroServer
from server.http import page_assets
from tests.support.browser import PHONE_VIEWPORT, chromium
from tests.support.doors import exchange
from tests.support.static_files import STATIC, modules


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


def shipped() -> dict[str, bytes]:
    """Every script and stylesheet under server/static, as the allowlist should hold them."""
    return {
        path.relative_to(STATIC).as_posix(): path.read_bytes()
        for path in STATIC.rglob("*")
        if path.suffix in CONTENT_TYPES
    }


def test_the_allowlist_is_every_script_and_stylesheet_and_nothing_else() -> None:
    assets = page_assets()
    assert {name: body for name, (body, _) in assets.items()} == shipped()
    assert {kind for name, (_, kind) in assets.items() if name.endswith(".js")} == {CONTENT_TYPES[".js"]}
    assert {kind for name, (_, kind) in assets.items() if name.endswith(".css")} == {CONTENT_TYPES[".css"]}


async def test_the_server_serves_every_module_and_stylesheet_with_its_type(server: RetroServer) -> None:
    token = server.session.record.join_token
    for name, body in shipped().items():
        answer = await get(server.port, f"/j/{token}/{name}")
        assert (answer.status, answer.content_type) == (200, CONTENT_TYPES[PurePosixPath(name).suffix]), name
        assert answer.body == body, name


async def test_a_replaced_link_still_serves_the_modules(server: RetroServer) -> None:
    old = server.session.record.join_token
    server.session.execute(Facilitator(), RotateJoinToken())
    for name in ("js/main.js", "js/views/write.js", "css/tokens.css"):
        assert (await get(server.port, f"/j/{old}/{name}")).status == 200, name


@pytest.mark.parametrize(
    "path",
    [
        "/j/{token}/js",
        "/j/{token}/js/",
        "/j/{token}/js/nothing.js",
        "/j/{token}/js/main.js/",
        "/j/{token}/js/../app.css",
        "/j/{token}/css/../js/main.js",
        "/j/{token}//js/main.js",
        "/j/{token}/JS/main.js",
        "/j/{token}/js%2Fmain.js",
        "/j/{token}/index.html",
        "/j/{token}/app.js",
        "/j/not-the-token/js/main.js",
        "/js/main.js",
    ],
)
async def test_anything_outside_the_allowlist_is_not_found(server: RetroServer, path: str) -> None:
    answer = await get(server.port, path.replace("{token}", server.session.record.join_token))
    assert (answer.status, answer.content_type) == (404, "text/html; charset=utf-8")


@pytest.mark.browser
async def test_the_page_loads_each_module_once_from_its_own_server_under_its_policy(
    server: RetroServer,
) -> None:
    requested: list[str] = []
    problems: list[str] = []
    async with chromium() as browser:
        page = await browser.new_page(viewport=PHONE_VIEWPORT)

        def record(request: Request) -> None:
            requested.append(request.url)

        page.on("request", record)
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        await page.goto(server.join_url)
        await expect(page.get_by_test_id("status")).to_have_text("Connected")
        await expect(page.get_by_test_id("prompt-learning")).to_contain_text("Start here")
        await page.close()
    origin = f"http://127.0.0.1:{server.port}/"
    assert [url for url in requested if not url.startswith(origin)] == []
    prefix = f"{server.join_url}/js/"
    loaded = Counter(url.removeprefix(prefix) for url in requested if url.startswith(prefix))
    assert loaded == Counter(list(modules())), (
        "each module once: the preloads are the very modules main.js imports"
    )
    assert problems == []
