"""1,000 phones joining at once: retro against a bare websockets 17 server that sends each its board.

Run from the repository root:

    .venv/bin/python -m bench.joins [--phones N] [--rounds N] [--quick]

Two real servers, each in a process of its own: `retro serve` with one retro in Write, and bench/bare.py,
which answers each hello with a welcome and the same whole board. In each round every phone connects and
says hello at the same moment; the clock runs until the last of them has its board. A phone the server
lets go before its hello (retro's waiting room holds 64) connects again at once, as the page would, only
sooner. Rounds alternate (bare, retro, ...); after each, every phone leaves. Frames counts every frame the
phones received during the round, divided by the phones: a join that costs one message keeps it near the
frames a joining phone needs (welcome, board, and for retro its private view).

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
from dataclasses import dataclass, field
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from bench.bare import BareProcess
from bench.multi_retro import (
    SETUP_TIMEOUT,
    BenchFailed,
    Retro,
    ServeProcess,
    new_id,
    progress,
    raise_open_files,
    team_token,
    within,
)

DESCRIPTION = "Many phones joining at once: retro against a bare server that sends each its board."
TARGET = 1.5


@dataclass
class Round:
    frames: int = 0
    retries: int = 0
    sockets: list[ClientConnection] = field(default_factory=list)
    readers: list[asyncio.Task[None]] = field(default_factory=list)


async def count_frames(websocket: ClientConnection, tally: Round) -> None:
    try:
        async for _ in websocket:
            tally.frames += 1
    except ConnectionClosed:
        pass


async def join(url: str, hello: dict[str, object], tally: Round) -> None:
    """Connect and say hello until welcomed; then wait for the board, and count what follows."""
    while True:
        try:
            websocket = await connect(url, proxy=None, ping_interval=None, max_size=None, open_timeout=60)
        except (OSError, InvalidStatus, TimeoutError):
            tally.retries += 1
            continue
        try:
            await websocket.send(json.dumps({"type": "hello", "id": new_id(), "protocol": 1, **hello}))
            while True:
                message = json.loads(await websocket.recv())
                tally.frames += 1
                if message["type"] == "board":
                    tally.sockets.append(websocket)
                    tally.readers.append(asyncio.create_task(count_frames(websocket, tally)))
                    return
                if message["type"] == "error":
                    raise BenchFailed(f"refused: {message}")
        except ConnectionClosed:
            tally.retries += 1  # let go from the waiting room: knock again


async def one_round(url: str, phones: int, patching: bool, wave: int) -> tuple[float, Round]:
    """Seconds until every phone has its board, `wave` phones saying hello at once, then the next wave."""
    tally = Round()
    started = time.perf_counter()

    def hello() -> dict[str, object]:
        return {"secret": secrets.token_urlsafe(24), **({"patches": True} if patching else {})}

    for start in range(0, phones, wave):
        joining = [join(url, hello(), tally) for _ in range(min(wave, phones - start))]
        await within(SETUP_TIMEOUT, "every phone joining", asyncio.gather(*joining))
    seconds = time.perf_counter() - started
    for start in range(0, len(tally.sockets), 100):
        await asyncio.gather(*(websocket.close() for websocket in tally.sockets[start : start + 100]))
    await asyncio.gather(*tally.readers)
    return seconds, tally


@dataclass(frozen=True)
class Side:
    seconds: list[float]
    frames_per_phone: float
    retries: int

    @property
    def median_s(self) -> float:
        return statistics.median(self.seconds)


def side(results: list[tuple[float, Round]], phones: int) -> Side:
    frames = statistics.mean(tally.frames for _, tally in results) / phones
    return Side([seconds for seconds, _ in results], frames, sum(tally.retries for _, tally in results))


WAVE = 32
"""The second shape: 32 phones say hello at once (half retro's waiting room), all in before the next 32."""


async def bench(phones: int, rounds: int, directory: Path) -> tuple[dict[int, tuple[Side, Side]], int]:
    server = ServeProcess.start(directory, "retro", 2)
    bare = BareProcess.start()
    try:
        retro = await Retro.open(server, await team_token(server), "Joins")
        await retro.command("change_phase", to="write")
        first = await connect(retro.phone_url, proxy=None)
        await first.send(json.dumps({"type": "hello", "id": new_id(), "protocol": 1, "secret": new_id() * 2}))
        await first.recv()
        board = str(await first.recv())
        await first.close()
        control = await connect(bare.url + "/control", proxy=None, max_size=None, ping_interval=None)
        await control.send(json.dumps({"board": json.loads(board)}))
        await control.recv()
        shapes: dict[int, tuple[Side, Side]] = {}
        for wave in (phones, min(WAVE, max(1, phones // 2))):
            a: list[tuple[float, Round]] = []
            b: list[tuple[float, Round]] = []
            await one_round(bare.url + "/phone", phones, False, wave)  # warm-up, both sides
            await one_round(retro.phone_url, phones, True, wave)
            for n in range(rounds):
                a.append(await one_round(bare.url + "/phone", phones, False, wave))
                b.append(await one_round(retro.phone_url, phones, True, wave))
                progress(f"waves of {wave}, round {n + 1}: bare {a[-1][0]:.2f} s, retro {b[-1][0]:.2f} s")
            shapes[wave] = side(a, phones), side(b, phones)
        await control.close()
        await retro.facilitator.close()
        return shapes, len(board)
    except (BenchFailed, ConnectionClosed) as failed:
        raise BenchFailed(f"{failed}\n{server.log.read_text()[-2000:]}") from None
    finally:
        server.stop()
        bare.stop()


def table(shapes: dict[int, tuple[Side, Side]], board_bytes: int, phones: int, rounds: int) -> str:
    lines = [
        f"{phones} phones joining, a board of {board_bytes / 1024:.1f} KB (Write), {rounds} rounds each side "
        "and shape, interleaved.",
        "",
        "| Measure | Bare server | retro | retro / bare | Target | Result |",
        "|---|---:|---:|---:|---|---|",
    ]
    for wave, (bare, retro) in shapes.items():
        how = "at once" if wave >= phones else f"{wave} at a time"
        ratio = retro.median_s / bare.median_s
        judged = f"≤ {TARGET} | {'PASS' if ratio <= TARGET else 'FAIL'}" if wave >= phones else " | "
        frames = retro.frames_per_phone / bare.frames_per_phone
        lines += [
            f"| All phones joined, {how}, median (s) | {bare.median_s:.2f} | {retro.median_s:.2f} "
            f"| {ratio:.2f} | {judged} |",
            f"| Frames received per phone, {how} | {bare.frames_per_phone:.2f} "
            f"| {retro.frames_per_phone:.2f} | {frames:.2f} | | |",
            f"| Hellos let go and sent again, {how} | {bare.retries} | {retro.retries} | | | |",
        ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.joins", description=DESCRIPTION)
    parser.add_argument("--phones", type=int, default=1000, help="Phones joining at once (default 1000)")
    parser.add_argument("--rounds", type=int, default=5, help="Rounds measured on each side (default 5)")
    parser.add_argument("--quick", action="store_true", help="10 phones, 2 rounds: that it runs")
    args = parser.parse_args(argv)
    phones, rounds = (10, 2) if args.quick else (args.phones, args.rounds)
    if min(phones, rounds) < 1:
        parser.error("--phones and --rounds must each be at least 1")
    raise_open_files()
    command = " ".join([".venv/bin/python -m bench.joins", *(argv if argv is not None else sys.argv[1:])])
    with tempfile.TemporaryDirectory(prefix="retro-bench-") as directory:
        try:
            shapes, board = asyncio.run(bench(phones, rounds, Path(directory)))
        except BenchFailed as failed:
            print(f"bench failed: {failed}", file=sys.stderr)
            return 1
    print(f"Command: `{command}`\n\n{table(shapes, board, phones, rounds)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
