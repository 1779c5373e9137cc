"""The phone page applies board patches: kept open through a whole retro in Chromium, it shows after every
change what a tab opened just then shows; when a version goes missing on the way, it asks for the whole
board again and shows the right one."""

import json
import re

import pytest
from playwright.async_api import Page, WebSocketRoute, expect
from playwright.async_api import TimeoutError as PlaywrightTimeout

from retro.actors import Facilitator
from retro.commands import ChangePhase, RenameTopic
from retro.phases import Phase
from server.app import RetroServer
from tests.support.browser import chromium
from tests.support.client import Client, Clients
from tests.support.phone_page import new_phone, open_phone
from tests.support.retro_script import retro_steps
from tests.support.waiting import until

pytestmark = pytest.mark.browser

SHOWN = """() => {
  const text = (selector) => document.querySelector(selector).innerText;
  return (text('header.top') + '\\n' + text('#main')).replace(/\\d+:\\d\\d/g, 'm:ss');
}"""
"""What the page shows of the board, with the discussion timer's ticking left out."""
SHOWS = f"expected => ({SHOWN})() === expected"


async def shown(page: Page) -> str:
    text: str = await page.evaluate(SHOWN)
    return text


async def test_a_phone_kept_open_through_a_whole_retro_shows_what_a_new_tab_shows(
    server: RetroServer, clients: Clients
) -> None:
    writer = await clients.join()
    async with chromium() as browser:
        kept = await open_phone(browser, server.join_url)
        for name, step in retro_steps(server, writer):
            await step()
            tab = await kept.context.new_page()  # the same phone: in even while joining is locked
            await tab.goto(server.join_url)
            await expect(tab.get_by_test_id("title")).to_have_text(server.session.state.title)
            expected = await shown(tab)
            try:
                await kept.page.wait_for_function(SHOWS, arg=expected, timeout=5000)
            except PlaywrightTimeout:
                raise AssertionError(f"after {name!r}: {await shown(kept.page)!r} != {expected!r}") from None
            await tab.close()
        await expect(kept.page.get_by_test_id("title")).to_have_text(server.session.state.title)
        patches = [frame for frame in kept.received if frame.startswith('{"type":"patch"')]
        assert len(patches) >= 20, "the kept phone followed the retro by patches"
        assert not [frame for frame in kept.sent if '"type":"resync"' in frame]
        assert [json.loads(frame)["patches"] for frame in kept.sent if '"type":"hello"' in frame] == [True]
        assert kept.problems == []


async def test_a_phone_that_misses_a_version_asks_again_and_shows_the_right_board(
    server: RetroServer,
) -> None:
    writer = await Client.join(server.websocket_url)
    for text in ("Handover notes went missing", "Pairing on call helped"):
        await writer.add_item(text)
    session = server.session
    session.execute(Facilitator(), ChangePhase(to=Phase.GROUP))
    sent: list[str] = []
    dropped: list[str] = []

    async def drop_one_patch(page_side: WebSocketRoute) -> None:
        server_side = page_side.connect_to_server()

        def to_page(message: str | bytes) -> None:
            if isinstance(message, str) and '"type":"patch"' in message and "Lost on the way" in message:
                dropped.append(message)
                return
            page_side.send(message)

        def to_server(message: str | bytes) -> None:
            sent.append(message if isinstance(message, str) else message.decode())
            server_side.send(message)

        server_side.on_message(to_page)
        page_side.on_message(to_server)

    async with chromium() as browser:
        phone = await new_phone(browser)
        await phone.page.route_web_socket(re.compile(r"/ws/"), drop_one_patch)
        await phone.page.goto(server.join_url)
        await expect(phone.page.get_by_test_id("status")).to_have_text("Connected")
        first, second = (topic.topic_id for topic in session.state.ordered_topics())
        session.execute(Facilitator(), RenameTopic(topic_id=first, title="Lost on the way"))
        await until(lambda: len(dropped) == 1)
        session.execute(Facilitator(), RenameTopic(topic_id=second, title="After the gap"))
        await expect(phone.page.locator("#main")).to_contain_text("After the gap")
        await expect(phone.page.locator("#main")).to_contain_text("Lost on the way")
        assert len(dropped) == 1, "the first rename's patch never reached the page"
        assert [json.loads(frame)["type"] for frame in sent].count("resync") == 1
        assert phone.problems == []
    await writer.close()
