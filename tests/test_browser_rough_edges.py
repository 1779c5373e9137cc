"""Rough edges a new user hit on the phone page: the previous retro's phones, long pastes, right-to-left
text, a held item seen from elsewhere on the page, and a replaced link opened by a brand-new phone.

Headless Chromium at phone size against a real server on a loopback port and a real SQLite file; the
facilitator acts through the one command path. Screenshots of each state go to /tmp/phone-edges-*.png.
"""

import asyncio
from datetime import date

import pytest
from playwright.async_api import Locator, Page, expect

from retro.builtin_templates import COMPASSIONATE
from retro.commands import ChangePhase, HoldItem, RecordAction, ReleaseItem, RotateJoinToken
from retro.launch import open_session
from retro.phases import Phase
from retro.session import Session
from retro.settings import RetroSettings
from retro.sqlite_store import SqliteStore
from retro.text import MAX_ITEM_CHARS
from server.app import RetroServer, ServerConfig
from tests.support.browser import accessibility_problems, chromium
from tests.support.client import Client
from tests.support.phone_page import facilitate, item_id_of, mine, new_phone, open_phone, write
from tests.support.waiting import http_status, until

pytestmark = pytest.mark.browser

SCREENSHOTS = "/tmp/phone-edges-{}.png"
REFLECTION = "I could have asked for help sooner"
ACTION = "Trial a two-minute huddle before every handover"
ARABIC_ITEM = "التسليم يستغرق وقتا طويلا"
HEBREW_OWNER = "מרים"
ARABIC_TITLE = "مراجعة الأسبوع"
NEXT_RETRO_MS = 30_000
"""The phone finds out by itself that the old link is gone: a few reconnects, then one look at its page."""


async def right_aligned(node: Locator) -> bool:
    """The text itself sits against the right edge of its box, as right-to-left text should."""
    edges: list[float] = await node.evaluate(
        """(node) => {
            const range = document.createRange();
            range.selectNodeContents(node);
            const text = range.getBoundingClientRect();
            const box = node.getBoundingClientRect();
            const padding = parseFloat(getComputedStyle(node).paddingRight) || 0;
            return [text.right, box.right - padding, text.width, box.width];
        }"""
    )
    text_right, box_right, text_width, box_width = edges
    return abs(text_right - box_right) < 2 and text_width < box_width * 0.9


async def direction(node: Locator) -> str:
    value: str = await node.evaluate("(node) => getComputedStyle(node).direction")
    return value


# ---------------------------------------------------------------- the previous retro's phones


@pytest.fixture
def server(resealing_server: RetroServer) -> RetroServer:
    """Holds reach their authors at once here."""
    return resealing_server


async def test_the_previous_retros_phones_keep_their_ended_page_when_the_next_retro_starts(
    store: SqliteStore,
) -> None:
    session = Session.start(store, title="Sprint 42", team="Ward 7", settings=RetroSettings(min_responses=2))
    server = RetroServer(session, ServerConfig(host="127.0.0.1", port=0))
    await server.start()
    port, old_url = server.port, server.join_url
    next_server: RetroServer | None = None
    try:
        async with chromium() as browser:
            phone = await open_phone(browser, old_url)
            page = phone.page
            other = await Client.join(server.websocket_url)
            facilitate(server, ChangePhase(to=Phase.WRITE))
            await write(page, "learning", "Handovers run long when the ward is full")
            facilitate(server, ChangePhase(to=Phase.DISCUSS))
            facilitate(server, RecordAction(text=ACTION, owner="Priya", due=date(2026, 12, 4)))
            facilitate(server, ChangePhase(to=Phase.CLOSE))
            reflections = page.get_by_test_id("reflection")
            await expect(reflections).to_have_count(3)
            await reflections.nth(1).fill(REFLECTION)
            await page.get_by_test_id("roti-4").click()
            await until(lambda: session.state.roti_values() == [4])
            await other.command(kind="answer_roti", value=5)
            facilitate(server, ChangePhase(to=Phase.ENDED))
            thanks = page.get_by_test_id("thanks")
            await expect(thanks).to_contain_text("4.5 of 5")
            await other.close()

            # The facilitator quits, and `retro host` starts the next retro on the same port with a new link.
            await server.stop()
            next_session = open_session(
                store,
                resume=False,
                title="Sprint 43",
                team="Ward 7",
                template=COMPASSIONATE,
                settings=RetroSettings(),
            )
            assert next_session.record.join_token != session.record.join_token
            next_server = RetroServer(next_session, ServerConfig(host="127.0.0.1", port=port))
            await next_server.start()
            assert await asyncio.to_thread(http_status, old_url) == 404

            # The phone learns that its link has closed, and keeps everything the ended retro gave it.
            note = page.get_by_test_id("ended-note")
            await expect(note).to_be_visible(timeout=NEXT_RETRO_MS)
            await expect(note).to_have_text(
                "This retro's link has closed. What is on this page stays until you close it."
            )
            await expect(page.get_by_test_id("expired")).to_be_hidden()
            await expect(page.get_by_text("There is a new link")).to_be_hidden()
            await expect(page.get_by_test_id("title")).to_have_text("Sprint 42")
            await expect(thanks).to_contain_text("Thank you")
            await expect(thanks).to_contain_text("4.5 of 5")
            await expect(thanks).to_contain_text("Actions1")
            await expect(page.get_by_test_id("action")).to_have_count(1)
            await expect(page.get_by_test_id("action")).to_contain_text(ACTION)
            await expect(page.get_by_test_id("action")).to_contain_text("Priya")
            await expect(reflections.nth(1)).to_have_value(REFLECTION)
            await expect(page.get_by_test_id("status")).to_have_text("Ended")
            await expect(page.get_by_test_id("phase")).to_contain_text("Ended")
            assert await accessibility_problems(page) == []
            await page.screenshot(path=SCREENSHOTS.format("ended-next-retro"), full_page=True)

            # It stops knocking: the new retro's server hears nothing more from it.
            knocks = len(phone.sockets)
            await page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
            await page.evaluate("() => window.dispatchEvent(new Event('online'))")
            await expect(note).to_be_visible()
            assert len(phone.sockets) == knocks
            assert phone.problems == []
    finally:
        if next_server is not None:
            await next_server.stop()


# ---------------------------------------------------------------- long pastes


async def paste(page: Page, box: Locator, text: str) -> None:
    """A real paste, through the clipboard and Ctrl+V."""
    await page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    await page.evaluate("(text) => navigator.clipboard.writeText(text)", text)
    await box.click()
    await page.keyboard.press("ControlOrMeta+V")


async def test_a_long_paste_is_kept_whole_and_the_writer_is_told_before_posting(server: RetroServer) -> None:
    pasted = "We lose a quarter of an hour at every handover because nobody owns the list. " * 13
    pasted = pasted[:1000]
    assert len(pasted) == 1000
    async with chromium() as browser:
        phone = await open_phone(browser, server.join_url)
        page = phone.page
        card = page.get_by_test_id("prompt-learning")
        box, add = page.get_by_test_id("text-learning"), page.get_by_test_id("add-learning")
        counter, too_long = card.locator(".counter"), card.get_by_test_id("too-long")
        await expect(too_long).to_be_hidden()

        await paste(page, box, pasted)
        await expect(box).to_have_value(pasted)
        await expect(too_long).to_have_text(
            "Longer than 280 characters: shorten it by 720 to add it. Nothing has been cut."
        )
        await expect(counter).to_have_text("720 characters too many")
        await expect(counter).to_have_attribute("aria-live", "polite")
        await expect(box).to_have_attribute("aria-invalid", "true")
        described_by = (await box.get_attribute("aria-describedby") or "").split()
        assert "too-long-learning" in described_by and "counter-learning" in described_by
        await expect(too_long).to_have_attribute("id", "too-long-learning")
        await expect(add).to_be_disabled()
        await expect(too_long).to_be_in_viewport(ratio=0.95)
        await expect(add).to_be_in_viewport(ratio=0.95)
        await page.screenshot(path=SCREENSHOTS.format("long-paste"))
        await box.press("ControlOrMeta+Enter")
        await expect(box).to_have_value(pasted)
        assert phone.sent_commands("add_item") == []
        assert server.session.state.items == {}

        # Near the limit, a countdown; at the limit exactly, it fits and goes whole.
        await box.fill(pasted[:270])
        await expect(counter).to_have_text("10 characters left")
        await expect(too_long).to_be_hidden()
        await expect(box).not_to_have_attribute("aria-invalid", "true")
        fits = pasted[:MAX_ITEM_CHARS].strip()
        await box.fill(pasted[:MAX_ITEM_CHARS])
        await expect(add).to_be_enabled()
        await add.click()
        await until(lambda: [item.text for item in server.session.state.items.values()] == [fits])

        # Characters are counted as the server counts them: 280 emoji fit, though each is two UTF-16 units.
        smiles = "🙂" * MAX_ITEM_CHARS
        await box.fill(smiles)
        await expect(too_long).to_be_hidden()
        await add.click()
        await until(lambda: smiles in [item.text for item in server.session.state.items.values()])
        await expect(page.get_by_test_id("mine")).to_have_count(2)

        # A held item's rewrite is held to the same rule.
        facilitate(server, HoldItem(item_id=item_id_of(server, fits), reason="Too long to read aloud"))
        row = mine(page, fits[:40])
        await row.get_by_test_id("rewrite").click()
        await row.get_by_test_id("rewrite-text").fill(pasted[:300])
        await expect(row.get_by_test_id("rewrite-too-long")).to_have_text(
            "Longer than 280 characters: shorten it by 20 to add it. Nothing has been cut."
        )
        await expect(row.get_by_test_id("rewrite-send")).to_be_disabled()
        assert phone.sent_commands("rewrite_item") == []
        assert phone.problems == []


# ---------------------------------------------------------------- right-to-left text


async def test_right_to_left_text_keeps_its_own_direction(store: SqliteStore) -> None:
    session = Session.start(store, title=ARABIC_TITLE, team="Ward 7")
    server = RetroServer(session, ServerConfig(host="127.0.0.1", port=0))
    await server.start()
    try:
        async with chromium() as browser:
            phone = await open_phone(browser, server.join_url)
            page = phone.page
            title = page.get_by_test_id("title")
            await expect(title).to_have_text(ARABIC_TITLE)
            await expect(title).to_have_attribute("dir", "auto")
            assert await direction(title) == "rtl"

            facilitate(server, ChangePhase(to=Phase.WRITE))
            await write(page, "hard", ARABIC_ITEM)
            await write(page, "learning", "Checklists help")
            for text, expected in ((ARABIC_ITEM, "rtl"), ("Checklists help", "ltr")):
                mine_text = mine(page, text).locator(".mine-text")
                await expect(mine_text).to_have_attribute("dir", "auto")
                assert await direction(mine_text) == expected
            assert await right_aligned(mine(page, ARABIC_ITEM).locator(".mine-text"))
            assert not await right_aligned(mine(page, "Checklists help").locator(".mine-text"))
            await page.get_by_test_id("text-help").fill(ARABIC_ITEM)
            assert await direction(page.get_by_test_id("text-help")) == "rtl"
            await page.get_by_test_id("text-help").fill("")

            facilitate(server, ChangePhase(to=Phase.GROUP))
            topic_title = page.get_by_test_id("topic-title").filter(has_text=ARABIC_ITEM)
            await expect(topic_title).to_have_attribute("dir", "auto")
            assert await direction(topic_title) == "rtl"
            assert await right_aligned(topic_title)

            facilitate(server, ChangePhase(to=Phase.DISCUSS))
            facilitate(server, RecordAction(text=ARABIC_ITEM, owner=HEBREW_OWNER, due=date(2026, 12, 4)))
            action = page.get_by_test_id("action")
            await expect(action).to_have_count(1)
            assert await direction(action.locator(".action-text")) == "rtl"
            assert await direction(action.locator(".action-meta")) == "ltr"
            owner = action.locator(".action-meta bdi")
            await expect(owner).to_have_text(HEBREW_OWNER)
            assert await direction(owner) == "rtl"
            await action.scroll_into_view_if_needed()
            await page.screenshot(path=SCREENSHOTS.format("right-to-left"))
            assert phone.problems == []
    finally:
        await server.stop()


# ---------------------------------------------------------------- a held item, seen from anywhere


async def test_a_held_item_gets_a_banner_that_stays_in_view_and_leads_to_it(server: RetroServer) -> None:
    held_text = "Sam ignored the bay 4 call bell again"
    async with chromium() as browser:
        author = await open_phone(browser, server.join_url)
        other = await open_phone(browser, server.join_url)
        page = author.page
        await write(page, "learning", "Handovers run long when the ward is full")
        await write(page, "hard", "Agency staff get no induction")
        await write(page, "help", held_text)
        await write(other.page, "help", "A two-minute huddle before handover")
        await page.evaluate("() => window.scrollTo(0, 0)")
        banner = page.get_by_test_id("held-banner")
        await expect(banner).to_be_hidden()

        facilitate(server, HoldItem(item_id=item_id_of(server, held_text), reason="Names a person"))
        await expect(banner).to_be_visible()
        await expect(banner).to_contain_text("The facilitator has held one of your items. Only you see this.")
        await expect(banner).to_be_in_viewport()
        await expect(page.locator("#announcer")).to_have_text(
            "The facilitator has held one of your items. Only this phone can see it;"
            " you can rewrite or withdraw it."
        )
        await expect(page.locator("#announcer")).to_have_attribute("aria-live", "polite")
        held_row = mine(page, held_text)
        await expect(held_row).to_have_attribute("data-held", "true")
        await expect(held_row).not_to_be_in_viewport()
        await page.screenshot(path=SCREENSHOTS.format("held-banner"))

        # Scrolled anywhere, it is still there.
        await page.evaluate("() => window.scrollTo(0, document.body.scrollHeight / 2)")
        await expect(banner).to_be_in_viewport()
        await page.evaluate("() => window.scrollTo(0, 0)")

        show = page.get_by_test_id("held-banner-show")
        await expect(show).to_have_text("Show it")
        await show.click()
        await expect(held_row).to_be_in_viewport(ratio=1)
        await expect(held_row.get_by_test_id("rewrite")).to_be_focused()
        await expect(banner).to_be_in_viewport()
        await page.screenshot(path=SCREENSHOTS.format("held-banner-shown"))

        # Nobody else sees it.
        await expect(other.page.get_by_test_id("held-banner")).to_be_hidden()

        # Two held: the banner counts them; released, it goes.
        other_text = "Agency staff get no induction"
        facilitate(server, HoldItem(item_id=item_id_of(server, other_text), reason="Please say more"))
        await expect(banner).to_contain_text("The facilitator has held 2 of your items.")
        await expect(show).to_have_text("Show the next")
        facilitate(server, ReleaseItem(item_id=item_id_of(server, other_text)))
        await expect(banner).to_contain_text("held one of your items")
        facilitate(server, ReleaseItem(item_id=item_id_of(server, held_text)))
        await expect(banner).to_be_hidden()

        # Held when writing closes: the reveal leaves it out, and the banner goes with the Write phase.
        facilitate(server, HoldItem(item_id=item_id_of(server, held_text), reason="Names a person"))
        await expect(banner).to_be_visible()
        facilitate(server, ChangePhase(to=Phase.GROUP))
        await expect(page.get_by_test_id("phase")).to_contain_text("Reveal")
        await expect(banner).to_be_hidden()
        assert author.problems == [] and other.problems == []


# ---------------------------------------------------------------- a replaced link, opened by a new phone


async def test_a_brand_new_phone_opening_a_replaced_link_sees_a_calm_page(server: RetroServer) -> None:
    old_url, old_token = server.join_url, server.session.record.join_token
    facilitate(server, RotateJoinToken())
    assert server.session.record.join_token != old_token
    async with chromium() as browser:
        for dark in (False, True):
            newcomer = await new_phone(browser, dark=dark)
            page = newcomer.page
            await page.goto(old_url)
            expired = page.get_by_test_id("expired")
            await expect(expired).to_be_visible()
            await expect(expired.get_by_role("heading")).to_have_text("There is a new link")
            await expect(expired).to_contain_text(
                "This join link has been replaced. Scan the new QR code to join."
            )
            await expect(page.get_by_role("main")).to_have_count(1)
            await expect(page.get_by_test_id("title")).to_be_hidden()
            await expect(page.get_by_test_id("error")).to_be_hidden()
            await expect(page.locator("body")).not_to_contain_text("Not found")
            assert await accessibility_problems(page) == []
            assert newcomer.sockets and newcomer.sockets[0].endswith(f"/ws/{old_token}")
            assert server.session.record.join_token not in await page.content()
            assert newcomer.problems == []
            await page.screenshot(
                path=SCREENSHOTS.format("replaced-link-new-phone" + ("-dark" if dark else ""))
            )
    assert server.session.state.items == {}
