"""The store under the ack: how long a phone waits for the ack of its `add_item` when many phones write at
once, with the retro's events on PostgreSQL against the same on SQLite.

Run from the repository root (PostgreSQL's binaries installed: `apt-get install postgresql`):

    .venv/bin/python -m bench.store_acks [--rounds N] [--phones N] [--quick]

Two `retro serve` processes, the same code, listen on loopback ports: one with `--db` a SQLite file (WAL,
synchronous=FULL), one with `--db` a database of a throwaway PostgreSQL cluster the bench starts itself
(tests/support/postgres.py: fsync and synchronous_commit on, on the same disk). Each runs one retro in
Write, its phones joined as phones join, as in bench/acks.py. In a round every phone sends one `add_item` at
the same moment; each ack's latency runs from just before its phone sent the command until the ack arrived.
Rounds interleave, the side that goes first alternating; after each round the bench waits, off the clock,
until every phone's board counts all the items so far.

It prints a Markdown table for docs/performance.md. It is a benchmark, not a test: nothing here asserts a
time.
"""

import argparse
import asyncio
import os
import platform
import sys
import tempfile
from datetime import date
from pathlib import Path

from bench.acks import MAX_ITEMS, ROUND_TIMEOUT, Acks, RetroSide
from bench.multi_retro import (
    BenchFailed,
    open_files_allowed,
    progress,
    raise_open_files,
    within,
)
from bench.multi_retro import ServeProcess as RetroProcess
from bench.throwaway_postgres import throwaway_cluster

DESCRIPTION = "add_item ack latency with many phones writing at once: PostgreSQL against SQLite."


def start_serve(db: str, log: Path) -> RetroProcess:
    """`retro serve --db DB`, as bench/acks.py starts it, with room for every item the rounds write."""
    return RetroProcess.launch(db, log, "--max-items", str(MAX_ITEMS))


async def bench(phones: int, rounds: int, directory: Path, postgres_url: str) -> tuple[Acks, Acks]:
    """SQLite's acks, then PostgreSQL's."""
    if open_files_allowed() < 2 * phones + 100:
        raise BenchFailed(f"{2 * phones + 100} open files needed; the limit allows {open_files_allowed()}")
    servers = {
        "sqlite": start_serve(str(directory / "retro.db"), directory / "sqlite.log"),
        "postgres": start_serve(postgres_url, directory / "postgres.log"),
    }
    sides: dict[str, RetroSide] = {}
    try:
        for name, server in servers.items():
            sides[name] = await within(ROUND_TIMEOUT, f"setting up {name}", RetroSide.set_up(server, phones))
            await sides[name].round()  # warm-up, unmeasured
        seconds: dict[str, list[float]] = {name: [] for name in sides}
        for n in range(rounds):
            order = list(sides) if n % 2 == 0 else list(reversed(sides))
            for name in order:
                seconds[name] += await within(ROUND_TIMEOUT, f"a {name} round", sides[name].round())
            progress(f"round {n + 1}/{rounds}")
        return Acks(seconds["sqlite"]), Acks(seconds["postgres"])
    except BenchFailed as failed:
        logs = "".join(
            f"\n--- {server.log.name}:\n{server.log.read_text()[-2000:]}" for server in servers.values()
        )
        raise BenchFailed(f"{failed}{logs}") from None
    finally:
        for side in sides.values():
            await side.close()
        for server in servers.values():
            server.stop()


def table(sqlite: Acks, postgres: Acks, phones: int, rounds: int, command: str) -> str:
    return "\n".join(
        [
            f"Measured {date.today().isoformat()} on {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, {phones} phones, {rounds} rounds each side, interleaved; "
            f"PostgreSQL on the same machine and disk. Command: `{command}`",
            "",
            f"| Measure | SQLite file: {phones} phones | PostgreSQL: {phones} phones | PostgreSQL / SQLite |",
            "|---|---:|---:|---:|",
            f"| add_item ack, p50 (ms) | {sqlite.p50_ms:.1f} | {postgres.p50_ms:.1f} | "
            f"{postgres.p50_ms / sqlite.p50_ms:.2f} |",
            f"| add_item ack, p99 (ms) | {sqlite.p99_ms:.1f} | {postgres.p99_ms:.1f} | "
            f"{postgres.p99_ms / sqlite.p99_ms:.2f} |",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.store_acks", description=DESCRIPTION)
    parser.add_argument("--rounds", type=int, help="Bursts measured on each side (default 20; 2 quick)")
    parser.add_argument("--phones", type=int, help="Phones writing at once (default 200; 5 quick)")
    parser.add_argument("--quick", action="store_true", help="5 phones, 2 rounds: only that it runs")
    args = parser.parse_args(argv)
    phones = args.phones or (5 if args.quick else 200)
    rounds = args.rounds or (2 if args.quick else 20)
    if min(phones, rounds) < 1:
        parser.error("--rounds and --phones must each be at least 1")
    raise_open_files()
    command = " ".join(
        [".venv/bin/python -m bench.store_acks", *(argv if argv is not None else sys.argv[1:])]
    )
    try:
        with throwaway_cluster() as cluster, tempfile.TemporaryDirectory(prefix="retro-bench-") as directory:
            sqlite, postgres = asyncio.run(bench(phones, rounds, Path(directory), cluster.new_database()))
    except BenchFailed as failed:
        print(f"bench failed: {failed}", file=sys.stderr)
        return 1
    print(table(sqlite, postgres, phones, rounds, command))
    return 0


if __name__ == "__main__":
    sys.exit(main())
