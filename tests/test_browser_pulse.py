"""A phone answers a pulse in Chromium at 390x844, in light and dark: the questions, Send, thanks; after the
close, the results behind the threshold. axe finds nothing, and nothing leaves the phone but its answers."""

import json
import secrets
from datetime import UTC, datetime

from playwright.async_api import expect

from retro.pulse.lifecycle import answer, close_pulse, open_pulse
from retro.pulse.models import PulseAnswer
from retro.sqlite_store import SqliteStore
from server.app import RetroServer, ServerConfig
from tests.support.browser import accessibility_problems, chromium
from tests.support.phone_page import open_phone

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
BLAME = "Someone forgot to cover the breaks again"


async def test_a_phone_answers_a_pulse_and_sees_the_results_after_the_close(store: SqliteStore) -> None:
    record = open_pulse(store.pulses, team="Ward 7", now=MONDAY, pinned="breaks")
    last = record.questions[-1].id
    for other in range(5):  # five other phones; only three of them answer the last question
        given = [
            PulseAnswer(question_id=q.id, value=min(4, q.high))
            for q in record.questions
            if q.id != last or other < 3
        ]
        given.append(PulseAnswer(question_id="help", text="Cover for breaks on nights"))
        answer(store.pulses, record, secrets.token_urlsafe(24), given)
    server = RetroServer(None, ServerConfig(host="127.0.0.1", port=0), store)
    await server.start()
    try:
        async with chromium() as browser:
            for dark in (False, True):
                phone = await open_phone(browser, server.address.join_url(record.join_token), dark=dark)
                page = phone.page
                await expect(page.get_by_test_id("title")).to_have_text("Weekly pulse")
                await expect(page.get_by_test_id("pulse-question-motivation")).to_be_visible()
                await expect(page.get_by_test_id("pulse-send")).to_be_disabled()
                await page.get_by_test_id("pulse-motivation-7").click()
                await page.get_by_test_id("pulse-breaks-2").click()
                await page.get_by_test_id("pulse-text").fill("x" * 501)
                await expect(page.get_by_test_id("pulse-too-long")).to_contain_text("shorten it by 1")
                await expect(page.get_by_test_id("pulse-send")).to_be_disabled()
                await page.get_by_test_id("pulse-text").fill(BLAME)
                await expect(page.get_by_test_id("pulse-nudge")).to_contain_text("point at a person")
                await page.get_by_test_id("pulse-text").fill("A quiet room <b>for handover</b>")
                await expect(page.get_by_test_id("pulse-nudge")).to_be_hidden()
                await page.get_by_test_id("pulse-send").click()
                await expect(page.get_by_test_id("pulse-sent")).to_have_text(
                    "Thank you — you can change your answers until the pulse closes."
                )
                assert await accessibility_problems(page) == []
                await page.screenshot(
                    path=f"/tmp/pulse_phone_{'dark' if dark else 'light'}.png", full_page=True
                )
                assert phone.problems == []
                assert not any('"answered"' in frame for frame in phone.received), "no count before the close"
                sent = [json.loads(frame) for frame in phone.sent if '"pulse_answer"' in frame]
                assert [a for a in sent[-1]["answers"] if "text" in a] == [
                    {"question_id": "help", "text": "A quiet room <b>for handover</b>"}
                ]
                await phone.context.close()
            assert store.pulses.answer_count(record.pulse_id) == 7

            phone = await open_phone(browser, server.address.join_url(record.join_token), dark=True)
            close_pulse(store.pulses, record.pulse_id)
            server.doors.pulses.notice_closing()
            page = phone.page
            await expect(page.get_by_test_id("pulse-done-note")).to_contain_text("7 people answered.")
            await expect(page.get_by_test_id("pulse-summary-motivation")).to_contain_text("Mean 4.9")
            await expect(page.get_by_test_id(f"pulse-summary-{last}")).to_have_text(
                "Too few answers to show (3)"
            )
            await expect(page.get_by_test_id("pulse-motivation-7")).to_be_hidden()
            comments = page.get_by_test_id("pulse-comments")
            await expect(comments).to_contain_text("A quiet room <b>for handover</b>")
            await expect(comments.locator("b")).to_have_count(0)
            await expect(page.get_by_test_id("pulse-send")).to_be_hidden()
            assert await accessibility_problems(page) == []
            await page.screenshot(path="/tmp/pulse_phone_closed.png", full_page=True)
            assert phone.problems == []
    finally:
        await server.stop()
