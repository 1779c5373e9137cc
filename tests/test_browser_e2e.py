"""End to end in headless Chromium at phone size: the phone page against a real server on a real port.

One test hosts the retro in the TUI and checks that a phone's item and dots reach it; the other walks one
phone through every phase of a retro, driven by facilitator commands on the one command path.
"""

import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, WebSocket, expect

from retro.actors import Facilitator
from retro.commands import (
    AddNote,
    ChangePhase,
    Command,
    MergeTopics,
    RecordAction,
    ReviewAction,
    ReviewOutcome,
    StartDiscussion,
)
from retro.events import ReviewItem
from retro.phases import Phase
from retro.session import Session
from retro.settings import RetroSettings
from retro.sqlite_store import SqliteStore
from server.app import RetroServer, ServerConfig
from tests.support.browser import PHONE_VIEWPORT, chromium
from tests.support.client import Client
from tests.support.sessions import start_fixed_session
from tests.support.waiting import until
from tui.app import RetroApp
from tui.hosting import EmbeddedHost

pytestmark = pytest.mark.browser

ITEM = "<b>Handover</b> notes [b]help[/b] when we are tired"
BAY = "Nobody knew who was covering bay 4 on Sunday"
HUDDLE = "A two-minute huddle before handover"
NOTE = "Huddle at 06:50 by the station, two minutes at most"
LATER_NOTE = "The charge nurse keeps the bay list"
ACTION = "Trial a two-minute huddle before every handover"
LATER_ACTION = "Pin the agency induction sheet by the door"
REFLECTION = "Private-reflection-7f3c: I could have asked for help sooner"
DONE_REF = "0123456789abcdef/00000000000000a1"
OPEN_REF = "0123456789abcdef/00000000000000a2"


def facilitate(session: Session, command: Command) -> None:
    """What the TUI does for a key press: one facilitator command through the one command path."""
    session.execute(Facilitator(), command)


def phase_of(session: Session) -> Phase:
    return session.state.phase


@dataclass
class MovableClock:
    """The session's clock. The test moves it forward to show that the phone times on the server's clock."""

    ahead: timedelta = timedelta()

    def __call__(self) -> datetime:
        return (datetime.now(UTC) + self.ahead).replace(microsecond=0)


@asynccontextmanager
async def serving(session: Session) -> AsyncIterator[RetroServer]:
    server = RetroServer(session, ServerConfig(host="127.0.0.1", port=0))
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@dataclass
class PhoneInBrowser:
    page: Page
    sent: list[str]
    """Every websocket frame the page sent, over every connection it opened."""
    problems: list[str]
    """Failed requests and uncaught page errors."""


async def open_phone(browser: Browser, url: str) -> PhoneInBrowser:
    context = await browser.new_context(viewport=PHONE_VIEWPORT)
    page = await context.new_page()
    phone = PhoneInBrowser(page=page, sent=[], problems=[])

    def record_frame(payload: str | bytes) -> None:
        phone.sent.append(payload if isinstance(payload, str) else payload.decode(errors="replace"))

    def watch(websocket: WebSocket) -> None:
        websocket.on("framesent", record_frame)

    page.on("websocket", watch)
    page.on("requestfailed", lambda request: phone.problems.append(f"request failed: {request.url}"))
    page.on("pageerror", lambda error: phone.problems.append(f"page error: {error}"))
    await page.goto(url)
    await expect(page.get_by_test_id("status")).to_have_text("Connected")
    return phone


async def test_phone_posts_and_votes_and_the_tui_shows_the_result(store: SqliteStore, tmp_path: Path) -> None:
    host = EmbeddedHost(start_fixed_session(store), ServerConfig(host="127.0.0.1", port=0))
    app = RetroApp(host, export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot, chromium() as browser:
        await until(lambda: app.join_url != "")
        await pilot.pause()
        phone = await open_phone(browser, app.join_url)
        page = phone.page

        await expect(page.get_by_test_id("title")).to_have_text("Sprint 42")
        await expect(page.get_by_test_id("anon-note")).to_contain_text("nobody, the facilitator included")
        await expect(page.get_by_test_id("phase")).to_contain_text("Review")
        assert phase_of(host.session) is Phase.REVIEW

        facilitate(host.session, ChangePhase(to=Phase.WRITE))
        await expect(page.get_by_test_id("phase")).to_contain_text("Write")
        await page.get_by_test_id("text-learning").fill(ITEM)
        await page.get_by_test_id("add-learning").click()
        await expect(page.get_by_test_id("mine")).to_contain_text(ITEM)
        await until(lambda: [item.text for item in host.session.state.items.values()] == [ITEM])

        facilitate(host.session, ChangePhase(to=Phase.VOTE))
        await expect(page.get_by_test_id("phase")).to_contain_text("Vote")
        card = page.get_by_test_id("topic")
        await expect(card.get_by_test_id("topic-title")).to_have_text(ITEM)
        await card.get_by_test_id("vote").click()
        await expect(page.get_by_test_id("dots-left")).to_have_text("2 of 3 dots left")
        await card.get_by_test_id("vote").click()
        await expect(page.get_by_test_id("dots-left")).to_have_text("1 of 3 dots left")
        [topic_id] = host.session.state.topic_order
        await until(lambda: host.session.state.votes[topic_id] == 2)

        facilitate(host.session, ChangePhase(to=Phase.DISCUSS))
        await pilot.pause()
        assert phase_of(host.session) is Phase.DISCUSS
        await expect(card.get_by_test_id("votes")).to_have_text("2")
        assert phone.problems == []


async def test_one_phone_walks_through_every_phase(store: SqliteStore) -> None:
    clock = MovableClock()
    review = (
        ReviewItem(
            ref=DONE_REF,
            text="Write the night-shift handover checklist",
            owner="Priya",
            due=date(2026, 11, 20),
            from_title="Sprint 41",
            from_date=date(2026, 11, 13),
        ),
        ReviewItem(
            ref=OPEN_REF,
            text="Ask pharmacy about the late rounds",
            owner="Sam",
            due=date(2026, 11, 24),
            from_title="Sprint 41",
            from_date=date(2026, 11, 13),
        ),
    )
    session = Session.start(
        store,
        title="Sprint 42",
        team="Ward 7",
        review=review,
        settings=RetroSettings(votes_per_person=3, max_votes_per_topic=2, min_responses=2),
        clock=clock,
    )
    async with serving(session) as server, chromium() as browser:
        phone = await open_phone(browser, server.join_url)
        page = phone.page
        other = await Client.join(server.websocket_url)
        phase = page.get_by_test_id("phase")

        # Review: last time's actions, each with its outcome.
        await expect(phase).to_contain_text("Review")
        steps = page.get_by_role("navigation", name="Retro steps").get_by_role("listitem")
        await expect(steps).to_have_count(8)
        reviewed = page.get_by_test_id("review-item")
        await expect(reviewed).to_have_count(2)
        await expect(reviewed.nth(0)).to_contain_text("Write the night-shift handover checklist")
        await expect(reviewed.nth(0)).to_contain_text("Priya")
        await expect(reviewed.nth(0)).to_contain_text("From Sprint 41")
        outcomes = reviewed.get_by_test_id("outcome")
        await expect(outcomes).to_have_text(["Not yet reviewed", "Not yet reviewed"])
        facilitate(session, ReviewAction(ref=DONE_REF, outcome=ReviewOutcome.DONE))
        await expect(outcomes).to_have_text(["Done", "Not yet reviewed"])

        # Check-in: an anonymous scale; the summary shows only once two have answered.
        facilitate(session, ChangePhase(to=Phase.CHECK_IN))
        await expect(phase).to_contain_text("Check-in")
        await expect(page.get_by_test_id("checkin-note")).to_have_text(
            "Anonymous — only counts are shown, and only once at least 2 people have answered."
        )
        motivation = page.get_by_test_id("question-motivation")
        await expect(motivation).to_contain_text("How motivated do you feel about work this week?")
        await expect(motivation.get_by_role("button")).to_have_count(10)
        summary = page.get_by_test_id("summary-motivation")
        await expect(summary).to_have_text("Nobody has answered yet")
        await page.get_by_test_id("answer-motivation-7").click()
        await expect(page.get_by_test_id("answer-motivation-7")).to_have_attribute("aria-pressed", "true")
        await expect(summary).to_have_text("1 answered so far")
        await until(lambda: session.state.check_in_values("motivation") == [7])
        await other.command(kind="answer_check_in", question_id="motivation", value=4)
        await expect(summary).to_contain_text("Mean 5.5 · 2 answered")
        await page.get_by_test_id("answer-motivation-8").click()
        await expect(page.get_by_test_id("answer-motivation-8")).to_have_attribute("aria-pressed", "true")
        await expect(page.get_by_test_id("answer-motivation-7")).to_have_attribute("aria-pressed", "false")
        await expect(summary).to_contain_text("Mean 6.0 · 2 answered")

        # Write: the phone's own item is remembered across a reload, and its hello then says it wrote.
        facilitate(session, ChangePhase(to=Phase.WRITE))
        await expect(phase).to_contain_text("Write")
        await page.get_by_test_id("text-learning").fill(ITEM)
        await page.get_by_test_id("add-learning").click()
        await expect(page.get_by_test_id("mine")).to_contain_text(ITEM)
        await expect(page.get_by_test_id("withdraw")).to_be_enabled()
        await other.add_item(BAY, "hard")
        await other.add_item(HUDDLE, "help")
        await page.reload()
        await expect(page.get_by_test_id("status")).to_have_text("Connected")
        await expect(page.get_by_test_id("mine")).to_contain_text(ITEM)
        hellos = [json.loads(frame) for frame in phone.sent if '"type":"hello"' in frame.replace(" ", "")]
        assert [hello.get("wrote") for hello in hellos] == [None, True]

        # Reveal and group: items appear as topics; the facilitator merges two.
        facilitate(session, ChangePhase(to=Phase.GROUP))
        await expect(phase).to_contain_text("Reveal & group")
        await expect(page.get_by_test_id("grouping-note")).to_be_visible()
        topics = page.get_by_test_id("topic")
        await expect(topics).to_have_count(3)
        item_ids = {item.text: item.item_id for item in session.state.items.values()}
        facilitate(session, MergeTopics(topic_ids=(item_ids[ITEM], item_ids[HUDDLE]), title="Handover"))
        await expect(topics).to_have_count(2)
        [merged_id] = [topic.topic_id for topic in session.state.topics.values() if topic.title == "Handover"]
        bay_id = item_ids[BAY]
        handover = page.locator(f'[data-testid="topic"][data-topic-id="{merged_id}"]')
        bay = page.locator(f'[data-testid="topic"][data-topic-id="{bay_id}"]')
        await expect(handover.get_by_test_id("topic-title")).to_have_text("Handover")
        await expect(handover.get_by_test_id("topic-item")).to_have_text([ITEM, HUDDLE])
        await expect(bay.get_by_test_id("topic-title")).to_have_text(BAY)

        # Vote: dots on topics, within the budget and the per-topic cap; no totals while voting.
        facilitate(session, ChangePhase(to=Phase.VOTE))
        await expect(phase).to_contain_text("Vote")
        dots_left = page.get_by_test_id("dots-left")
        await expect(dots_left).to_have_text("3 of 3 dots left")
        await expect(handover.get_by_test_id("votes")).to_be_hidden()
        await handover.get_by_test_id("vote").click()
        await expect(dots_left).to_have_text("2 of 3 dots left")
        await expect(handover.get_by_test_id("my-dots")).to_have_text("1")
        await handover.get_by_test_id("unvote").click()
        await expect(dots_left).to_have_text("3 of 3 dots left")
        await expect(handover.get_by_test_id("my-dots")).to_have_text("0")
        await handover.get_by_test_id("vote").click()
        await handover.get_by_test_id("vote").click()
        await expect(dots_left).to_have_text("1 of 3 dots left")
        await expect(handover.get_by_test_id("my-dots")).to_have_text("2")
        await expect(handover.get_by_test_id("vote")).to_be_disabled()
        await expect(handover.get_by_test_id("cap-hint")).to_be_visible()
        await expect(bay.get_by_test_id("vote")).to_be_enabled()
        await until(lambda: session.state.votes[merged_id] == 2)
        await other.command(kind="cast_vote", topic_id=bay_id)

        # Discuss: most voted first, with totals; the topic under discussion on top with its timer.
        facilitate(session, ChangePhase(to=Phase.DISCUSS))
        await expect(phase).to_contain_text("Discuss")
        await expect(page.get_by_test_id("topic-title")).to_have_text(["Handover", BAY])
        await expect(handover.get_by_test_id("votes")).to_have_text("2")
        await expect(bay.get_by_test_id("votes")).to_have_text("1")
        facilitate(session, StartDiscussion(topic_id=merged_id))
        discussing = page.get_by_test_id("discussing")
        await expect(discussing.get_by_test_id("topic-title")).to_have_text("Handover")
        await expect(discussing.get_by_test_id("topic")).to_have_attribute("aria-current", "true")
        timer = page.get_by_test_id("timer")
        await expect(timer).to_have_text(re.compile(r"^0[45]:[0-5]\d$"))
        shown = await timer.text_content()
        await expect(timer).not_to_have_text(shown or "", timeout=3000)
        facilitate(session, AddNote(topic_id=merged_id, text=NOTE))
        await expect(discussing.get_by_test_id("note")).to_have_text([NOTE])

        # The server's clock jumps to two seconds before the end: the phone follows the server, not itself.
        ends_at = session.state.timer_ends_at
        assert ends_at is not None
        clock.ahead = ends_at - timedelta(seconds=2) - datetime.now(UTC)
        facilitate(session, AddNote(topic_id=merged_id, text=LATER_NOTE))
        await expect(discussing.get_by_test_id("note")).to_have_text([NOTE, LATER_NOTE])
        await expect(timer).to_have_text("Time's up", timeout=5000)

        facilitate(session, StartDiscussion(topic_id=bay_id))
        await expect(discussing.get_by_test_id("topic-title")).to_have_text(BAY)
        await expect(timer).to_have_text(re.compile(r"^0[45]:[0-5]\d$"))
        await expect(handover.get_by_test_id("discussed-mark")).to_be_visible()
        await expect(handover.get_by_test_id("note")).to_have_text([NOTE, LATER_NOTE])

        # Actions: live as they are recorded, from Discuss on.
        facilitate(
            session, RecordAction(text=ACTION, owner="Priya", due=date(2026, 12, 11), topic_id=merged_id)
        )
        actions = page.get_by_test_id("action")
        await expect(actions).to_have_count(1)
        await expect(actions.nth(0)).to_contain_text(ACTION)
        await expect(actions.nth(0)).to_contain_text("Priya")
        await expect(actions.nth(0)).to_contain_text("From: Handover")
        facilitate(session, ChangePhase(to=Phase.ACTIONS))
        await expect(phase).to_contain_text("Actions")
        facilitate(session, RecordAction(text=LATER_ACTION, owner="Sam", due=date(2026, 12, 4)))
        await expect(actions).to_have_count(2)
        await expect(actions.nth(1)).to_contain_text(LATER_ACTION)

        # Close: the return on time invested, then a private reflection that never leaves the phone.
        facilitate(session, ChangePhase(to=Phase.CLOSE))
        await expect(phase).to_contain_text("Close")
        await expect(page.get_by_test_id("roti")).to_contain_text("Was this retro worth the time you put in?")
        reflections = page.get_by_test_id("reflection")
        await expect(reflections).to_have_count(3)
        await expect(page.get_by_test_id("reflection-note")).to_contain_text(
            "Just for you: this never leaves your phone"
        )
        await expect(page.get_by_text("Who will I discuss this with?")).to_be_visible()
        await reflections.nth(0).fill(REFLECTION)
        await page.get_by_test_id("roti-4").click()
        await expect(page.get_by_test_id("roti-4")).to_have_attribute("aria-pressed", "true")
        roti_summary = page.get_by_test_id("roti-summary")
        await expect(roti_summary).to_have_text("1 answered so far")
        await until(lambda: session.state.roti_values() == [4])
        await other.command(kind="answer_roti", value=5)
        await expect(roti_summary).to_contain_text("Mean 4.5 · 2 answered")

        # Ended: thanks, the actions, the totals; the reflection is still there for whoever was writing.
        facilitate(session, ChangePhase(to=Phase.ENDED))
        await expect(phase).to_contain_text("Ended")
        thanks = page.get_by_test_id("thanks")
        await expect(thanks).to_contain_text("Thank you")
        await expect(thanks).to_contain_text("4.5 of 5")
        await expect(actions).to_have_count(2)
        await expect(handover.get_by_test_id("votes")).to_have_text("2")
        await expect(reflections.nth(0)).to_have_value(REFLECTION)

        assert any('"answer_roti"' in frame for frame in phone.sent), "frames sent were captured"
        assert [frame for frame in phone.sent if "Private-reflection-7f3c" in frame] == []
        stored: str = await page.evaluate("() => JSON.stringify(Object.entries(localStorage))")
        assert "Private-reflection-7f3c" not in stored
        assert phone.problems == []
        await other.close()
