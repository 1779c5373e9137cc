"""The phone page on the wire: bytes a phone receives to join, to reload, and to join the next retro.

Run from the repository root:

    .venv/bin/python -m bench.page_weight [--quick]

A retro in Write runs on a real server on a loopback port. Debian's Chromium opens its join link in a fresh
profile and waits until the page is connected, shows Write, and has fetched everything it fetches by itself
(the blame-nudge rules). Every response's bytes as Chromium received them, headers included, are added up
(CDP Network.loadingFinished encodedDataLength); the websocket is not a response and is not counted. Then
the same tab reloads, and then opens a rotated join link, as the next retro's QR code would give it.

Bytes do not depend on the machine, so there is no baseline to interleave with: the targets are sizes.
It prints a Markdown table for docs/performance.md. It is a benchmark, not a test.
"""

import argparse
import asyncio
import sys
from dataclasses import dataclass

from bench.phone_pages import RETRO_READY, Wire, measured_on, new_tab, ready, retro_in_write, settled
from retro.actors import Facilitator
from retro.commands import RotateJoinToken
from server.app import RetroServer
from tests.support.browser import chromium

DESCRIPTION = "Bytes on the wire for a phone's first load, a reload, and the next retro's page."
FIRST_LOAD_KB = 30.0
RELOAD_KB = 2.0


@dataclass(frozen=True)
class Load:
    name: str
    received: dict[str, float]

    @property
    def kb(self) -> float:
        return sum(self.received.values()) / 1000

    def requests(self) -> int:
        """Requests answered over the network: a copy from the cache receives no byte."""
        return sum(1 for size in self.received.values() if size > 0)

    def kb_of(self, part: str) -> float:
        return sum(size for url, size in self.received.items() if part_of(url) == part) / 1000


def part_of(url: str) -> str:
    if "/assets/" in url:
        return "stylesheet" if url.endswith(".css") else "modules"
    return "rules" if url.endswith(".json") else "page"


async def measure(server: RetroServer) -> list[Load]:
    async with chromium() as browser:
        context = await browser.new_context()
        tab = await new_tab(context)
        wire = Wire()
        wire.listen(tab.cdp)
        loads: list[Load] = []
        await tab.page.goto(server.join_url)
        await ready(tab.page, RETRO_READY)
        await settled(tab.page)
        loads.append(Load("First load (empty cache)", wire.take()))
        await tab.page.reload()
        await ready(tab.page, RETRO_READY)
        await settled(tab.page)
        loads.append(Load("Reload", wire.take()))
        server.session.execute(Facilitator(), RotateJoinToken())
        await tab.page.goto(server.join_url)
        await ready(tab.page, RETRO_READY)
        await settled(tab.page)
        loads.append(Load("A new join link, same phone", wire.take()))
        await context.close()
    return loads


def table(loads: list[Load], command: str) -> str:
    targets = {"First load (empty cache)": FIRST_LOAD_KB, "Reload": RELOAD_KB}

    def row(load: Load) -> str:
        target = targets.get(load.name)
        verdict = "" if target is None else ("PASS" if load.kb <= target else "FAIL")
        parts = " | ".join(f"{load.kb_of(part):.1f}" for part in ("page", "stylesheet", "modules", "rules"))
        goal = f"≤ {target:.0f}" if target is not None else ""
        return f"| {load.name} | {load.requests()} | {parts} | {load.kb:.1f} | {goal} | {verdict} |"

    return "\n".join(
        [
            measured_on(command, "one fresh profile"),
            "",
            "| Load | Requests | Page (KB) | Stylesheet (KB) | Modules (KB) | Rules (KB) | Total (KB) "
            "| Target | Result |",
            "|---|---:|---:|---:|---:|---:|---:|---|---|",
            *(row(load) for load in loads),
        ]
    )


async def bench() -> list[Load]:
    async with retro_in_write() as server:
        return await measure(server)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.page_weight", description=DESCRIPTION)
    parser.add_argument("--quick", action="store_true", help="The same measurement: it is already quick")
    args = parser.parse_args(argv)
    del args
    command = " ".join(
        [".venv/bin/python -m bench.page_weight", *(argv if argv is not None else sys.argv[1:])]
    )
    print(table(asyncio.run(bench()), command))
    return 0


if __name__ == "__main__":
    sys.exit(main())
