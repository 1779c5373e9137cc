"""The blame nudge on a real phone page: it suggests while typing, sends nothing, and never blocks."""

import pytest
from playwright.async_api import WebSocket, expect

from retro.nudge import load_rules
from server.app import RetroServer
from tests.support.browser import PHONE_VIEWPORT, chromium

pytestmark = pytest.mark.browser


async def test_text_that_points_at_a_person_gets_a_kind_suggestion_without_a_round_trip(
    server: RetroServer,
) -> None:
    async with chromium() as browser:
        page = await browser.new_page(viewport=PHONE_VIEWPORT)
        sent: list[str] = []

        def watch(socket: WebSocket) -> None:
            socket.on("framesent", lambda payload: sent.append(str(payload)))

        page.on("websocket", watch)
        await page.goto(server.join_url)
        box, nudge = (
            page.get_by_test_id("text-learning"),
            page.get_by_test_id("prompt-learning").get_by_test_id("nudge"),
        )
        await expect(box).to_be_visible()
        await box.fill("We found the runbook late; a checklist would help")
        await expect(nudge).to_be_hidden()
        frames_before = len(sent)
        await box.fill("Sam forgot the release again")
        await expect(nudge).to_have_text(load_rules().suggestion)
        assert len(sent) == frames_before, "the nudge runs on the phone, with no round trip"
        assert not [frame for frame in sent if "forgot" in frame]

        await page.get_by_test_id("add-learning").click()
        await expect(page.get_by_test_id("mine")).to_contain_text("Sam forgot the release again")
        await expect(nudge).to_be_hidden()
        await page.close()
    assert [item.text for item in server.session.state.items.values()] == ["Sam forgot the release again"]
