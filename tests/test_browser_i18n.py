"""The phone's language, in Debian's Chromium: a Welsh phone gets Welsh and fetches only the Welsh
catalogue; the switcher in the header changes the language and the phone remembers it; a retro's --lang
speaks to a phone whose own languages are none of the page's, and a phone's own languages still win."""

import json
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, expect

from retro.actors import Facilitator
from retro.commands import ChangePhase
from retro.phases import Phase
from retro.session import Session
from retro.settings import RetroSettings
from retro.sqlite_store import SqliteStore
from server.app import RetroServer, ServerConfig
from tests.support.browser import PHONE_VIEWPORT, chromium
from tests.support.static_files import STATIC

pytestmark = pytest.mark.browser


def words(code: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((STATIC / "locales" / f"{code}.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture
async def welsh_retro(store: SqliteStore) -> AsyncIterator[RetroServer]:
    """A retro in Write whose facilitator gave --lang cy."""
    session = Session.start(store, title="Ward 7 retro", team="Ward 7", settings=RetroSettings(lang="cy"))
    session.execute(Facilitator(), ChangePhase(to=Phase.WRITE))
    running = RetroServer(session, ServerConfig(host="127.0.0.1", port=0))
    await running.start()
    yield running
    await running.stop()


async def phone(browser: Browser, locale: str) -> tuple[Page, list[str]]:
    context = await browser.new_context(viewport=PHONE_VIEWPORT, locale=locale)
    page = await context.new_page()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url) if "/locales/" in request.url else None)
    return page, fetched


async def test_a_welsh_phone_sees_welsh_and_fetches_only_the_welsh_catalogue(server: RetroServer) -> None:
    welsh = words("cy")
    async with chromium() as browser:
        page, fetched = await phone(browser, "cy-GB")
        await page.goto(server.join_url)
        await expect(page.get_by_test_id("status")).to_have_text(str(welsh["status.connected"]))
        await expect(page.locator("html")).to_have_attribute("lang", "cy")
        await expect(page.get_by_test_id("instruction")).to_have_text(str(welsh["phase.write.instruction"]))
        assert [url.rsplit("/", 1)[1] for url in fetched] == ["cy.json"]


async def test_the_switcher_changes_the_language_and_the_phone_remembers_it(server: RetroServer) -> None:
    welsh, arabic = words("cy"), words("ar")
    async with chromium() as browser:
        page, fetched = await phone(browser, "en-US")
        await page.goto(server.join_url)
        await expect(page.get_by_test_id("status")).to_have_text("Connected")
        picker = page.get_by_role("combobox", name="Language")
        await expect(picker.locator("option[value=cy]")).to_have_text(str(welsh["_meta"]["name"]))  # type: ignore[index]
        await picker.select_option("ar")
        await expect(page.locator("html")).to_have_attribute("dir", "rtl")
        await expect(page.get_by_test_id("status")).to_have_text(str(arabic["status.connected"]))
        await page.reload()
        await expect(page.get_by_test_id("status")).to_have_text(str(arabic["status.connected"]))
        await expect(page.get_by_role("combobox")).to_have_value("ar")
        assert {url.rsplit("/", 1)[1] for url in fetched} == {"en.json", "ar.json"}


async def test_the_retros_lang_speaks_to_a_phone_with_none_of_ours_and_a_phones_own_languages_win(
    welsh_retro: RetroServer,
) -> None:
    welsh = words("cy")
    async with chromium() as browser:
        french, _ = await phone(browser, "fr-FR")
        await french.goto(welsh_retro.join_url)
        await expect(french.get_by_test_id("instruction")).to_have_text(str(welsh["phase.write.instruction"]))
        english, _ = await phone(browser, "en-GB")
        await english.goto(welsh_retro.join_url)
        await expect(english.get_by_test_id("status")).to_have_text("Connected")
        await expect(english.get_by_test_id("instruction")).to_have_text(Phase.WRITE.instruction)
