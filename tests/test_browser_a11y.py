"""axe-core on every page a phone can see, in light and dark: no serious or critical violation anywhere.

Headless Chromium at phone size against a real server on a loopback port; the facilitator acts through the
one command path. axe comes bundled in a Python test dependency, so nothing is downloaded at run time.
"""

from collections.abc import Sequence
from datetime import date

import pytest
from playwright.async_api import Page, expect

from retro.commands import (
    AddNote,
    ChangePhase,
    HoldItem,
    LockJoining,
    MergeTopics,
    RecordAction,
    RotateJoinToken,
    StartDiscussion,
)
from retro.phases import Phase
from retro.sqlite_store import SqliteStore
from server.app import RetroServer
from tests.support.browser import accessibility_problems, chromium
from tests.support.phone_page import (
    PhoneInBrowser,
    facilitate,
    item_id_of,
    new_phone,
    open_phone,
    retro_to_walk,
    write,
)

pytestmark = pytest.mark.browser

ARABIC = "التسليم في الليل طويل جدا"
HEBREW = "צריך רשימת בדיקה למשמרת"
LEARNING = "Checklists help when the ward is full"
HELD = "Sam ignored the call bell again"


async def no_violations(where: str, pages: Sequence[Page]) -> None:
    for page in pages:
        problems = await accessibility_problems(page)
        assert problems == [], f"{where}: {problems}"


async def in_phase(phones: Sequence[PhoneInBrowser], label: str) -> list[Page]:
    for phone in phones:
        await expect(phone.page.get_by_test_id("phase")).to_contain_text(label)
    return [phone.page for phone in phones]


async def test_every_phase_passes_axe_in_light_and_dark(store: SqliteStore) -> None:
    server = await retro_to_walk(store)
    try:
        async with chromium() as browser:
            phones = [await open_phone(browser, server.join_url, dark=dark) for dark in (False, True)]
            light, dark = phones
            await no_violations("review", await in_phase(phones, "Review"))

            facilitate(server, ChangePhase(to=Phase.CHECK_IN))
            pages = await in_phase(phones, "Check-in")
            for page, value in zip(pages, (6, 8), strict=True):
                await page.get_by_test_id(f"answer-motivation-{value}").click()
            await expect(light.page.get_by_test_id("summary-motivation")).to_contain_text("2 answered")
            await no_violations("check-in", pages)

            facilitate(server, ChangePhase(to=Phase.WRITE))
            pages = await in_phase(phones, "Write")
            await write(light.page, "hard", ARABIC)
            await write(light.page, "learning", LEARNING)
            await write(dark.page, "help", HEBREW)
            await write(dark.page, "hard", HELD)
            await dark.page.get_by_test_id("text-learning").fill("x" * 1000)
            facilitate(server, HoldItem(item_id=item_id_of(server, HELD), reason="Names a person"))
            await expect(dark.page.get_by_test_id("held-banner")).to_be_visible()
            await no_violations("write, a held item and a long paste", pages)
            await dark.page.get_by_test_id("text-learning").fill("")

            facilitate(server, ChangePhase(to=Phase.GROUP))
            pages = await in_phase(phones, "Reveal")
            facilitate(
                server,
                MergeTopics(
                    topic_ids=(item_id_of(server, ARABIC), item_id_of(server, HEBREW)), title="Handover"
                ),
            )
            await expect(light.page.get_by_test_id("topic")).to_have_count(2)
            await no_violations("group", pages)

            facilitate(server, ChangePhase(to=Phase.VOTE))
            pages = await in_phase(phones, "Vote")
            for page in pages:
                await page.get_by_test_id("vote").first.click()
            await no_violations("vote", pages)

            facilitate(server, ChangePhase(to=Phase.DISCUSS))
            pages = await in_phase(phones, "Discuss")
            [handover] = [t.topic_id for t in server.session.state.topics.values() if t.title == "Handover"]
            facilitate(server, StartDiscussion(topic_id=handover))
            facilitate(server, AddNote(topic_id=handover, text="A two-minute huddle at 06:50"))
            facilitate(server, RecordAction(text="Trial the huddle", owner="Priya", due=date(2026, 12, 4)))
            for page in pages:
                await expect(page.get_by_test_id("discussing").get_by_test_id("note")).to_have_count(1)
                await expect(page.get_by_test_id("action")).to_have_count(1)
            await no_violations("discuss, now discussing", pages)

            facilitate(server, ChangePhase(to=Phase.ACTIONS))
            await no_violations("actions", await in_phase(phones, "Actions"))

            facilitate(server, ChangePhase(to=Phase.CLOSE))
            pages = await in_phase(phones, "Close")
            await light.page.get_by_test_id("roti-4").click()
            await light.page.get_by_test_id("reflection").first.fill("I could ask for help sooner")
            await no_violations("close", pages)

            facilitate(server, ChangePhase(to=Phase.ENDED))
            await no_violations("ended", await in_phase(phones, "Ended"))
            for phone in phones:
                assert phone.problems == []
    finally:
        await server.stop()


async def test_the_pages_at_the_door_pass_axe(server: RetroServer) -> None:
    async with chromium() as browser:
        facilitate(server, LockJoining(locked=True))
        waiting = [await new_phone(browser, dark=dark) for dark in (False, True)]
        for phone in waiting:
            await phone.page.goto(server.join_url)
            await expect(phone.page.get_by_test_id("locked")).to_be_visible()
        await no_violations("joining is paused", [phone.page for phone in waiting])

        facilitate(server, RotateJoinToken())
        for phone in waiting:
            await phone.page.get_by_test_id("gate-retry").click()
            await expect(phone.page.get_by_test_id("expired")).to_be_visible()
        await no_violations("a replaced link", [phone.page for phone in waiting])
        for phone in waiting:
            assert phone.problems == []
