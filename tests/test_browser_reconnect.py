"""A phone that loses the host — the network drops, or the host restarts — reconnects by itself, keeps its
own items, and re-sends what was not acknowledged, exactly once."""

import pytest
from playwright.async_api import expect

from retro.session import Session
from server.app import RetroServer, ServerConfig
from tests.support.browser import PHONE_VIEWPORT, chromium
from tests.support.waiting import until

pytestmark = pytest.mark.browser


async def test_a_phone_writes_through_a_host_restart_and_nothing_is_lost_or_doubled(
    server: RetroServer,
) -> None:
    session: Session = server.session
    port = server.port
    async with chromium() as browser:
        page = await browser.new_page(viewport=PHONE_VIEWPORT)
        await page.goto(server.join_url)
        await page.get_by_test_id("text-learning").fill("Written before the restart")
        await page.get_by_test_id("add-learning").click()
        await until(lambda: len(session.state.items) == 1)

        await server.stop()
        await expect(page.get_by_test_id("status")).to_contain_text("Reconnecting", timeout=10_000)
        await page.get_by_test_id("text-learning").fill("Written while the host was down")
        await page.get_by_test_id("add-learning").click()

        resumed = Session.resume(session.store, session.record)
        restarted = RetroServer(resumed, ServerConfig(host="127.0.0.1", port=port))
        await restarted.start()
        try:
            await until(lambda: len(resumed.state.items) == 2, timeout=20)
            await expect(page.get_by_test_id("status")).to_contain_text("Connected", timeout=10_000)
            mine = page.get_by_test_id("mine")
            await expect(mine).to_have_count(2)
            await expect(mine.filter(has_text="Written while the host was down")).to_have_count(1)
            await page.reload()
            await expect(page.get_by_test_id("mine")).to_have_count(2)
            assert sorted(item.text for item in resumed.state.items.values()) == [
                "Written before the restart",
                "Written while the host was down",
            ]
            await page.close()
        finally:
            await restarted.stop()
