"""Every locale, in Chromium at 390x844, light and dark: a whole retro and a pulse. The page says its
language and direction (`<html lang dir>` from the catalogue's metadata), axe finds nothing (its `lang` and
`dir` rules included), and no sentence of the English catalogue shows on a page in another language.
Screenshots of the Arabic pages go to /tmp/retro-locales/ to be looked at.

Then a Welsh, an Arabic and an English phone share one retro, each in its own language; and a first load
fetches the phone's own catalogue and no other."""

import hashlib
import json
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect

from bench.phone_pages import Wire, new_tab
from retro.commands import ChangePhase, HoldItem, LockJoining
from retro.phases import Phase
from retro.pulse.bank import BUILT_IN_BANK
from retro.pulse.lifecycle import WHAT_WOULD_HELP, answer, close_pulse, open_pulse
from retro.pulse.models import PulseAnswer
from retro.pulse.questions import FreeTextQuestion, Need, PulseQuestion
from retro.sqlite_store import SqliteStore
from server.app import RetroServer, ServerConfig
from tests.support.browser import PHONE_VIEWPORT, accessibility_problems, chromium
from tests.support.client import Client
from tests.support.locale_phones import join_in, language_of, user_text_not_isolated
from tests.support.phone_page import PhoneInBrowser, facilitate, item_id_of, retro_to_walk
from tests.support.retro_script import TEXTS, retro_steps
from tests.support.static_files import STATIC

LOCALES = {"en": "en-US", "cy": "cy-GB", "pl": "pl-PL", "ro": "ro-RO", "pt": "pt-PT", "es": "es-ES"}
LOCALES |= {"fil": "fil-PH", "ml": "ml-IN", "ar": "ar-EG"}
"""Each catalogue, and the language a phone that wants it is set to."""
MISSING = [code for code in LOCALES if not (STATIC / "locales" / f"{code}.json").exists()]
if "i18n" not in (STATIC / "js" / "main.js").read_text(encoding="utf-8"):
    MISSING.append("the loader in main.js")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(bool(MISSING), reason=f"no catalogue yet for {', '.join(MISSING)}"),
]
SCREENSHOTS = Path("/tmp/retro-locales")
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
OWN_ITEM = "Handover at 07:00 — التسليم"
CHECK_AFTER = {
    "hold": Phase.WRITE,
    "lock": Phase.WRITE,
    "merge": Phase.GROUP,
    "vote again": Phase.VOTE,
    "another note": Phase.DISCUSS,
    "delete": Phase.ACTIONS,
    "roti": Phase.CLOSE,
}
"""The steps of tests/support/retro_script.py after which each phone is looked at, and the phase it shows."""


def catalogue(code: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((STATIC / "locales" / f"{code}.json").read_text(encoding="utf-8"))
    return loaded


def sentences(value: object) -> list[str]:
    """Every stretch of words in a catalogue's messages, split where a value is put in."""
    if isinstance(value, dict):
        return [s for key, inner in value.items() if key != "_meta" for s in sentences(inner)]
    if isinstance(value, list):
        return [s for inner in value for s in sentences(inner)]
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"\{[^}]*\}", value) if part.strip()]
    return []


def english_only(code: str) -> list[str]:
    """English phrases (two words or more) that this locale's catalogue does not use itself."""
    own = " ".join(sentences(catalogue(code)))
    return sorted(
        {s for s in sentences(catalogue("en")) if len(s) >= 10 and " " in s and s not in own}, key=len
    )


SHOWN = "() => document.body.innerText + '\\n' + document.title"
BANK_ENGLISH = sorted(
    {q.text for q in BUILT_IN_BANK}
    | {PulseQuestion.model_fields[end].default for end in ("low_label", "high_label")}
    | {WHAT_WOULD_HELP.text}
)
"""The built-in bank's statements, the default scale ends and the default open question, in English."""


async def bank_english_shown(page: Page, code: str, where: str) -> list[str]:
    """On a phone in another language, the bank's English words wherever they show, aria labels included."""
    if code == "en":
        return []
    text = await page.evaluate(SHOWN)
    labels = await page.evaluate(
        "() => Array.from(document.querySelectorAll('[aria-label]'), (n) => n.getAttribute('aria-label'))"
    )
    shown = text + "\n" + "\n".join(labels)
    return [f"{where}: the bank's English {phrase!r}" for phrase in BANK_ENGLISH if phrase in shown]


async def page_problems(page: Page, code: str, where: str) -> list[str]:
    """What is wrong with a page that should be in this locale: its language, axe, English left over."""
    problems = []
    direction = catalogue(code)["_meta"]["dir"]
    lang, shown_direction = await language_of(page)
    if lang.split("-")[0] != code or shown_direction != direction:
        problems.append(f'{where}: <html lang="{lang}" dir="{shown_direction}">')
    problems += [f"{where}: {problem}" for problem in await accessibility_problems(page)]
    if code != "en":
        text = await page.evaluate(SHOWN)
        problems += [f"{where}: English {phrase!r}" for phrase in english_only(code) if phrase in text]
    return problems


async def look(phones: list[PhoneInBrowser], code: str, phase: Phase, where: str) -> list[str]:
    problems = []
    for phone, scheme in zip(phones, ("light", "dark"), strict=True):
        await expect(phone.page.locator("body")).to_have_attribute("data-phase", phase.value)
        problems += await page_problems(phone.page, code, f"{where} ({scheme})")
        if code == "ar":
            SCREENSHOTS.mkdir(exist_ok=True)
            name = re.sub(r"\W+", "-", where)
            await phone.page.screenshot(path=SCREENSHOTS / f"ar-{name}-{scheme}.png", full_page=True)
    return problems


@pytest.mark.parametrize("code", LOCALES)
async def test_a_whole_retro_in_each_locale_in_light_and_dark(store: SqliteStore, code: str) -> None:
    server = await retro_to_walk(store)
    try:
        async with chromium() as browser:
            phones = [
                await join_in(browser, server.join_url, LOCALES[code], dark=dark) for dark in (False, True)
            ]
            pages = [phone.page for phone in phones]
            problems = await look(phones, code, Phase.REVIEW, "review")

            facilitate(server, ChangePhase(to=Phase.CHECK_IN))
            for page in pages:
                await expect(page.locator("#question-list .scale-button").first).to_be_visible()
                await page.locator("#question-list .scale-button").first.click()
            problems += await look(phones, code, Phase.CHECK_IN, "check-in")

            facilitate(server, ChangePhase(to=Phase.WRITE))
            await pages[0].get_by_test_id("text-hard").fill(OWN_ITEM)
            await pages[0].get_by_test_id("add-hard").click()
            await expect(pages[0].get_by_test_id("withdraw")).to_be_enabled()
            facilitate(server, HoldItem(item_id=item_id_of(server, OWN_ITEM), reason="Names a person"))
            await expect(pages[0].get_by_test_id("held-banner")).to_be_visible()
            writer = await Client.join(server.websocket_url)
            try:
                for name, step in retro_steps(server, writer):
                    await step()
                    if name == "vote phase":
                        for page in pages:
                            await page.get_by_test_id("vote").first.click()
                    if name == "close phase":
                        for page in pages:
                            await page.get_by_test_id("roti-4").click()
                    if name in CHECK_AFTER:
                        problems += await look(phones, code, CHECK_AFTER[name], name)
            finally:
                await writer.close()
            facilitate(server, ChangePhase(to=Phase.ENDED))
            problems += await look(phones, code, Phase.ENDED, "ended")
            for page in pages:
                users = [OWN_ITEM, "Sprint 42", "Ward 7", *(text for _, text in TEXTS[:3])]
                problems += await user_text_not_isolated(page, users)
            assert problems == []
            assert [phone.problems for phone in phones] == [[], []]
    finally:
        await server.stop()


@pytest.mark.parametrize("code", LOCALES)
async def test_a_pulse_in_each_locale_in_light_and_dark(store: SqliteStore, code: str) -> None:
    record = open_pulse(store.pulses, team="Ward 7", now=MONDAY, min_responses=3)
    for _ in range(3):
        given = [PulseAnswer(question_id=q.id, value=q.low) for q in record.questions]
        answer(store.pulses, record, secrets.token_urlsafe(24), given)
    server = RetroServer(None, ServerConfig(host="127.0.0.1", port=0), store)
    await server.start()
    try:
        async with chromium() as browser:
            url = server.address.join_url(record.join_token)
            phones = [await join_in(browser, url, LOCALES[code], dark=dark) for dark in (False, True)]
            problems = []
            for phone, scheme in zip(phones, ("light", "dark"), strict=True):
                page = phone.page
                await expect(page.get_by_test_id("pulse-send")).to_be_visible()
                problems += await page_problems(page, code, f"pulse ({scheme})")
                problems += await bank_english_shown(page, code, f"pulse ({scheme})")
                for question in record.questions:
                    await page.get_by_test_id(f"pulse-{question.id}-{question.high}").click()
                await page.get_by_test_id("pulse-text").fill("Cover for breaks on nights")
                await page.get_by_test_id("pulse-send").click()
                await expect(page.get_by_test_id("pulse-sent")).not_to_be_empty()
                problems += await page_problems(page, code, f"pulse sent ({scheme})")
                problems += await bank_english_shown(page, code, f"pulse sent ({scheme})")
                if code == "ar":
                    SCREENSHOTS.mkdir(exist_ok=True)
                    await page.screenshot(path=SCREENSHOTS / f"ar-pulse-sent-{scheme}.png", full_page=True)
            close_pulse(store.pulses, record.pulse_id)
            server.doors.pulses.notice_closing()
            for phone, scheme in zip(phones, ("light", "dark"), strict=True):
                page = phone.page
                await expect(page.get_by_test_id("pulse-done-note")).not_to_be_empty()
                await expect(page.get_by_test_id("pulse-send")).to_be_hidden()
                problems += await page_problems(page, code, f"pulse closed ({scheme})")
                problems += await bank_english_shown(page, code, f"pulse closed ({scheme})")
                if code == "ar":
                    await page.screenshot(path=SCREENSHOTS / f"ar-pulse-closed-{scheme}.png", full_page=True)
            assert problems == []
            assert [phone.problems for phone in phones] == [[], []]
    finally:
        await server.stop()


async def test_an_english_phone_shows_the_bank_as_written(store: SqliteStore) -> None:
    """The other side of the walk's check: in English the bank's words are the ones BANK_ENGLISH holds."""
    record = open_pulse(store.pulses, team="Ward 7", now=MONDAY)
    server = RetroServer(None, ServerConfig(host="127.0.0.1", port=0), store)
    await server.start()
    try:
        async with chromium() as browser:
            phone = await join_in(browser, server.address.join_url(record.join_token), LOCALES["en"])
            await expect(phone.page.get_by_test_id("pulse-send")).to_be_visible()
            shown = await phone.page.evaluate(SHOWN)
            asked = [q.text for q in record.questions[1:]] + ["Strongly disagree", "Strongly agree"]
            assert [text for text in asked if text not in shown] == []
            assert "What would help? (optional)" in shown
            assert phone.problems == []
    finally:
        await server.stop()


OWN_BREAKS = PulseQuestion(id="breaks", need=Need.WORKLOAD, text="Nights had cover for every break.")
OWN_ENDS = {"low_label": "Never", "high_label": "Always"}
OWN_FREE = FreeTextQuestion(text="What got in the way?")


async def test_a_teams_own_words_under_built_in_ids_show_as_written_in_any_language(
    store: SqliteStore,
) -> None:
    """Only words that are still the bank's are translated: a team's own statement under a built-in id, its
    own scale ends and its own open question show as written on a Welsh phone, beside the bank's in Welsh."""
    by_id = {q.id: q for q in BUILT_IN_BANK}
    heard = by_id["heard"].model_copy(update=OWN_ENDS)
    bank = (by_id["part-of-team"], OWN_BREAKS, heard)
    record = open_pulse(store.pulses, team="Ward 7", now=MONDAY, bank=bank, free_text=OWN_FREE)
    welsh = catalogue("cy")
    server = RetroServer(None, ServerConfig(host="127.0.0.1", port=0), store)
    await server.start()
    try:
        async with chromium() as browser:
            phone = await join_in(browser, server.address.join_url(record.join_token), LOCALES["cy"])
            page = phone.page
            await expect(page.get_by_test_id("pulse-send")).to_be_visible()
            cards = {q.id: page.get_by_test_id(f"pulse-question-{q.id}") for q in bank}
            await expect(cards["part-of-team"].locator("h2")).to_have_text(welsh["pulse.q.part-of-team"])
            await expect(cards["breaks"].locator("h2")).to_have_text(OWN_BREAKS.text)
            ends = [welsh["pulse.scale.low"], welsh["pulse.scale.high"]]
            await expect(cards["breaks"].locator(".scale-labels span")).to_have_text(ends)
            await expect(cards["heard"].locator("h2")).to_have_text(welsh["pulse.q.heard"])
            await expect(cards["heard"].locator(".scale-labels span")).to_have_text(list(OWN_ENDS.values()))
            await expect(page.locator("label[for=pulse-text]")).to_contain_text(OWN_FREE.text)
            assert phone.problems == []
    finally:
        await server.stop()


def test_the_pages_fingerprints_of_the_bank_are_the_banks_english() -> None:
    """pulse.js knows the bank's English by the first 16 hex digits of its SHA-256 (a phone has only its own
    catalogue to hand): those must be the bank's words as retro/pulse says them today."""
    source = (STATIC / "js" / "views" / "pulse.js").read_text(encoding="utf-8")
    fingerprints = dict(re.findall(r"^  '?([a-z-]+)'?: '([0-9a-f]{16})',$", source, flags=re.MULTILINE))
    named = dict(re.findall(r"^const (\w+) = '([0-9a-f]{16})';$", source, flags=re.MULTILINE))

    def fingerprint(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    assert fingerprints == {q.id: fingerprint(q.text) for q in BUILT_IN_BANK}
    ends = {end: PulseQuestion.model_fields[f"{end}_label"].default for end in ("low", "high")}
    assert named == {
        "SCALE_LOW": fingerprint(ends["low"]),
        "SCALE_HIGH": fingerprint(ends["high"]),
        "WHAT_WOULD_HELP": fingerprint(WHAT_WOULD_HELP.text),
    }


async def test_welsh_arabic_and_english_phones_share_one_retro_each_in_its_own_language(
    server: RetroServer,
) -> None:
    written = {
        "cy": "Roedd y trosglwyddo yn hir",
        "ar": "التسليم في الليل طويل جدا",
        "en": "Pager noise at night",
    }
    async with chromium() as browser:
        phones = {code: await join_in(browser, server.join_url, LOCALES[code]) for code in written}
        for code, phone in phones.items():
            assert await language_of(phone.page) == (code, catalogue(code)["_meta"]["dir"])
            await phone.page.get_by_test_id("text-hard").fill(written[code])
            await phone.page.get_by_test_id("add-hard").click()
            await expect(phone.page.get_by_test_id("withdraw")).to_be_enabled()
        facilitate(server, ChangePhase(to=Phase.GROUP))
        for code, phone in phones.items():
            titles = phone.page.get_by_test_id("topic-title")
            await expect(titles).to_have_count(3)
            assert sorted(await titles.all_inner_texts()) == sorted(written.values())
            assert await page_problems(phone.page, code, code) == []
        facilitate(server, LockJoining(locked=True))
        for code, phone in phones.items():
            assert await language_of(phone.page) == (code, catalogue(code)["_meta"]["dir"])
            assert phone.problems == []


CATALOGUE_KB = 6.5
"""The most one catalogue may add to a first load on the wire (gzipped; Malayalam's is the largest, at
about 6.2 KB since it words the pulse's built-in bank)."""


async def test_a_first_load_fetches_the_phones_own_catalogue_and_no_other(server: RetroServer) -> None:
    """Only the phone's own catalogue is fetched, it weighs at most CATALOGUE_KB on the wire, and the rest
    of the first load weighs what English's does: a language adds its catalogue's bytes and nothing else.
    (The whole first load's budget is bench.page_weight's, with its figures in docs/performance.md.)"""
    others: dict[str, float] = {}
    async with chromium() as browser:
        for code, locale in LOCALES.items():
            context = await browser.new_context(viewport=PHONE_VIEWPORT, locale=locale)
            tab = await new_tab(context)
            wire = Wire()
            wire.listen(tab.cdp)
            await tab.page.goto(server.join_url)
            await expect(tab.page.get_by_test_id("status")).to_have_attribute("data-state", "connected")
            await tab.page.wait_for_load_state("networkidle")
            received = wire.take()
            catalogues = {
                url.rsplit("/", 1)[-1]: size for url, size in received.items() if "/locales/" in url
            }
            assert list(catalogues) == [f"{code}.json"], (code, list(catalogues))
            assert 0 < catalogues[f"{code}.json"] <= CATALOGUE_KB * 1000, (code, catalogues)
            others[code] = sum(received.values()) - catalogues[f"{code}.json"]
            await context.close()
    assert [code for code, size in others.items() if abs(size - others["en"]) >= 1000] == [], others


CURRENT_STEP_SHOWN = """() => {
  const row = document.querySelector('.steps-nav');
  const step = document.querySelector('#steps > li.current').getBoundingClientRect();
  const box = row.getBoundingClientRect();
  return row.scrollWidth > row.clientWidth && step.left >= box.left - 0.5 && step.right <= box.right + 0.5;
}"""
"""The stepper is wider than the phone, and the current step is wholly inside its visible stretch."""


@pytest.mark.parametrize("locale", ["ar-EG", "en-US"])
async def test_with_large_text_the_stepper_scrolls_to_the_current_step_either_way(
    server: RetroServer, locale: str
) -> None:
    async with chromium() as browser:
        phone = await join_in(browser, server.join_url, locale)
        page = phone.page
        await page.evaluate("() => { document.documentElement.style.fontSize = '250%'; }")
        for phase in (Phase.GROUP, Phase.VOTE, Phase.DISCUSS, Phase.ACTIONS, Phase.CLOSE):
            facilitate(server, ChangePhase(to=phase))
            await expect(page.locator("body")).to_have_attribute("data-phase", phase.value)
            await page.wait_for_function(CURRENT_STEP_SHOWN, timeout=5000)
        assert phone.problems == []
