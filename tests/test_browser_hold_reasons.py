"""A held item's reason on its author's phone, in Debian's Chromium: a preset in the phone's own language
(the server sends its code, never its English), the facilitator's own words as written, isolated by
`dir="auto"`. A Welsh phone and an Arabic phone in the same retro each read their own.

Screenshots go to /tmp/phone-hold-reason-<code>.png.
"""

import json

import pytest
from playwright.async_api import expect

from retro.commands import HoldItem
from retro.hold_reasons import PRESET_ENGLISH, HoldReasonCode
from server.app import RetroServer
from tests.support.browser import chromium
from tests.support.locale_phones import join_in, user_text_not_isolated
from tests.support.phone_page import PhoneInBrowser, facilitate, item_id_of, mine, write
from tests.support.static_files import STATIC

pytestmark = pytest.mark.browser

OWN_WORDS = "Say what happened, not who — Sam's name stays out"
SCREENSHOT = "/tmp/phone-hold-reason-{}.png"


def catalogue(code: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((STATIC / "locales" / f"{code}.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture
def server(resealing_server: RetroServer) -> RetroServer:
    """Holds reach their authors at once here."""
    return resealing_server


async def held_reads(phone: PhoneInBrowser, item: str, reason: str, sentence: str) -> None:
    """The author's phone shows this item held, with this reason, inside the held notice's sentence."""
    row = mine(phone.page, item)
    await expect(row.get_by_test_id("held-reason")).to_have_text(reason)
    await expect(row.get_by_test_id("held-reason")).to_have_attribute("dir", "auto")
    await expect(row.get_by_test_id("held")).to_contain_text(sentence)


async def test_a_welsh_and_an_arabic_phone_read_a_preset_in_their_own_language_and_own_words_as_written(
    server: RetroServer,
) -> None:
    welsh, arabic = catalogue("cy"), catalogue("ar")
    items = {
        "cy": ("Mae Sam yn hwyr i bob shifft", "Y rota yn cyrraedd yn hwyr"),
        "ar": ("سام يتأخر عن كل مناوبة", "جدول المناوبات يصل متأخرًا"),
    }
    async with chromium() as browser:
        phones = {
            "cy": await join_in(browser, server.join_url, "cy-GB"),
            "ar": await join_in(browser, server.join_url, "ar"),
        }
        for code, phone in phones.items():
            for text in items[code]:
                await write(phone.page, "hard", text)
        preset = {"cy": HoldReasonCode.COULD_IDENTIFY, "ar": HoldReasonCode.NOT_KIND}
        for code in phones:
            preset_item, own_item = items[code]
            facilitate(server, HoldItem(item_id=item_id_of(server, preset_item), reason_code=preset[code]))
            facilitate(server, HoldItem(item_id=item_id_of(server, own_item), reason=OWN_WORDS))

        cy_reason = welsh["hold.reason.could_identify"]
        await held_reads(
            phones["cy"],
            items["cy"][0],
            cy_reason,
            welsh["mine.held_text"].split("{reason}")[0] + cy_reason + ".",
        )
        ar_reason = arabic["hold.reason.not_kind"]
        assert ar_reason.endswith("؟"), "a question needs no full stop after it"
        await held_reads(
            phones["ar"], items["ar"][0], ar_reason, arabic["mine.held_text"].replace("{reason}", ar_reason)
        )
        for code, phone in phones.items():
            await held_reads(phone, items[code][1], OWN_WORDS, OWN_WORDS)
            shown = await phone.page.locator("body").inner_text()
            assert [english for english in PRESET_ENGLISH.values() if english in shown] == []
            assert await user_text_not_isolated(phone.page, [OWN_WORDS, *items[code]]) == []
            await mine(phone.page, items[code][0]).scroll_into_view_if_needed()
            await phone.page.screenshot(path=SCREENSHOT.format(code))
            assert phone.problems == []
