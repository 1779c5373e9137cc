"""Acks in a burst: how long a phone waits for the ack of its `add_item` when 200 phones write at once,
against a bare websockets server that acks each message after its own durable SQLite write.

Run from the repository root:

    .venv/bin/python -m bench.acks [--rounds N] [--phones N] [--quick]

Two real processes listen on loopback ports, each with a SQLite file of its own (WAL, synchronous=FULL):

- retro: `retro serve`, one retro in Write, its phones joined as phones join (hello, welcome, first board);
- bare: the least the same job needs, in this file (`--bare-server`): a websockets 17 server whose handler
  does one INSERT and one COMMIT per message, then sends `{"type": "ack", "id": …}`.

Every phone is a real websocket client in this process, with permessage-deflate like a browser. In a round,
every phone sends one `add_item` at the same moment; each ack's latency runs from just before its phone sent
the command until the ack arrived. Rounds alternate between the two servers (A B A B …). After a retro round
the bench waits, off the clock, until every phone has a board that counts all the items so far, so that no
retro fan-out spills into the next bare round.

It prints a Markdown table for docs/performance.md. It is a benchmark, not a test: nothing here asserts a
time.
"""

import argparse
import asyncio
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from websockets.asyncio.server import ServerConnection, serve

from bench.multi_retro import (
    ROOT,
    BenchFailed,
    Line,
    Watch,
    connect_and_greet,
    join_phone,
    new_id,
    next_of_type,
    open_files_allowed,
    percentile,
    progress,
    raise_open_files,
    team_token,
    within,
)
from bench.multi_retro import ServeProcess as RetroProcess
from retro.secrets import owner_hash

DESCRIPTION = "add_item ack latency with many phones writing at once, against a bare durable-ack server."
TARGET_P99_RATIO = 2.0
JOIN_BATCH = 32
"""Phones that say hello at once: well inside the server's waiting room."""
MAX_ITEMS = 100_000
ROUND_TIMEOUT = 60.0
TEXT = "Deploys on Friday broke the weekend again"


# The bare server: what acking a durable write costs with nothing else around it.


def bare_database(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE IF NOT EXISTS messages (message_id TEXT PRIMARY KEY, body TEXT NOT NULL)")
    return db


async def run_bare_server(path: Path) -> None:
    db = bare_database(path)

    async def handler(websocket: ServerConnection) -> None:
        async for raw in websocket:
            message_id = json.loads(raw)["id"]
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO messages (message_id, body) VALUES (?, ?)", (message_id, raw))
            db.execute("COMMIT")
            await websocket.send(json.dumps({"type": "ack", "id": message_id}))

    async with serve(handler, "127.0.0.1", 0, ping_interval=None) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"Server URL: ws://127.0.0.1:{port}", flush=True)
        await server.serve_forever()


@dataclass
class BareProcess:
    process: subprocess.Popen[str]
    url: str

    @classmethod
    def start(cls, directory: Path) -> "BareProcess":
        command = [sys.executable, "-m", "bench.acks", "--bare-server", str(directory / "bare.db")]
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, text=True, cwd=ROOT, preexec_fn=raise_open_files
        )
        assert process.stdout is not None
        label, _, url = process.stdout.readline().partition(": ")
        if label != "Server URL":
            raise BenchFailed("the bare server stopped before it listened")
        return cls(process, url.strip())

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        if self.process.stdout is not None:
            self.process.stdout.close()


def start_retro(directory: Path) -> RetroProcess:
    """`retro serve` as multi_retro starts it, with room for every item the rounds write."""
    return RetroProcess.launch(
        str(directory / "retro.db"), directory / "retro.log", "--max-items", str(MAX_ITEMS)
    )


# Phones.


async def timed_add_item(phone: Line) -> float:
    """Seconds from just before sending one add_item until its ack."""
    command = {"kind": "add_item", "prompt_id": "learning", "text": TEXT, "owner_hash": owner_hash(new_id())}
    started = time.perf_counter()
    reply = await phone.ask({"type": "command", "command": command})
    if reply["type"] != "ack":
        raise BenchFailed(f"add_item refused: {reply}")
    return time.perf_counter() - started


def boards_counting(total: int, phones: int) -> Watch:
    """Waits for every phone to have a board that counts at least `total` items."""

    def shows(text: str) -> bool:
        if not text.startswith('{"type":"board"'):
            return False
        counts: dict[str, int] = json.loads(text)["board"]["counts"]
        return sum(counts.values()) >= total

    return Watch(shows, phones)


@dataclass
class RetroSide:
    facilitator: Line
    phones: list[Line]
    items: int = 0

    @classmethod
    async def set_up(cls, server: RetroProcess, phones: int) -> "RetroSide":
        token = await team_token(server)
        websocket, _ = await connect_and_greet(server.websocket_base + "host", {"token": token}, "team")
        ask = {"kind": "open", "title": "Acks", "settings": {"max_items_per_retro": MAX_ITEMS}}
        await websocket.send(json.dumps({"type": "request", "id": new_id(), "ask": ask}))
        await next_of_type(websocket, "answer")
        view = await next_of_type(websocket, "facilitator")
        phone_url = server.websocket_base + str(view["join_path"]).removeprefix("/j/")
        facilitator = Line(websocket)
        await facilitator.command("change_phase", to="write")
        joined: list[Line] = []
        for start in range(0, phones, JOIN_BATCH):
            batch = min(JOIN_BATCH, phones - start)
            joined.extend(await asyncio.gather(*(join_phone(phone_url) for _ in range(batch))))
        return cls(facilitator, joined)

    async def round(self) -> list[float]:
        watch = boards_counting(self.items + len(self.phones), len(self.phones))
        for phone in self.phones:
            phone.watch = watch
        seconds = await asyncio.gather(*(timed_add_item(phone) for phone in self.phones))
        self.items += len(self.phones)
        await within(ROUND_TIMEOUT, "every phone's board counting the round's items", watch.done.wait())
        return list(seconds)

    async def close(self) -> None:
        for start in range(0, len(self.phones), 100):
            await asyncio.gather(*(line.close() for line in self.phones[start : start + 100]))
        await self.facilitator.close()


async def bare_phones(url: str, phones: int) -> list[Line]:
    from websockets.asyncio.client import connect

    lines: list[Line] = []
    for start in range(0, phones, JOIN_BATCH):
        batch = min(JOIN_BATCH, phones - start)
        sockets = await asyncio.gather(
            *(connect(url, proxy=None, ping_interval=None, max_size=None) for _ in range(batch))
        )
        lines.extend(Line(websocket) for websocket in sockets)
    return lines


async def bare_round(phones: list[Line]) -> list[float]:
    return list(await asyncio.gather(*(timed_add_item(phone) for phone in phones)))


# Measuring and reporting.


@dataclass(frozen=True)
class Acks:
    seconds: list[float]

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def p99_ms(self) -> float:
        return percentile(self.seconds, 99) * 1000


async def bench(phones: int, rounds: int, directory: Path) -> tuple[Acks, Acks]:
    if open_files_allowed() < 2 * phones + 100:
        raise BenchFailed(f"{2 * phones + 100} open files needed; the limit allows {open_files_allowed()}")
    bare = BareProcess.start(directory)
    retro = start_retro(directory)
    retro_side: RetroSide | None = None
    bare_lines: list[Line] = []
    try:
        retro_side = await within(ROUND_TIMEOUT, "setting up the retro", RetroSide.set_up(retro, phones))
        bare_lines = await bare_phones(bare.url, phones)
        await retro_side.round()  # warm-up, unmeasured
        await bare_round(bare_lines)
        bare_seconds: list[float] = []
        retro_seconds: list[float] = []
        for n in range(rounds):
            bare_seconds += await within(ROUND_TIMEOUT, "a bare round", bare_round(bare_lines))
            retro_seconds += await within(ROUND_TIMEOUT, "a retro round", retro_side.round())
            progress(f"round {n + 1}/{rounds}")
        return Acks(bare_seconds), Acks(retro_seconds)
    except BenchFailed as failed:
        raise BenchFailed(f"{failed}\n--- retro.log:\n{retro.log.read_text()[-2000:]}") from None
    finally:
        for line in bare_lines:
            await line.close()
        if retro_side is not None:
            await retro_side.close()
        retro.stop()
        bare.stop()


def table(bare: Acks, retro: Acks, phones: int, rounds: int, command: str) -> str:
    ratio = retro.p99_ms / bare.p99_ms
    verdict = "PASS" if ratio <= TARGET_P99_RATIO else "FAIL"
    return "\n".join(
        [
            f"Measured {date.today().isoformat()} on {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, {phones} phones, {rounds} rounds each side, interleaved. "
            f"Command: `{command}`",
            "",
            f"| Measure | Bare: 1 INSERT + COMMIT per message | retro: {phones} phones | retro / bare "
            "| Target | Result |",
            "|---|---:|---:|---:|---|---|",
            f"| add_item ack, p50 (ms) | {bare.p50_ms:.1f} | {retro.p50_ms:.1f} | "
            f"{retro.p50_ms / bare.p50_ms:.2f} |  |  |",
            f"| add_item ack, p99 (ms) | {bare.p99_ms:.1f} | {retro.p99_ms:.1f} | {ratio:.2f} | "
            f"≤ {TARGET_P99_RATIO} | {verdict} |",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.acks", description=DESCRIPTION)
    parser.add_argument("--rounds", type=int, help="Bursts measured on each side (default 20; 2 quick)")
    parser.add_argument("--phones", type=int, help="Phones writing at once (default 200; 5 quick)")
    parser.add_argument("--quick", action="store_true", help="5 phones, 2 rounds: only that it runs")
    parser.add_argument("--bare-server", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bare_server is not None:
        asyncio.run(run_bare_server(args.bare_server))
        return 0
    phones = args.phones or (5 if args.quick else 200)
    rounds = args.rounds or (2 if args.quick else 20)
    if min(phones, rounds) < 1:
        parser.error("--rounds and --phones must each be at least 1")
    raise_open_files()
    command = " ".join([".venv/bin/python -m bench.acks", *(argv if argv is not None else sys.argv[1:])])
    with tempfile.TemporaryDirectory(prefix="retro-bench-") as directory:
        try:
            bare, retro = asyncio.run(bench(phones, rounds, Path(directory)))
        except BenchFailed as failed:
            print(f"bench failed: {failed}", file=sys.stderr)
            return 1
    print(table(bare, retro, phones, rounds, command))
    return 0


if __name__ == "__main__":
    sys.exit(main())
