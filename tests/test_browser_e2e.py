"""End to end: a phone in headless Chromium opens the URL the TUI shows, posts an item and votes on it;
the TUI then shows the result."""

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.async_api import Page, expect
from textual.widgets import Static

from retro.phases import Phase
from retro.sqlite_store import SqliteStore
from server.app import ServerConfig
from tests.browser import PHONE_VIEWPORT, chromium
from tests.conftest import start_fixed_session
from tui.app import RetroApp
from tui.widgets.board import ItemCard

pytestmark = pytest.mark.browser

ITEM = "<b>Handover</b> notes [b]help[/b] when we are tired"


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


async def test_phone_posts_and_votes_and_the_tui_shows_the_result(store: SqliteStore, tmp_path: Path) -> None:
    app = RetroApp(start_fixed_session(store), ServerConfig(host="127.0.0.1", port=0), export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot, chromium() as browser:
        await until(lambda: app.server.port != 0)
        await pilot.pause()
        join_url = str(app.screen.query_one("#join-url", Static).content)

        context = await browser.new_context(viewport=PHONE_VIEWPORT)
        page: Page = await context.new_page()
        failed_requests: list[str] = []
        page.on("requestfailed", lambda request: failed_requests.append(request.url))
        await page.goto(join_url)

        await expect(page.get_by_test_id("title")).to_have_text("Sprint 42")
        await expect(page.get_by_test_id("anon-note")).to_contain_text("nobody, the facilitator included")
        await page.get_by_test_id("text-learning").fill(ITEM)
        await page.get_by_test_id("add-learning").click()
        await expect(page.get_by_test_id("mine")).to_contain_text(ITEM)
        await until(lambda: app.session.state.items != {})

        await pilot.press("n")
        await expect(page.get_by_test_id("phase")).to_contain_text("Vote")
        card = page.get_by_test_id("item")
        await expect(card.get_by_test_id("item-text")).to_have_text(ITEM)
        await card.get_by_test_id("vote").click()
        await expect(page.get_by_test_id("dots-left")).to_have_text("2 of 3 dots left")
        await card.get_by_test_id("vote").click()
        await expect(page.get_by_test_id("dots-left")).to_have_text("1 of 3 dots left")

        await pilot.press("n")
        await until(lambda: app.session.state.phase is Phase.ACTIONS)
        await pilot.press("b")
        await pilot.pause()
        [shown] = app.screen.query(ItemCard)
        assert str(shown.content) == ITEM
        assert shown.border_title == "● 2"
        await expect(card.get_by_test_id("votes")).to_contain_text("2")
        assert failed_requests == []
        await context.close()
