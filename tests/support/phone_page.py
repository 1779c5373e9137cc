"""The phone page in Debian's Chromium, with every websocket frame it sent and received."""

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from playwright.async_api import Browser, BrowserContext, Locator, Page, WebSocket, expect

from retro.actors import Facilitator
from retro.commands import (
    Command,
)
from retro.events import ReviewItem
from retro.session import Session
from retro.settings import RetroSettings
from retro.sqlite_store import SqliteStore
from server.app import RetroServer, ServerConfig
from tests.support.browser import PHONE_VIEWPORT

EARLIER_ACTION = ReviewItem(
    ref="0123456789abcdef/00000000000000a1",
    text="Write the night-shift handover checklist",
    owner="Priya",
    due=date(2026, 11, 20),
    from_title="Sprint 41",
    from_date=date(2026, 11, 13),
)


async def retro_to_walk(store: SqliteStore) -> RetroServer:
    """A retro the phone-page walks go through phase by phase, served on a loopback port: one earlier action
    to review, summaries from 2 answers, held notices sealed again every half second."""
    session = Session.start(
        store,
        title="Sprint 42",
        team="Ward 7",
        review=(EARLIER_ACTION,),
        settings=RetroSettings(min_responses=2),
    )
    server = RetroServer(session, ServerConfig(host="127.0.0.1", port=0, reseal_seconds=0.5))
    await server.start()
    return server


def facilitate(server: RetroServer, command: Command) -> None:
    """What the TUI does for a key press: one facilitator command through the one command path."""
    server.session.execute(Facilitator(), command)


@dataclass
class PhoneInBrowser:
    context: BrowserContext
    page: Page
    sent: list[str] = field(default_factory=list)
    received: list[str] = field(default_factory=list)
    """Every websocket frame, over every connection the page opened."""
    sockets: list[str] = field(default_factory=list)
    """The URL of every websocket the page opened."""
    problems: list[str] = field(default_factory=list)

    def boards(self) -> list[dict[str, Any]]:
        decoded = [json.loads(frame) for frame in self.received if '"type":"board"' in frame]
        return [message for message in decoded if isinstance(message, dict)]

    def sent_commands(self, kind: str) -> list[dict[str, Any]]:
        commands = [json.loads(frame) for frame in self.sent if '"type":"command"' in frame]
        return [message["command"] for message in commands if message["command"]["kind"] == kind]


async def new_phone(browser: Browser, *, dark: bool = False, fake_clock: bool = False) -> PhoneInBrowser:
    context = await browser.new_context(viewport=PHONE_VIEWPORT, color_scheme="dark" if dark else "light")
    page = await context.new_page()
    if fake_clock:
        await page.clock.install()
    phone = PhoneInBrowser(context=context, page=page)

    def as_text(payload: str | bytes) -> str:
        return payload if isinstance(payload, str) else payload.decode(errors="replace")

    def watch(websocket: WebSocket) -> None:
        phone.sockets.append(websocket.url)
        websocket.on("framesent", lambda payload: phone.sent.append(as_text(payload)))
        websocket.on("framereceived", lambda payload: phone.received.append(as_text(payload)))

    page.on("websocket", watch)
    page.on("pageerror", lambda error: phone.problems.append(f"page error: {error}"))
    return phone


async def open_phone(browser: Browser, url: str, *, dark: bool = False) -> PhoneInBrowser:
    phone = await new_phone(browser, dark=dark)
    await phone.page.goto(url)
    await expect(phone.page.get_by_test_id("status")).to_have_text("Connected")
    return phone


async def write(page: Page, prompt_id: str, text: str) -> None:
    await page.get_by_test_id(f"text-{prompt_id}").fill(text)
    await page.get_by_test_id(f"add-{prompt_id}").click()
    await expect(mine(page, text).get_by_test_id("withdraw")).to_be_enabled()


def mine(page: Page, text: str) -> Locator:
    return page.get_by_test_id("mine").filter(has_text=text)


def item_id_of(server: RetroServer, text: str) -> str:
    return next(item.item_id for item in server.session.state.items.values() if item.text == text)
