"""One change to 1,000 phones: retro's patches against a bare websockets 17 broadcast of the whole board.

Run from the repository root:

    .venv/bin/python -m bench.fanout [--phones N] [--items N] [--rounds N] [--quick]

Two real servers, each in a process of its own: `retro serve` with one retro in Group, and bench/bare.py,
which broadcasts the same whole board (taken from retro) after each change. The same number of phones,
real websocket clients in this process with permessage-deflate like a browser, join each; retro's phones
say hello with `patches` as the phone page does. Each round renames a topic, and the clock runs from
sending the change until the last phone has received a frame that shows the new title. Rounds alternate
(bare, retro, bare, ...). Server CPU is read from /proc/<pid>/stat over all rounds; memory per phone is the
growth of the server's RSS while its phones join, divided by their number.

It prints a Markdown table for docs/performance.md. It is a benchmark, not a test.
"""

import argparse
import asyncio
import json
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bench.bare import BareProcess
from bench.multi_retro import (
    JOIN_BATCH,
    ROUND_TIMEOUT,
    BenchFailed,
    Line,
    Retro,
    ServeProcess,
    Watch,
    connect_and_greet,
    new_id,
    next_of_type,
    percentile,
    progress,
    raise_open_files,
    team_token,
    within,
    write_item,
)

DESCRIPTION = "One change to many phones: retro's patches against a bare broadcast of the whole board."
TARGETS = {"p50": 1.0, "p99": 1.2, "cpu": 0.3}
MEMORY_TARGET_KB = 24.0


KNOWN_SECRET = secrets.token_urlsafe(24)
"""The first phone's: a second tab of it gets in however full the retro is."""


async def patching_phone(url: str, secret: str | None = None) -> tuple[Line, str]:
    """A phone that applies patches, welcomed, with its first (whole) board, returned as text."""
    hello = {"secret": secret or secrets.token_urlsafe(24), "patches": True}
    websocket, _ = await connect_and_greet(url, hello, "participant")
    board = await within(30, "the first board", websocket.recv())
    return Line(websocket), str(board)


async def bare_phone(url: str) -> Line:
    websocket, _ = await connect_and_greet(url + "/phone", {"secret": "bare"}, "participant")
    await next_of_type(websocket, "board")
    return Line(websocket)


async def in_batches(count: int, join: "Joiner") -> list[Line]:
    lines: list[Line] = []
    for start in range(0, count, JOIN_BATCH):
        lines += await asyncio.gather(*(join() for _ in range(min(JOIN_BATCH, count - start))))
    return lines


class Joiner:
    def __init__(self, url: str, patching: bool) -> None:
        self.url, self.patching = url, patching

    async def __call__(self) -> Line:
        if self.patching:
            return (await patching_phone(self.url))[0]
        return await bare_phone(self.url)


@dataclass
class RetroSide:
    server: ServeProcess
    retro: Retro
    board: str
    kb_per_phone: float
    frame_bytes: int = 0
    """The size of the last frame that showed a change, before compression."""

    @classmethod
    async def set_up(cls, directory: Path, phones: int, items: int) -> "RetroSide":
        server = ServeProcess.start(directory, "retro", 2)
        retro = await Retro.open(server, await team_token(server), "Fan-out")
        await retro.command("change_phase", to="write")
        before = server.rss_kb()
        retro.phones = [(await patching_phone(retro.phone_url, KNOWN_SECRET))[0]]
        retro.phones += await in_batches(phones - 1, Joiner(retro.phone_url, patching=True))
        kb_per_phone = (server.rss_kb() - before) / phones
        ids = []
        for start in range(0, items, JOIN_BATCH):
            writers = retro.phones[start : min(items, start + JOIN_BATCH)]
            ids += await asyncio.gather(*(write_item(p, start + n) for n, p in enumerate(writers)))
        retro.topic_id = ids[0]
        await retro.everyone_sees(lambda text: '"group"' in text, "change_phase", to="group")
        line, board = await patching_phone(retro.phone_url, KNOWN_SECRET)
        await line.close()
        return cls(server, retro, board, kb_per_phone)

    async def change(self, title: str) -> float:
        def shows(text: str) -> bool:
            if title not in text:
                return False
            self.frame_bytes = len(text.encode())
            return True

        return await self.retro.everyone_sees(
            shows, "rename_topic", topic_id=self.retro.topic_id, title=title
        )


@dataclass
class BareSide:
    server: BareProcess
    control: ClientConnection
    phones: list[Line]
    kb_per_phone: float
    frame_bytes: int = 0

    @classmethod
    async def set_up(cls, phones: int, board: str) -> "BareSide":
        server = BareProcess.start()
        control = await connect(server.url + "/control", proxy=None, max_size=None, ping_interval=None)
        await control.send(json.dumps({"board": json.loads(board)}))
        await control.recv()
        before = server.rss_kb()
        lines = await in_batches(phones, Joiner(server.url, patching=False))
        return cls(server, control, lines, (server.rss_kb() - before) / phones)

    async def change(self, title: str) -> float:
        def shows(text: str) -> bool:
            if title not in text:
                return False
            self.frame_bytes = len(text.encode())
            return True

        watch = Watch(shows, len(self.phones))
        for phone in self.phones:
            phone.watch = watch
        watch.started = time.perf_counter()
        await self.control.send(json.dumps({"title": title}))
        await within(ROUND_TIMEOUT, "the bare broadcast reaching every phone", watch.done.wait())
        return watch.seconds


@dataclass(frozen=True)
class Measured:
    seconds: list[float]
    cpu_seconds: float

    def ms(self, pct: int) -> float:
        return (statistics.median(self.seconds) if pct == 50 else percentile(self.seconds, pct)) * 1000

    @property
    def cpu_ms(self) -> float:
        return self.cpu_seconds / len(self.seconds) * 1000


async def interleaved(bare: BareSide, retro: RetroSide, rounds: int) -> tuple[Measured, Measured]:
    await bare.change("Warm-up bare")
    await retro.change("Warm-up retro")
    a: list[float] = []
    b: list[float] = []
    a_cpu = b_cpu = 0.0
    for n in range(rounds):
        started = bare.server.cpu_seconds()
        a.append(await bare.change(f"Bare change {n:05} {new_id()}"))
        a_cpu += bare.server.cpu_seconds() - started
        started = retro.server.cpu_seconds()
        b.append(await retro.change(f"Retro change {n:05} {new_id()}"))
        b_cpu += retro.server.cpu_seconds() - started
    return Measured(a, a_cpu), Measured(b, b_cpu)


def verdict(ratio: float, target: float) -> str:
    return "PASS" if ratio <= target else "FAIL"


def table(
    bare: Measured, retro: Measured, kb: tuple[float, float], sizes: tuple[int, int], shape: str
) -> str:
    def row(measure: str, a: float, b: float, target: float | None = None) -> str:
        ratio = b / a if a > 0 else float("inf")
        judged = f"≤ {target} | {verdict(ratio, target)}" if target is not None else " | "
        return f"| {measure} | {a:.1f} | {b:.1f} | {ratio:.2f} | {judged} |"

    memory = verdict(kb[1], MEMORY_TARGET_KB)
    return "\n".join(
        [
            f"{shape}",
            "",
            "| Measure | Bare broadcast | retro | retro / bare | Target | Result |",
            "|---|---:|---:|---:|---|---|",
            row("Rename to last phone, p50 (ms)", bare.ms(50), retro.ms(50), TARGETS["p50"]),
            row("Rename to last phone, p99 (ms)", bare.ms(99), retro.ms(99), TARGETS["p99"]),
            row("Server CPU per change (ms)", bare.cpu_ms, retro.cpu_ms, TARGETS["cpu"]),
            f"| Server memory per phone (KB) | {kb[0]:.1f} | {kb[1]:.1f} | {kb[1] / kb[0]:.2f} "
            f"| retro ≤ {MEMORY_TARGET_KB:.0f} KB | {memory} |",
            f"| Bytes sent per phone per change | {sizes[0]} | {sizes[1]} | {sizes[1] / sizes[0]:.3f} | | |",
        ]
    )


async def bench(phones: int, items: int, rounds: int, directory: Path) -> str:
    retro: RetroSide | None = None
    bare: BareSide | None = None
    try:
        retro = await RetroSide.set_up(directory, phones, items)
        progress(f"retro: {phones} phones in, a board of {len(retro.board)} bytes")
        bare = await BareSide.set_up(phones, retro.board)
        progress(f"bare: {phones} phones in")
        measured = await interleaved(bare, retro, rounds)
        shape = (
            f"{phones} phones on each server, a board of {len(retro.board) / 1024:.1f} KB ({items} topics), "
            f"{rounds} rounds each side, interleaved."
        )
        frames = (bare.frame_bytes, retro.frame_bytes)
        return table(*measured, (bare.kb_per_phone, retro.kb_per_phone), frames, shape)
    except (BenchFailed, ConnectionClosed) as failed:
        log = retro.server.log.read_text()[-2000:] if retro is not None else ""
        raise BenchFailed(f"{failed}\n{log}") from None
    finally:
        for side in (bare, retro):
            if side is None:
                continue
            lines = (
                side.phones if isinstance(side, BareSide) else [side.retro.facilitator, *side.retro.phones]
            )
            for start in range(0, len(lines), 100):
                await asyncio.gather(*(line.close() for line in lines[start : start + 100]))
            side.server.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fanout", description=DESCRIPTION)
    parser.add_argument("--phones", type=int, default=1000, help="Phones on each server (default 1000)")
    parser.add_argument("--items", type=int, default=120, help="Topics on the board (default 120, ~32 KB)")
    parser.add_argument("--rounds", type=int, default=200, help="Renames measured on each side (default 200)")
    parser.add_argument("--quick", action="store_true", help="10 phones, 5 topics, 3 rounds: that it runs")
    args = parser.parse_args(argv)
    phones, items, rounds = (10, 5, 3) if args.quick else (args.phones, args.items, args.rounds)
    if min(phones, items, rounds) < 1 or items > phones:
        parser.error("--phones, --items and --rounds must each be at least 1, and --items at most --phones")
    raise_open_files()
    command = " ".join([".venv/bin/python -m bench.fanout", *(argv if argv is not None else sys.argv[1:])])
    with tempfile.TemporaryDirectory(prefix="retro-bench-") as directory:
        try:
            report = asyncio.run(bench(phones, items, rounds, Path(directory)))
        except BenchFailed as failed:
            print(f"bench failed: {failed}", file=sys.stderr)
            return 1
    print(f"Command: `{command}`\n\n{report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
