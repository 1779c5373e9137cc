"""Right-to-left that is right: the stylesheets say start and end, never left and right, so an Arabic page
is the English page mirrored by the browser alone.

A declaration is physical when its property or its value names left or right, when it moves something
sideways (translateX, a shadow thrown sideways), or when a shorthand gives the left and the right different
values (`padding: 0 12px 0 6px`, `border-radius: 4px 0 0 4px`). Where a physical side is truly meant, the
allowlist says so and why.
"""

import re
from typing import Any

import pytest
from playwright.async_api import Locator, Page, expect

from retro.commands import ChangePhase, HoldItem, StartDiscussion
from retro.phases import Phase
from server.app import RetroServer
from tests.support.browser import chromium
from tests.support.locale_phones import join_in, language_of, user_text_not_isolated
from tests.support.phone_page import facilitate, item_id_of, write
from tests.support.static_files import STATIC

ALLOWED: dict[tuple[str, str, str], str] = {
    ("css/base.css", "padding-left", "env(safe-area-inset-left)"): "the notch is on the device's own left",
    ("css/base.css", "padding-right", "env(safe-area-inset-right)"): "the notch is on the device's own right",
}

SIDEWAYS_SHORTHANDS = ("margin", "padding", "inset", "border-width", "border-style", "border-color")
SHADOWS = ("box-shadow", "text-shadow")


def stylesheets() -> dict[str, str]:
    return {
        path.relative_to(STATIC).as_posix(): re.sub(
            r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S
        )
        for path in sorted(STATIC.rglob("*.css"))
    }


def declarations(css: str) -> list[tuple[str, str]]:
    """Every `property: value` in the sheet, in @media and @keyframes too; selectors are never taken."""
    found = re.findall(r"[{;]\s*([a-z-]+)\s*:\s*([^;{}]+?)\s*(?=[;}])", css)
    return [(name, " ".join(value.split())) for name, value in found]


def top_level_parts(value: str, separator: str) -> list[str]:
    """The value split on a separator outside parentheses: `a calc(b + c) d` has three parts."""
    parts, depth, current = [], 0, ""
    for char in value:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and (char == separator or (separator == " " and char.isspace())):
            parts.append(current)
            current = ""
        else:
            current += char
    return [part.strip() for part in [*parts, current] if part.strip()]


def left_differs_from_right(name: str, value: str) -> bool:
    parts = top_level_parts(value.replace("!important", ""), " ")
    if name == "border-radius":
        corners = top_level_parts(value.split("/")[0], " ")
        if len(corners) == 2:
            return corners[0] != corners[1]
        if len(corners) == 3:
            return not corners[0] == corners[1] == corners[2]
        if len(corners) == 4:
            return corners[0] != corners[1] or corners[2] != corners[3]
        return False
    return len(parts) == 4 and parts[1] != parts[3]


def thrown_sideways(shadow: str) -> bool:
    lengths = [part for part in top_level_parts(shadow, " ") if re.fullmatch(r"-?[\d.]+(px|rem|em)?", part)]
    return bool(lengths) and float(re.sub(r"[a-z]+$", "", lengths[0])) != 0


def moves_sideways(value: str) -> bool:
    if re.search(r"\btranslateX\(\s*(?!0\b|0px\b)", value):
        return True
    return any(
        top_level_parts(args, ",")[0] not in ("0", "0px")
        for args in re.findall(r"\btranslate(?:3d)?\(([^()]*)\)", value)
    )


def why_physical(name: str, value: str) -> str | None:
    if re.search(r"(^|-)(left|right)(-|$)", name):
        return "names a side"
    if re.search(r"\b(left|right)\b", value):
        return "a value names a side"
    if name in (*SIDEWAYS_SHORTHANDS, "border-radius") and left_differs_from_right(name, value):
        return "a shorthand gives left and right different values"
    if name in SHADOWS and any(thrown_sideways(shadow) for shadow in top_level_parts(value, ",")):
        return "a shadow thrown to one side"
    if name in ("transform", "translate") and moves_sideways(value):
        return "moves sideways"
    return None


def physical_declarations() -> list[str]:
    found = []
    for sheet, css in stylesheets().items():
        for name, value in declarations(css):
            why = why_physical(name, value)
            if why and (sheet, name, value) not in ALLOWED:
                found.append(f"{sheet}: {name}: {value} ({why})")
    return found


def test_every_stylesheet_says_start_and_end_not_left_and_right() -> None:
    assert physical_declarations() == []


def test_every_allowed_physical_side_is_still_there_and_says_why() -> None:
    present = {
        (sheet, name, value) for sheet, css in stylesheets().items() for name, value in declarations(css)
    }
    for key, reason in ALLOWED.items():
        assert key in present, f"{key} is allowed but gone: take it off the list"
        assert reason


def test_the_check_sees_each_kind_of_physical_declaration() -> None:
    physical = [
        ("margin-left", "auto"),
        ("left", "12px"),
        ("border-top-right-radius", "var(--radius-md)"),
        ("text-align", "right"),
        ("float", "left"),
        ("background", "linear-gradient(to right, red, blue)"),
        ("padding", "0 var(--space-12) 0 var(--space-6)"),
        ("padding", "var(--space-14) calc(48px + var(--space-10)) var(--space-14) var(--space-16)"),
        ("border-radius", "var(--radius-sm) 0 0 var(--radius-sm)"),
        ("border-radius", "var(--radius-sm) 0"),
        ("box-shadow", "inset 4px 0 0 var(--warn-text)"),
        ("box-shadow", "0 0 0 3px var(--ring), -2px 0 1px rgba(0, 0, 0, 0.1)"),
        ("transform", "translateX(-50%)"),
        ("transform", "translate(8px, 0)"),
    ]
    logical = [
        ("margin-inline-start", "auto"),
        ("inset-inline-end", "4px"),
        ("text-align", "end"),
        ("padding", "var(--space-12) var(--space-14)"),
        ("padding", "var(--space-24) var(--space-20) var(--space-20)"),
        ("margin", "0 calc(-1 * var(--space-16)) var(--space-14)"),
        ("border-radius", "var(--radius-sm) var(--radius-sm) var(--radius-xs) var(--radius-xs)"),
        ("border-radius", "0 0 var(--radius-md) var(--radius-md)"),
        ("box-shadow", "0 1px 2px rgba(20, 30, 28, 0.06), 0 4px 16px rgba(20, 30, 28, 0.05)"),
        ("box-shadow", "inset 0 0 0 1.5px var(--border)"),
        ("transform", "translateY(-8px)"),
        ("transform", "translate(0, 16px)"),
    ]
    assert [d for d in physical if why_physical(*d) is None] == []
    assert [d for d in logical if why_physical(*d) is not None] == []


def test_declarations_are_read_inside_media_and_keyframes_and_selectors_are_not() -> None:
    css = (
        "a:hover { color: red; }\n@media (x) { body:not(.y) .z { margin-left: 0 } }\n"
        "@keyframes k { from { left: 0; } }"
    )
    assert declarations(css) == [("color", "red"), ("margin-left", "0"), ("left", "0")]


# ---------------------------------------------------------------------------------------- in the browser
#
# What "reads correctly" means, for an English phone and an Arabic one in the same retro:
# - The stepper, the dot budget, a topic's share of the dots and a scale run in reading order: the first
#   step, the first dot, the empty end of a meter and the low end of a scale are where reading starts (the
#   left in English, the right in Arabic), and the line joining two steps sits in the gap between them.
# - The timer is a clock: minutes are left of seconds in every language, digits never reversed.
# - A held item's bar is on the side where reading starts.
# - Every piece of user text takes its direction from itself (`dir="auto"` or `<bdi>`), whatever the page's.

STEPS = """() => [...document.querySelectorAll('#steps > li')].map((li) => {
  const box = li.getBoundingClientRect();
  const line = getComputedStyle(li, '::before');
  const [num, label] = li.children;
  return {
    left: box.left, right: box.right, current: li.classList.contains('current'),
    line: line.content === 'none' ? null : [box.left + parseFloat(line.left), parseFloat(line.width)],
    num: num.getBoundingClientRect().left, label: label.getBoundingClientRect().left,
  };
})"""

TIMER = """() => {
  const node = document.getElementById('timer').firstChild;
  const colon = node.data.indexOf(':');
  const at = (start, end) => {
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, end);
    return range.getBoundingClientRect().left;
  };
  return { text: node.data, minutes: at(0, colon), seconds: at(colon + 1, node.data.length) };
}"""

LEFT_EDGES = "(nodes) => nodes.map((node) => node.getBoundingClientRect().left)"

EDGES = """(node) => {
  const box = node.getBoundingClientRect();
  const outer = node.parentElement.getBoundingClientRect();
  return { left: box.left - outer.left, right: outer.right - box.right, width: box.width, of: outer.width };
}"""


def in_reading_order(lefts: list[float], direction: str) -> bool:
    """Each next thing is further along the line: rightwards in English, leftwards in Arabic."""
    pairs = list(zip(lefts, lefts[1:], strict=False))
    return bool(pairs) and all((b > a) if direction == "ltr" else (b < a) for a, b in pairs)


async def stepper_problems(page: Page, direction: str) -> list[str]:
    steps: list[dict[str, Any]] = await page.evaluate(STEPS)
    problems = []
    if not in_reading_order([step["left"] for step in steps], direction):
        problems.append(f"steps out of reading order: {[round(s['left']) for s in steps]}")
    for before, step in zip(steps, steps[1:], strict=False):
        gap = (before["right"], step["left"]) if direction == "ltr" else (step["right"], before["left"])
        start, width = step["line"]
        if not (start <= gap[0] + 0.5 and start + width >= gap[1] - 0.5):
            problems.append(f"the joining line {start:.0f}+{width:.0f} is not across the gap {gap}")
    [current] = [step for step in steps if step["current"]]
    if not in_reading_order([current["num"], current["label"]], direction):
        problems.append("the current step's label comes before its number")
    return problems


async def assert_reads(page: Page, direction: str, what: str, lefts: list[float]) -> None:
    assert in_reading_order(lefts, direction), f"{what} in {direction}: {[round(x) for x in lefts]}"


FIRST_ROW = """(buttons) => {
  const boxes = buttons.map((button) => button.getBoundingClientRect());
  return boxes.filter((box) => Math.abs(box.top - boxes[0].top) < 1).map((box) => box.left);
}"""


async def scale_lefts(scale: Locator) -> list[float]:
    """Where each button of the scale's first row starts, lowest value first."""
    lefts: list[float] = await scale.locator(".scale-button").evaluate_all(FIRST_ROW)
    return lefts


ARABIC_ITEM = "التسليم في الليل طويل جدا"
ENGLISH_ITEM = "Handover at night runs long"
HOLD_REASON = "Names a person"


@pytest.mark.browser
@pytest.mark.skipif(
    not (STATIC / "locales" / "ar.json").exists() or "i18n" not in (STATIC / "js" / "main.js").read_text(),
    reason="no Arabic catalogue, or no catalogue loader in the page, yet",
)
async def test_an_arabic_phone_reads_right_to_left_and_an_english_one_left_to_right(
    resealing_server: RetroServer,
) -> None:
    server = resealing_server
    facilitate(server, ChangePhase(to=Phase.CHECK_IN))
    async with chromium() as browser:
        arabic = await join_in(browser, server.join_url, "ar")
        english = await join_in(browser, server.join_url, "en-US")
        phones = {"rtl": arabic.page, "ltr": english.page}
        assert await language_of(arabic.page) == ("ar", "rtl")
        assert (await language_of(english.page))[1] == "ltr"

        for direction, page in phones.items():
            scale = page.locator("#question-list .scale").first
            await assert_reads(page, direction, "a check-in scale", await scale_lefts(scale))

        facilitate(server, ChangePhase(to=Phase.WRITE))
        for (direction, page), text in zip(phones.items(), (ARABIC_ITEM, ENGLISH_ITEM), strict=True):
            await write(page, "hard", text)
            await write(page, "learning", f"{text} ({direction})")
        for text in (ARABIC_ITEM, ENGLISH_ITEM):
            facilitate(server, HoldItem(item_id=item_id_of(server, text), reason=HOLD_REASON))
        for direction, page in phones.items():
            assert await stepper_problems(page, direction) == []
            bar = page.locator(".mine-item.held-item")
            await expect(bar).to_have_count(1)
            side = await bar.evaluate(
                "(n) => [getComputedStyle(n).borderLeftWidth, getComputedStyle(n).borderRightWidth]"
            )
            assert side == (["4px", "0px"] if direction == "ltr" else ["0px", "4px"]), (direction, side)
            assert (
                await user_text_not_isolated(page, [ARABIC_ITEM, ENGLISH_ITEM, HOLD_REASON, "Sprint 42"])
                == []
            )

        facilitate(server, ChangePhase(to=Phase.GROUP))
        facilitate(server, ChangePhase(to=Phase.VOTE))
        for direction, page in phones.items():
            await page.get_by_test_id("vote").first.click()
            await expect(page.locator("#dots-pips .pip.on")).to_have_count(2)
            pips = page.locator("#dots-pips .pip")
            lefts = await pips.evaluate_all(LEFT_EDGES)
            on = await pips.evaluate_all("(nodes) => nodes.map((n) => n.classList.contains('on'))")
            assert on == [True, True, False], on
            await assert_reads(page, direction, "the dot budget", lefts)
        await english.page.get_by_test_id("vote").nth(1).click()

        facilitate(server, ChangePhase(to=Phase.DISCUSS))
        topic = server.session.state.ordered_topics()[0].topic_id
        facilitate(server, StartDiscussion(topic_id=topic))
        for direction, page in phones.items():
            await expect(page.get_by_test_id("timer")).to_have_text(re.compile(":"))
            timer = await page.evaluate(TIMER)
            assert timer["minutes"] < timer["seconds"], (direction, timer)
            fills = page.locator("#topic-list .meter-fill")
            await expect(fills.first).to_be_visible()
            partial = [
                edges
                for edges in await fills.evaluate_all(f"(nodes) => nodes.map({EDGES})")
                if 0 < edges["width"] < edges["of"]
            ]
            assert partial, "a topic with fewer dots than the most"
            for edges in partial:
                start = edges["left"] if direction == "ltr" else edges["right"]
                assert abs(start) < 0.5, (direction, edges)
            assert await user_text_not_isolated(page, [ARABIC_ITEM, ENGLISH_ITEM]) == []

        facilitate(server, ChangePhase(to=Phase.CLOSE))
        for direction, page in phones.items():
            await expect(page.get_by_test_id("roti-1")).to_be_visible()
            await assert_reads(
                page, direction, "the return on time", await scale_lefts(page.locator("#roti-scale"))
            )
        assert arabic.problems == [] and english.problems == []
