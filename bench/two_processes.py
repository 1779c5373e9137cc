"""Two processes, one retro (issue 13 §5): how long a facilitator's change takes to reach the last phone when
the retro's phones are split across 2 `retro serve` processes on one PostgreSQL, against the same retro with
every phone on 1 process.

Run from the repository root (PostgreSQL's binaries installed: `apt-get install postgresql`):

    .venv/bin/python -m bench.two_processes [--rounds N] [--phones N] [--quick]

The bench starts a throwaway PostgreSQL cluster (tests/support/postgres.py: fsync and synchronous_commit on)
with two databases. On the first, one `retro serve` hosts a retro with all the phones; on the second, two
`retro serve` processes share one retro, the facilitator on the first and the phones split half and half.
Every phone and facilitator is a real websocket client in this process (bench/multi_retro.py). In a round
the facilitator renames a topic; the clock runs from sending the command until the last phone, on either
process, has a board showing the new name: through the other process that is append, NOTIFY, the
listener's ring, catch-up by sequence, then its fan-out. Rounds alternate between the sides (A B A B ...),
so the noise of a shared machine falls on both.

It prints a Markdown table for docs/performance.md. It is a benchmark, not a test: nothing here asserts a
time; tests/test_bench_smoke.py only checks that it runs.
"""

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench.multi_retro import (
    JOIN_BATCH,
    BenchFailed,
    Retro,
    ServeProcess,
    board_in_phase,
    join_phone,
    open_files_allowed,
    percentile,
    progress,
    raise_open_files,
    team_token,
    within,
    write_item,
)
from bench.throwaway_postgres import throwaway_cluster

DESCRIPTION = "Change-to-last-phone latency: one retro's phones split across 2 processes on PostgreSQL vs 1."
TARGET_P99_RATIO = 1.5
SETUP_TIMEOUT = 300.0
ROUND_TIMEOUT = 60.0


def start_serve(db: str, log: Path, first: bool) -> ServeProcess:
    """`retro serve --db DB` on a loopback port; the first on a database prints the operator token."""
    return ServeProcess.launch(db, log, first=first)


@dataclass
class Side:
    """One retro, its facilitator on the first process and its phones shared out over every process."""

    name: str
    servers: list[ServeProcess]
    retro: Retro

    @classmethod
    async def set_up(cls, name: str, servers: list[ServeProcess], phones: int) -> "Side":
        first = servers[0]
        retro = await Retro.open(first, await team_token(first), f"{name} retro")
        await retro.command("change_phase", to="write")
        join_token = retro.phone_url.removeprefix(first.websocket_base)
        urls = [servers[n % len(servers)].websocket_base + join_token for n in range(phones)]
        for start in range(0, phones, JOIN_BATCH):
            retro.phones += await asyncio.gather(
                *(join_phone(url) for url in urls[start : start + JOIN_BATCH])
            )
        retro.topic_id = await write_item(retro.phones[0], 0)
        await retro.everyone_sees(board_in_phase("group"), "change_phase", to="group")
        await retro.rename(f"{name} warm-up")
        progress(f"{name}: {phones} phones on {len(servers)} process(es), ready")
        return cls(name, servers, retro)

    async def close(self) -> None:
        lines = [self.retro.facilitator, *self.retro.phones]
        for start in range(0, len(lines), 100):
            await asyncio.gather(*(line.close() for line in lines[start : start + 100]))


@dataclass(frozen=True)
class Latency:
    seconds: list[float]

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def p99_ms(self) -> float:
        return percentile(self.seconds, 99) * 1000


async def bench(phones: int, rounds: int, directory: Path, urls: tuple[str, str]) -> tuple[Latency, Latency]:
    """One process's latencies, then two processes'."""
    if open_files_allowed() < 2 * phones + 100:
        raise BenchFailed(f"{2 * phones + 100} open files needed; the limit allows {open_files_allowed()}")
    servers = {
        "one": [start_serve(urls[0], directory / "one.log", first=True)],
        "two": [
            start_serve(urls[1], directory / "two-a.log", first=True),
            start_serve(urls[1], directory / "two-b.log", first=False),
        ],
    }
    sides: dict[str, Side] = {}
    try:
        for name, started in servers.items():
            sides[name] = await within(
                SETUP_TIMEOUT, f"setting up {name}", Side.set_up(name, started, phones)
            )
        seconds: dict[str, list[float]] = {name: [] for name in sides}
        for n in range(rounds):
            order = list(sides) if n % 2 == 0 else list(reversed(sides))
            for name in order:
                rename = sides[name].retro.rename(f"{name} change {n:05}")
                seconds[name].append(await within(ROUND_TIMEOUT, f"a {name} round", rename))
            if (n + 1) % 10 == 0 or n + 1 == rounds:
                progress(f"round {n + 1}/{rounds}")
        return Latency(seconds["one"]), Latency(seconds["two"])
    except BenchFailed as failed:
        logs = "".join(
            f"\n--- {server.log.name}:\n{server.log.read_text()[-2000:]}"
            for started in servers.values()
            for server in started
        )
        raise BenchFailed(f"{failed}{logs}") from None
    finally:
        for side in sides.values():
            await side.close()
        for started in servers.values():
            for server in started:
                server.stop()


def table(one: Latency, two: Latency, phones: int, rounds: int, command: str) -> str:
    ratio = two.p99_ms / one.p99_ms
    verdict = "PASS" if ratio <= TARGET_P99_RATIO else "FAIL"
    return "\n".join(
        [
            f"Measured {date.today().isoformat()} on {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, one retro of {phones} phones, {rounds} renames each side, "
            f"interleaved; PostgreSQL on the same machine and disk. Command: `{command}`",
            "",
            f"| Measure | 1 process: {phones} phones | 2 processes: {phones} phones | 2 / 1 | Target"
            " | Verdict |",
            "|---|---:|---:|---:|---:|---|",
            f"| Rename to last phone, p50 (ms) | {one.p50_ms:.1f} | {two.p50_ms:.1f} | "
            f"{two.p50_ms / one.p50_ms:.2f} | | |",
            f"| Rename to last phone, p99 (ms) | {one.p99_ms:.1f} | {two.p99_ms:.1f} | "
            f"{ratio:.2f} | ≤ {TARGET_P99_RATIO} | {verdict} |",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.two_processes", description=DESCRIPTION)
    parser.add_argument("--rounds", type=int, help="Renames measured on each side (default 100; 3 quick)")
    parser.add_argument("--phones", type=int, help="Phones in the retro (default 1000; 10 quick)")
    parser.add_argument("--quick", action="store_true", help="10 phones, 3 rounds: only that it runs")
    args = parser.parse_args(argv)
    phones = args.phones or (10 if args.quick else 1000)
    rounds = args.rounds or (3 if args.quick else 100)
    if min(phones, rounds) < 1:
        parser.error("--rounds and --phones must each be at least 1")
    raise_open_files()
    command = " ".join(
        [".venv/bin/python -m bench.two_processes", *(argv if argv is not None else sys.argv[1:])]
    )
    try:
        with throwaway_cluster() as cluster, tempfile.TemporaryDirectory(prefix="retro-bench-") as directory:
            urls = (cluster.new_database(), cluster.new_database())
            one, two = asyncio.run(bench(phones, rounds, Path(directory), urls))
    except BenchFailed as failed:
        print(f"bench failed: {failed}", file=sys.stderr)
        return 1
    print(table(one, two, phones, rounds, command))
    return 0


if __name__ == "__main__":
    sys.exit(main())
