"""The blame nudge on a real phone page: it suggests while typing, sends nothing, and never blocks."""

import pytest
from playwright.async_api import Request, WebSocket, expect

from retro.nudge import suggestion
from server.app import RetroServer
from tests.support.browser import PHONE_VIEWPORT, chromium
from tests.test_nudge import EVERYDAY_BLAME, HARD_NEGATIVES

pytestmark = pytest.mark.browser

DRAFT = "Kwame skipped the falls assessment again"


async def test_the_nudge_shows_on_everyday_blame_and_not_on_hard_negatives_and_the_draft_stays_put(
    server: RetroServer,
) -> None:
    async with chromium() as browser:
        page = await browser.new_page(viewport=PHONE_VIEWPORT)
        sent: list[str] = []
        requests: list[str] = []

        def watch(socket: WebSocket) -> None:
            socket.on("framesent", lambda payload: sent.append(str(payload)))

        def record(request: Request) -> None:
            requests.append(f"{request.url} {request.post_data or ''}")

        page.on("websocket", watch)
        page.on("request", record)
        await page.goto(server.join_url)
        box = page.get_by_test_id("text-learning")
        nudge = page.get_by_test_id("prompt-learning").get_by_test_id("nudge")
        await expect(box).to_be_visible()
        await box.fill("We found the runbook late; a checklist would help")
        await expect(nudge).to_be_hidden()

        for text in EVERYDAY_BLAME:
            await box.fill(text)
            await expect(nudge).to_have_text(suggestion())
            await box.fill("")
            await expect(nudge).to_be_hidden()
        for text in HARD_NEGATIVES:
            await box.fill(text)
            await expect(box).to_have_value(text)
            await expect(nudge).to_be_hidden()

        await box.fill("")
        frames_before, requests_before = len(sent), len(requests)
        await box.press_sequentially(DRAFT, delay=5)
        await expect(nudge).to_have_text(suggestion())
        assert "Kwame" not in (await nudge.inner_text()), "the suggestion never quotes a name back"
        assert sent[frames_before:] == [] and requests[requests_before:] == [], "the draft stays on the phone"
        assert not [line for line in sent + requests if "Kwame" in line or "falls assessment" in line]

        await page.get_by_test_id("add-learning").click()
        await expect(page.get_by_test_id("mine")).to_contain_text(DRAFT)
        await expect(nudge).to_be_hidden()
        await page.close()
    assert [item.text for item in server.session.state.items.values()] == [DRAFT]
