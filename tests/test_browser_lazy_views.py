"""What a phone fetches, and when: the shell with the page, a phase's views when the phase comes, the blame
nudge's model once the person starts writing. Watched as the network requests Debian's Chromium makes."""

import asyncio
import re
from collections import Counter
from datetime import UTC, datetime

import pytest
from playwright.async_api import Page, Request, Route, WebSocketRoute, expect

from retro.commands import ChangePhase, RotateJoinToken
from retro.nudge import suggestion
from retro.phases import Phase
from retro.pulse.lifecycle import open_pulse
from retro.sqlite_store import SqliteStore
from server.app import RetroServer, ServerConfig
from tests.support.browser import chromium
from tests.support.locale_phones import phone_in
from tests.support.module_graph import loaded_with
from tests.support.module_graph import shell as shell_modules
from tests.support.network import NetworkRequests
from tests.support.phone_page import PhoneInBrowser, facilitate, new_phone

pytestmark = pytest.mark.browser

MODEL = {"js/blame_model.js", "js/language_guess.js", "blame_model.json"}
"""The nudge's model and the code that runs it: fetched only once a box is focused or has text."""
BLAME = "Kwame skipped the falls assessment again"
FIRST_DRAWN = """(title) => document.getElementById('title').textContent === title
  && { box: document.querySelector('[data-testid=text-learning]') !== null }"""
"""At the first frame that shows the retro's title: whether Write's box is drawn in that same frame."""
WRITE_VIEWS = ("views/write.js",)
"""Write's views until one of this phone's items is held: then the held banner too."""
VOTE_VIEWS = ("views/dots.js", "views/topics.js")


class Requests:
    """Every request the page makes over the network, by its name under the page's assets (`js/...`,
    `app.css`, ...). While a test routes requests, Playwright turns the HTTP cache off, so a lazy module is
    then fetched twice: once whole, once by its import (retry.js `importArrived`)."""

    def __init__(self, network: NetworkRequests) -> None:
        self._network = network

    @classmethod
    async def watching(cls, page: Page) -> "Requests":
        return cls(await NetworkRequests.watching(page))

    @property
    def urls(self) -> list[str]:
        return self._network.urls

    def under(self, assets: str, since: int = 0) -> Counter[str]:
        return Counter(url.split(assets, 1)[1] for url in self.urls[since:] if assets in url)


async def assets_base(page: Page) -> str:
    """`/assets/<version>/`, as the page's own stylesheet link gives it."""
    href = await page.locator('link[rel="stylesheet"]').get_attribute("href")
    assert href is not None and re.fullmatch(r"/assets/[0-9a-f]+/app\.css", href), href
    return href.removesuffix("app.css")


async def opened(phone: PhoneInBrowser, url: str) -> Requests:
    requests = await Requests.watching(phone.page)
    await phone.page.goto(url)
    await expect(phone.page.get_by_test_id("status")).to_have_attribute("data-state", "connected")
    return requests


async def test_a_phone_in_write_fetches_writes_views_and_the_model_only_once_it_writes(
    server: RetroServer,
) -> None:
    async with chromium() as browser:
        phone = await new_phone(browser)
        page = phone.page
        requests = await opened(phone, server.join_url)
        box = page.get_by_test_id("text-learning")
        await expect(box).to_be_visible()
        await page.wait_for_load_state("networkidle")
        assets = await assets_base(page)
        first = requests.under(assets)
        write = {f"js/{name}" for name in loaded_with(*WRITE_VIEWS)}
        assert first == Counter([*write, "app.css", "locales/en.json"]), "the shell and Write's, once each"
        assert not set(first) & MODEL
        assert not {"js/views/dots.js", "js/views/discussing.js", "js/views/pulse.js"} & set(first)

        before = len(requests.urls)
        async with page.expect_request(lambda request: request.url.endswith("/blame_model.json")):
            await box.focus()
        await box.fill(BLAME)
        nudge = page.get_by_test_id("prompt-learning").get_by_test_id("nudge")
        await expect(nudge).to_have_text(suggestion())
        assert requests.under(assets, before) == Counter(MODEL), "from beside the modules, once"
        assert [url for url in requests.urls[before:] if assets not in url] == []
        assert phone.problems == []
        await phone.context.close()


async def test_the_first_board_is_drawn_together_with_its_phases_views_on_slow_wifi(
    server: RetroServer,
) -> None:
    async with chromium() as browser:
        phone = await new_phone(browser)
        page = phone.page

        async def slow_wifi(route: Route) -> None:
            await asyncio.sleep(0.5)
            await route.continue_()

        await page.route("**/js/views/write.js", slow_wifi)
        await page.goto(server.join_url)
        whole = await page.wait_for_function(FIRST_DRAWN, arg=server.session.state.title, polling="raf")
        assert await whole.json_value() == {"box": True}, "the first board is drawn with Write's views"
        assert phone.problems == []
        await phone.context.close()


async def test_a_phase_change_shows_the_phase_at_once_and_a_failed_view_is_fetched_again(
    server: RetroServer,
) -> None:
    async with chromium() as browser:
        phone = await new_phone(browser)
        page = phone.page
        held = asyncio.Event()
        release = asyncio.Event()
        tries: list[str] = []

        async def bad_wifi(route: Route, request: Request) -> None:
            tries.append(request.url)
            if len(tries) == 1:
                held.set()
                await release.wait()
                await route.abort("connectionreset")
            else:
                await route.continue_()

        await page.route("**/js/views/dots.js", bad_wifi)
        requests = await opened(phone, server.join_url)
        await expect(page.get_by_test_id("text-learning")).to_be_visible()
        assets = await assets_base(page)
        before = len(requests.urls)

        facilitate(server, ChangePhase(to=Phase.VOTE))
        await asyncio.wait_for(held.wait(), timeout=10)
        await expect(page.locator("body")).to_have_attribute("data-phase", "vote")
        await expect(page.get_by_test_id("instruction")).to_have_text(Phase.VOTE.instruction)
        await expect(page.get_by_test_id("text-learning")).to_have_count(0)
        await expect(page.get_by_test_id("dots-left")).to_be_hidden()
        release.set()
        await expect(page.get_by_test_id("dots-left")).to_be_visible()
        await expect(page.get_by_test_id("error")).to_be_hidden()
        assert len(tries) >= 2, "the view that failed was fetched again"
        vote = {f"js/{name}" for name in loaded_with(*VOTE_VIEWS) - loaded_with(*WRITE_VIEWS)}
        assert set(requests.under(assets, before)) == vote, "Vote's views and parts, no other"
        assert phone.problems == [], "no unhandled rejection"
        await phone.context.close()


async def test_a_pulse_phone_fetches_the_pulse_view_and_no_view_of_a_retro(store: SqliteStore) -> None:
    record = open_pulse(store.pulses, team="Ward 7", now=datetime.now(UTC))
    server = RetroServer(None, ServerConfig(host="127.0.0.1", port=0), store)
    await server.start()
    try:
        async with chromium() as browser:
            phone = await new_phone(browser)
            requests = await opened(phone, server.address.join_url(record.join_token))
            await expect(phone.page.get_by_test_id("pulse-question-motivation")).to_be_visible()
            await phone.page.wait_for_load_state("networkidle")
            fetched = requests.under(await assets_base(phone.page))
            pulse = {f"js/{name}" for name in loaded_with("views/pulse.js")}
            assert fetched == Counter([*pulse, "app.css", "locales/en.json"])
            assert phone.problems == []
            await phone.context.close()
    finally:
        await server.stop()


async def test_a_phone_in_another_language_never_fetches_the_english_model(server: RetroServer) -> None:
    async with chromium() as browser:
        phone = await phone_in(browser, "cy-GB")
        requests = await opened(phone, server.join_url)
        box = phone.page.get_by_test_id("text-learning")
        await box.focus()
        await box.fill(BLAME)
        await expect(box).to_have_value(BLAME)
        await phone.page.wait_for_load_state("networkidle")
        fetched = requests.under(await assets_base(phone.page))
        assert "locales/cy.json" in fetched
        assert not set(fetched) & MODEL, "the nudge stays silent outside English, and fetches nothing"
        assert phone.problems == []
        await phone.context.close()


async def test_a_first_board_whose_views_are_slow_shows_the_shell_alone_then_the_views(
    server: RetroServer,
) -> None:
    async with chromium() as browser:
        phone = await new_phone(browser)
        page = phone.page
        release = asyncio.Event()

        async def stalled(route: Route) -> None:
            await release.wait()
            await route.continue_()

        await page.route("**/js/views/write.js", stalled)
        await page.goto(server.join_url)
        await expect(page.get_by_test_id("title")).to_have_text(server.session.state.title)
        await expect(page.get_by_test_id("instruction")).to_have_text(Phase.WRITE.instruction)
        await expect(page.get_by_test_id("text-learning")).to_have_count(0)
        await expect(page.get_by_test_id("error")).to_be_hidden()
        release.set()
        await expect(page.get_by_test_id("text-learning")).to_be_visible()
        assert phone.problems == []
        await phone.context.close()


async def test_a_draft_left_when_writing_closes_is_listed_as_not_sent_whose_view_comes_only_then(
    server: RetroServer,
) -> None:
    draft = "The handover sheet has no box for allergies"
    async with chromium() as browser:
        phone = await new_phone(browser)
        page = phone.page
        requests = await opened(phone, server.join_url)
        await page.get_by_test_id("text-learning").fill(draft)
        assets = await assets_base(page)
        assert "js/views/unsent.js" not in requests.under(assets), "nothing is kept yet"

        facilitate(server, ChangePhase(to=Phase.GROUP))
        not_sent = page.locator("#unsent")
        await expect(not_sent).to_be_visible()
        await expect(not_sent.get_by_role("heading")).to_have_text("Not sent")
        await expect(not_sent.locator("#unsent-list li")).to_have_count(1)
        await expect(not_sent.locator("#unsent-list li")).to_contain_text(draft)
        await expect(not_sent.get_by_role("button", name=f"Put back to edit: {draft}")).to_be_hidden()

        await not_sent.get_by_role("button", name=f"Discard: {draft}").click()
        await expect(not_sent).to_be_hidden()
        assert requests.under(assets)["js/views/unsent.js"] == 1
        assert phone.problems == []
        await phone.context.close()


async def test_the_phase_a_link_opens_in_has_its_views_fetched_before_any_board_arrives(
    server: RetroServer,
) -> None:
    facilitate(server, ChangePhase(to=Phase.VOTE))
    async with chromium() as browser:
        phone = await new_phone(browser)
        page = phone.page
        requests = await Requests.watching(page)
        sockets: list[str] = []

        def never_answering(socket: WebSocketRoute) -> None:
            sockets.append(socket.url)

        await page.route_web_socket(re.compile(r".*/ws/.*"), never_answering)
        async with page.expect_request(lambda request: request.url.endswith("/js/views/dots.js")):
            await page.goto(server.join_url)
        await expect(page.get_by_test_id("status")).not_to_have_attribute("data-state", "connected")
        assert len(sockets) == 1, "the page's websocket was held back: no board came"
        fetched = set(requests.under(await assets_base(page)))
        assert {f"js/{name}" for name in VOTE_VIEWS} <= fetched, "Vote's views, with no board yet"
        assert "js/views/write.js" not in fetched
        await phone.context.close()


async def test_a_replaced_link_fetches_no_view_of_any_phase(server: RetroServer) -> None:
    old_link = server.join_url
    facilitate(server, RotateJoinToken())
    async with chromium() as browser:
        phone = await new_phone(browser)
        requests = await Requests.watching(phone.page)
        await phone.page.goto(old_link)
        await expect(phone.page.get_by_test_id("expired")).to_be_visible()
        await phone.page.wait_for_load_state("networkidle")
        fetched = set(requests.under(await assets_base(phone.page)))
        shell = {f"js/{name}" for name in shell_modules()}
        assert {name for name in fetched if name.startswith("js/")} <= shell, "the shell alone"
        assert phone.problems == []
        await phone.context.close()
