"""Safety on a real phone page: held items, opt-in claims, a replaced join link and locked joining.

Headless Chromium at phone size against a real server on a loopback port; the facilitator acts through the
one command path. Screenshots of each state go to /tmp/phone-safety-*.png.
"""

import json
from datetime import UTC, datetime

import pytest
from playwright.async_api import Locator, Page, expect
from websockets.asyncio.client import connect

from retro.commands import (
    ChangePhase,
    HoldItem,
    LockJoining,
    MergeTopics,
    ReleaseItem,
    RotateJoinToken,
    StartDiscussion,
)
from retro.phases import Phase
from retro.screening import HeldNotice, seal, unseal
from server.app import RetroServer
from tests.support.browser import chromium
from tests.support.phone_page import (
    facilitate,
    item_id_of,
    mine,
    new_phone,
    open_phone,
    write,
)
from tests.support.waiting import until

pytestmark = pytest.mark.browser

HELD_TEXT = "The night lead ignored the bay 4 call bell again"
KEPT_TEXT = "Handovers run long when the ward is full"
OTHER_TEXT = "We never hear back about incident reports"
REWRITTEN = "Call bells in bay 4 go unanswered at night; can we share the load?"
REASON = "Names a person; could it describe what happened instead?"
TRICKY_REASON = "Ça dépend — " + "🙂" * 100
"""The longest reason (112 characters), over 400 bytes of UTF-8: it must arrive whole, byte for byte."""
SCREENSHOTS = "/tmp/phone-safety-{}.png"
TIMEOUT_MS = 10_000


def topic(page: Page, topic_id: str) -> Locator:
    return page.locator(f'[data-testid="topic"][data-topic-id="{topic_id}"]')


async def stored(page: Page) -> dict[str, str]:
    entries: dict[str, str] = await page.evaluate("() => Object.fromEntries(Object.entries(localStorage))")
    return entries


@pytest.fixture
def server(resealing_server: RetroServer) -> RetroServer:
    """Holds reach their authors at once here."""
    return resealing_server


async def test_a_held_item_is_shown_to_its_author_alone_who_rewrites_it(server: RetroServer) -> None:
    async with chromium() as browser:
        author = await open_phone(browser, server.join_url)
        other = await open_phone(browser, server.join_url)
        page = author.page
        await write(page, "hard", HELD_TEXT)
        await write(page, "learning", KEPT_TEXT)
        await write(other.page, "learning", OTHER_TEXT)
        held_id, kept_id = item_id_of(server, HELD_TEXT), item_id_of(server, KEPT_TEXT)
        await expect(page.get_by_test_id("held").filter(visible=True)).to_have_count(0)

        facilitate(server, HoldItem(item_id=held_id, reason=REASON))
        held_row = mine(page, HELD_TEXT)
        await expect(held_row.get_by_test_id("held-reason")).to_have_text(REASON)
        await expect(held_row.get_by_test_id("held")).to_contain_text(
            f"The facilitator has held this item: {REASON} It won't be shown at the reveal"
            " unless you rewrite it. You can rewrite or withdraw it."
        )
        await expect(held_row).to_have_attribute("data-held", "true")
        await expect(held_row.get_by_test_id("withdraw")).to_be_enabled()
        await expect(mine(page, KEPT_TEXT)).not_to_have_attribute("data-held", "true")
        await expect(page.get_by_test_id("held").filter(visible=True)).to_have_count(1)
        await held_row.scroll_into_view_if_needed()
        await page.screenshot(path=SCREENSHOTS.format("held"))

        # Every phone gets the sealed notice, among decoys; none can read it but the author's.
        owner = server.session.state.items[held_id].owner_hash

        def opened_by_other() -> bool:
            return any(
                unseal(HeldNotice.model_validate(notice), owner, board["notice_nonce"]) == REASON
                for board in other.boards()
                for notice in board["held_notices"]
            )

        await until(opened_by_other)
        await expect(other.page.get_by_test_id("held").filter(visible=True)).to_have_count(0)
        await expect(mine(other.page, OTHER_TEXT)).not_to_have_attribute("data-held", "true")
        await expect(other.page.locator("body")).not_to_contain_text(REASON)
        for phone in (author, other):
            assert [frame for frame in phone.received if REASON in frame or "Names a person" in frame] == []
        assert all(len(board["held_notices"]) % 8 == 0 for board in other.boards())

        # The page opens what Python seals, byte for byte, even the longest reason in four-byte characters.
        facilitate(server, HoldItem(item_id=kept_id, reason=TRICKY_REASON))
        assert unseal(seal(TRICKY_REASON, "0" * 64, "nonce"), "0" * 64, "nonce") == TRICKY_REASON
        expected = TRICKY_REASON
        await expect(mine(page, KEPT_TEXT).get_by_test_id("held-reason")).to_have_text(expected)
        facilitate(server, ReleaseItem(item_id=kept_id))
        await expect(mine(page, KEPT_TEXT).get_by_test_id("held")).to_be_hidden()
        await expect(held_row.get_by_test_id("held-reason")).to_have_text(REASON)

        # The author rewrites: the box starts from the item's text; the hold is gone once it lands.
        await held_row.get_by_test_id("rewrite").click()
        box = held_row.get_by_test_id("rewrite-text")
        await expect(box).to_have_value(HELD_TEXT)
        await expect(box).to_be_focused()
        await page.screenshot(path=SCREENSHOTS.format("held-rewrite"))
        await held_row.get_by_test_id("rewrite-cancel").click()
        await expect(box).to_be_hidden()
        assert author.sent_commands("rewrite_item") == []
        await held_row.get_by_test_id("rewrite").click()
        await box.fill(REWRITTEN)
        await held_row.get_by_test_id("rewrite-send").click()
        await until(lambda: server.session.state.held == {})
        assert server.session.state.items[held_id].text == REWRITTEN
        rewritten_row = mine(page, REWRITTEN)
        await expect(rewritten_row).to_have_count(1)
        await expect(rewritten_row.get_by_test_id("held")).to_be_hidden()
        await expect(page.get_by_test_id("held").filter(visible=True)).to_have_count(0)
        [rewrite] = author.sent_commands("rewrite_item")
        assert rewrite["item_id"] == held_id and rewrite["text"] == REWRITTEN and "item_secret" in rewrite

        # The reveal shows the rewrite, on every phone.
        facilitate(server, ChangePhase(to=Phase.GROUP))
        for phone in (author, other):
            titles = phone.page.get_by_test_id("topic-title")
            await expect(titles).to_have_count(3)
            await expect(topic(phone.page, held_id).get_by_test_id("topic-title")).to_have_text(REWRITTEN)
            await expect(phone.page.locator("body")).not_to_contain_text(HELD_TEXT)
            assert phone.problems == []


async def test_an_author_can_say_it_was_them_during_discuss(server: RetroServer) -> None:
    async with chromium() as browser:
        author = await open_phone(browser, server.join_url)
        other = await open_phone(browser, server.join_url)
        await write(author.page, "hard", HELD_TEXT)
        await write(other.page, "hard", OTHER_TEXT)
        await write(other.page, "help", KEPT_TEXT)
        mine_id, grouped_id, single_id = (
            item_id_of(server, text) for text in (HELD_TEXT, OTHER_TEXT, KEPT_TEXT)
        )
        facilitate(server, ChangePhase(to=Phase.GROUP))
        facilitate(server, MergeTopics(topic_ids=(mine_id, grouped_id), title="Call bells"))
        [group_id] = [t.topic_id for t in server.session.state.topics.values() if t.title == "Call bells"]

        # Not before Discuss.
        await expect(topic(author.page, group_id)).to_be_visible()
        await expect(author.page.get_by_test_id("claim")).to_have_count(0)
        facilitate(server, ChangePhase(to=Phase.DISCUSS))
        facilitate(server, StartDiscussion(topic_id=group_id))
        group = author.page.get_by_test_id("discussing").get_by_test_id("topic")
        await expect(group).to_have_attribute("data-topic-id", group_id)
        claim = group.get_by_test_id("claim")
        await expect(claim).to_have_count(1)
        await expect(claim).to_have_text("That was me — happy to talk")
        await expect(author.page.get_by_test_id("claim")).to_have_count(1)
        # The other phone sees buttons on its own items only, never on the author's item.
        other_group = topic(other.page, group_id).locator(".topic-item")
        await expect(other_group).to_have_count(2)
        await expect(other_group.filter(has_text=HELD_TEXT).get_by_test_id("claim")).to_have_count(0)
        await expect(other_group.filter(has_text=OTHER_TEXT).get_by_test_id("claim")).to_have_count(1)
        await expect(topic(other.page, single_id).get_by_test_id("claim")).to_have_count(1)
        await expect(other.page.get_by_test_id("claim")).to_have_count(2)

        # Cancel sends nothing.
        dialog = author.page.get_by_test_id("claim-dialog")
        await claim.click()
        await expect(dialog).to_be_visible()
        await expect(dialog.get_by_test_id("claim-item")).to_have_text(HELD_TEXT)
        await expect(dialog.get_by_test_id("claim-warning")).to_have_text(
            "Only this item will show that its author is here. Everyone in the room will know it was you."
        )
        await expect(dialog.get_by_text("Add your first name (optional):")).to_be_visible()
        await author.page.get_by_test_id("claim-name").fill("Priya")
        await author.page.get_by_test_id("claim-cancel").click()
        await expect(dialog).to_be_hidden()
        await claim.click()
        await expect(author.page.get_by_test_id("claim-name")).to_have_value("")
        await author.page.keyboard.press("Escape")
        await expect(dialog).to_be_hidden()
        assert author.sent_commands("claim_item") == []
        assert server.session.state.claimed == {}

        # Confirmed, with a first name: the badge shows on that item, on every phone.
        await claim.click()
        await author.page.get_by_test_id("claim-name").fill("Priya")
        await author.page.screenshot(path=SCREENSHOTS.format("claim-confirm"), animations="disabled")
        await author.page.get_by_test_id("claim-confirm").click()
        await expect(dialog).to_be_hidden()
        await until(lambda: server.session.state.claimed == {mine_id: "Priya"})
        for phone in (author, other):
            badge = topic(phone.page, group_id).get_by_test_id("claim-badge")
            await expect(badge).to_have_text("✋ Priya is happy to talk")
            await expect(
                topic(phone.page, group_id)
                .locator(".topic-item")
                .filter(has=phone.page.get_by_test_id("claim-badge"))
            ).to_contain_text(HELD_TEXT)
        await expect(author.page.get_by_test_id("claim")).to_have_count(0)
        [sent] = author.sent_commands("claim_item")
        assert sent["item_id"] == mine_id and sent["name"] == "Priya"

        # Without a name.
        single = topic(other.page, single_id)
        await single.get_by_test_id("claim").click()
        await other.page.get_by_test_id("claim-confirm").click()
        await expect(single.get_by_test_id("claim-badge")).to_have_text("✋ Its author is happy to talk")
        await expect(topic(author.page, single_id).get_by_test_id("claim-badge")).to_have_text(
            "✋ Its author is happy to talk"
        )
        await expect(other.page.get_by_test_id("claim")).to_have_count(1)
        assert server.session.state.claimed == {mine_id: "Priya", single_id: ""}
        await author.page.get_by_test_id("claim-badge").first.scroll_into_view_if_needed()
        await author.page.screenshot(path=SCREENSHOTS.format("claimed"))
        assert author.problems == [] and other.problems == []


async def test_a_replaced_link_moves_phones_already_in_and_turns_new_ones_away(server: RetroServer) -> None:
    old_url, old_token = server.join_url, server.session.record.join_token
    async with chromium() as browser:
        phone = await open_phone(browser, old_url)
        page = phone.page
        await write(page, "hard", HELD_TEXT)
        await write(page, "learning", KEPT_TEXT)
        await page.get_by_test_id("text-help").fill("A draft not sent yet")
        before = await stored(page)
        secret = before[f"retro:{old_token}:secret"]

        # Two phones that opened the old link but were never let in: joining was locked at the time.
        facilitate(server, LockJoining(locked=True))
        waiting = [await new_phone(browser, dark=dark) for dark in (False, True)]
        for newcomer in waiting:
            await newcomer.page.goto(old_url)
            await expect(newcomer.page.get_by_test_id("locked")).to_be_visible()

        facilitate(server, RotateJoinToken())
        new_token = server.session.record.join_token
        assert new_token != old_token
        await expect(page).to_have_url(server.join_url, timeout=TIMEOUT_MS)
        await expect(page.get_by_test_id("status")).to_have_text("Connected")
        await expect(page.get_by_test_id("mine")).to_have_count(2)
        after = await stored(page)
        assert [key for key in after if old_token in key] == []
        assert after[f"retro:{new_token}:secret"] == secret
        assert json.loads(after[f"retro:{new_token}:items"]) == json.loads(before[f"retro:{old_token}:items"])
        assert json.loads(after[f"retro:{new_token}:drafts"])["help"] == "A draft not sent yet"
        assert phone.sockets[-1].endswith(f"/ws/{old_token}"), "let back in through the old link"

        # A reload finds the retro at the new address, with everything this phone had.
        await page.reload()
        await expect(page.get_by_test_id("status")).to_have_text("Connected")
        assert phone.sockets[-1].endswith(f"/ws/{new_token}")
        await expect(page.get_by_test_id("mine")).to_have_count(2)
        await expect(page.get_by_test_id("text-help")).to_have_value("A draft not sent yet")
        await mine(page, HELD_TEXT).get_by_test_id("withdraw").click()
        await until(lambda: [item.text for item in server.session.state.items.values()] == [KEPT_TEXT])
        assert phone.problems == []

        # A new phone with the old link: the page still opens, and says calmly that the link was replaced.
        stranger = await new_phone(browser)
        response = await stranger.page.goto(old_url)
        assert response is not None and response.status == 200
        await expect(stranger.page.get_by_test_id("expired")).to_be_visible()
        async with connect(server.address.websocket_url(old_token)) as websocket:
            hello = {"type": "hello", "id": "hello-0001", "protocol": 1, "secret": "s" * 43}
            await websocket.send(json.dumps(hello))
            refusal = json.loads(await websocket.recv())
        assert refusal["type"] == "error" and refusal["code"] == "expired_link"

        # The phones still waiting on the old page are told, calmly, when they try again.
        for newcomer, name in zip(waiting, ("expired", "expired-dark"), strict=True):
            await newcomer.page.get_by_test_id("gate-retry").click()
            expired = newcomer.page.get_by_test_id("expired")
            await expect(expired).to_be_visible()
            await expect(expired).to_contain_text(
                "This join link has been replaced. Scan the new QR code to join."
            )
            await expect(newcomer.page.get_by_test_id("locked")).to_be_hidden()
            await expect(newcomer.page.get_by_test_id("title")).to_be_hidden()
            await expect(newcomer.page.get_by_test_id("error")).to_be_hidden()
            await newcomer.page.screenshot(path=SCREENSHOTS.format(name))
            assert newcomer.problems == []
        assert len(server.session.state.items) == 1


async def test_locked_joining_turns_new_phones_away_and_lets_phones_already_in_back(
    server: RetroServer,
) -> None:
    async with chromium() as browser:
        inside = await open_phone(browser, server.join_url)
        await write(inside.page, "learning", KEPT_TEXT)
        lock_note = inside.page.get_by_test_id("joining-locked")
        await expect(lock_note).to_be_hidden()
        facilitate(server, LockJoining(locked=True))
        await expect(lock_note).to_have_text("Joining locked")

        newcomer = await new_phone(browser, fake_clock=True)
        page = newcomer.page
        await page.goto(server.join_url)
        locked = page.get_by_test_id("locked")
        await expect(locked).to_be_visible()
        await expect(locked).to_contain_text(
            "The facilitator has locked joining for now. Ask them to open it, then reload."
        )
        await expect(page.get_by_test_id("error")).to_be_hidden()
        await expect(page.get_by_test_id("gate-retry")).to_be_enabled()
        await page.screenshot(path=SCREENSHOTS.format("locked"))

        # It does not knock again and again: once in 15 s, or as soon as the phone wakes.
        assert len(newcomer.sockets) == 1
        now_ms: float = await page.evaluate("() => Date.now()")
        await page.clock.pause_at(datetime.fromtimestamp(now_ms / 1000 + 0.1, UTC))
        await page.clock.run_for(12_000)
        await page.evaluate("() => 0")
        assert len(newcomer.sockets) == 1
        await page.clock.run_for(4_000)
        await until(lambda: len(newcomer.sockets) == 2)
        await expect(page.get_by_test_id("gate-retry")).to_be_enabled()
        await page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
        await until(lambda: len(newcomer.sockets) == 3)
        await expect(locked).to_be_visible()
        await page.clock.resume()
        assert [c for c in server.session.state.items.values() if c.text != KEPT_TEXT] == []

        # A phone already in reloads and is let back in.
        await inside.page.reload()
        await expect(inside.page.get_by_test_id("status")).to_have_text("Connected")
        await expect(mine(inside.page, KEPT_TEXT)).to_be_visible()
        await expect(inside.page.get_by_test_id("locked")).to_be_hidden()

        # Open again: the newcomer gets in after a reload, and can write.
        facilitate(server, LockJoining(locked=False))
        await expect(lock_note).to_be_hidden()
        await page.reload()
        await expect(page.get_by_test_id("status")).to_have_text("Connected")
        await expect(locked).to_be_hidden()
        await write(page, "hard", OTHER_TEXT)
        await until(lambda: len(server.session.state.items) == 2)
        assert inside.problems == [] and newcomer.problems == []


def test_the_seal_the_page_mirrors_is_keyed_by_item_and_nonce() -> None:
    """The Python side of what the page does: a notice opens for its own item and nonce only."""
    owner, other_owner = "a" * 64, "b" * 64
    notice = seal(REASON, owner, "n1")
    assert unseal(notice, owner, "n1") == REASON
    assert unseal(notice, owner, "n2") is None
    assert unseal(notice, other_owner, "n1") is None
