"""The phone page on a slow phone: time until it is connected and shows the phase, under a 4x CPU throttle,
against a minimal page that opens a websocket and shows one line of text.

Run from the repository root:

    .venv/bin/python -m bench.page_cpu [--rounds N] [--quick]

Both pages are served in the same run by the same machinery: websockets' HTTP on a loopback port, each file
sent through server/delivery.py (gzip, ETag). The retro page belongs to a retro in Write on a real server
with a SQLite file; it is ready when its status says Connected and Write's first prompt is drawn. The
minimal page is one HTML file and one module whose websocket receives one message and shows its line.

Each round opens each page in a fresh browser context (an empty cache) with Chromium's CPU slowed 4x
(CDP Emulation.setCPUThrottlingRate), and reads the time from navigation start to ready in the page's own
clock. Rounds alternate which side goes first (A B, B A, ...), so that the noise of a shared machine falls
on both. It prints a Markdown table for docs/performance.md. It is a benchmark, not a test.
"""

import argparse
import asyncio
import statistics
import sys
from dataclasses import dataclass, field

from playwright.async_api import Browser

from bench.phone_pages import MINIMAL_READY, RETRO_READY, measured_on, minimal_server, new_tab, retro_in_write
from tests.support.browser import chromium

DESCRIPTION = (
    "Time to connected and showing the phase, 4x CPU throttle: the retro page against a minimal one."
)
CPU_SLOWDOWN = 4.0
TARGET_RATIO = 1.3
READY_AT = """(condition) => new Promise((resolve) => {
  const check = () => (condition() ? resolve(performance.now()) : requestAnimationFrame(check));
  check();
})"""
"""Resolves with the page's own clock (ms since navigation start) at the first frame the condition holds."""


@dataclass
class Side:
    name: str
    url: str
    condition: str
    ms: list[float] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return statistics.median(self.ms)


async def one_load(browser: Browser, side: Side) -> float:
    context = await browser.new_context()
    try:
        tab = await new_tab(context, CPU_SLOWDOWN)
        await tab.page.goto(side.url, wait_until="commit")
        condition = side.condition.removeprefix("() => ")
        ready_ms: float = await tab.page.evaluate(READY_AT.replace("condition()", f"({condition})"))
        return ready_ms
    finally:
        await context.close()


async def interleaved(retro: Side, minimal: Side, rounds: int) -> None:
    async with chromium() as browser:
        for side in (retro, minimal):
            await one_load(browser, side)  # warm-up: Chromium's own caches, not measured
        for round_number in range(rounds):
            order = (retro, minimal) if round_number % 2 == 0 else (minimal, retro)
            for side in order:
                side.ms.append(await one_load(browser, side))
            print(f"round {round_number + 1}/{rounds}", file=sys.stderr)


def table(retro: Side, minimal: Side, command: str) -> str:
    ratio = retro.p50 / minimal.p50
    verdict = "PASS" if ratio <= TARGET_RATIO else "FAIL"
    spread = (
        f"{min(minimal.ms):.0f}–{max(minimal.ms):.0f}",
        f"{min(retro.ms):.0f}–{max(retro.ms):.0f}",
    )
    return "\n".join(
        [
            measured_on(
                command, f"CPU throttled {CPU_SLOWDOWN:.0f}x, {len(retro.ms)} rounds each side, interleaved"
            ),
            "",
            "| Measure | Minimal page | Retro page | Retro / minimal | Target | Result |",
            "|---|---:|---:|---:|---|---|",
            f"| Connected and showing the phase, p50 (ms) | {minimal.p50:.0f} | {retro.p50:.0f} "
            f"| {ratio:.2f} | ≤ {TARGET_RATIO} | {verdict} |",
            f"| Range over the rounds (ms) | {spread[0]} | {spread[1]} |  |  |  |",
        ]
    )


async def bench(rounds: int) -> tuple[Side, Side]:
    async with retro_in_write() as server, minimal_server() as minimal_url:
        retro = Side("retro", server.join_url, RETRO_READY)
        minimal = Side("minimal", minimal_url, MINIMAL_READY)
        await interleaved(retro, minimal, rounds)
        return retro, minimal


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.page_cpu", description=DESCRIPTION)
    parser.add_argument("--rounds", type=int, help="Loads of each page (default 20; 2 quick)")
    parser.add_argument("--quick", action="store_true", help="2 rounds: only that it runs")
    args = parser.parse_args(argv)
    rounds = args.rounds or (2 if args.quick else 20)
    if rounds < 1:
        parser.error("--rounds must be at least 1")
    command = " ".join([".venv/bin/python -m bench.page_cpu", *(argv if argv is not None else sys.argv[1:])])
    retro, minimal = asyncio.run(bench(rounds))
    print(table(retro, minimal, command))
    return 0


if __name__ == "__main__":
    sys.exit(main())
