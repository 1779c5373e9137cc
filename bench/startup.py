"""Start-up: `retro --help` against `python -c "import textual"`, and `retro host` until its QR code is on
screen against a Textual hello world until its line is.

Run from the repository root:

    .venv/bin/python -m bench.startup [--rounds N] [--quick]

Each side runs as a fresh process, interleaved with its baseline (A B, B A, ...), so that the noise of a
shared machine falls on both. The TUI sides run in a pseudo-terminal of 100x40; the clock stops when the
terminal output holds the QR code's top row (its finder patterns) or the hello world's line. `retro host`
runs on a fresh SQLite file on port 0 each round. It prints a Markdown table for docs/performance.md. It is a
benchmark, not a test.
"""

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Sequence
from pathlib import Path

PYTHON = sys.executable
RETRO = str(Path(PYTHON).with_name("retro"))
HELLO = str(Path(__file__).with_name("hello_app.py"))
FINDER_ROW = "█▀▀▀▀▀█"
"""The top of a QR code's finder pattern, as the half-block drawing shows it."""
SIZE = (40, 100)
TIMEOUT = 60.0
HELP_TARGET = 0.5
HOST_TARGET = 1.3


def run_to_end(command: Sequence[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def run_until_shown(command: Sequence[str], shown: str) -> float:
    """Seconds from spawning `command` in a pseudo-terminal until its output holds `shown`; then it is killed."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.environ.pop("TEXTUAL", None)
        os.execv(command[0], list(command))
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[0], SIZE[1], 0, 0))
    seen = b""
    try:
        while time.perf_counter() - start < TIMEOUT:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if shown.encode() in seen:
                return time.perf_counter() - start
        raise RuntimeError(f"{command[0]} never showed {shown!r}: {seen[-400:]!r}")
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def host_once(directory: Path, round_number: int) -> float:
    db = directory / f"round-{round_number}.db"
    command = [RETRO, "host", "--db", str(db), "--port", "0", "--host", "127.0.0.1", "--title", "Bench"]
    return run_until_shown(command, FINDER_ROW)


def interleaved(rounds: int, first: object, second: object) -> tuple[list[float], list[float]]:
    a: list[float] = []
    b: list[float] = []
    for round_number in range(rounds):
        pair = [(a, first), (b, second)]
        for times, measure in pair if round_number % 2 == 0 else reversed(pair):
            assert callable(measure)
            times.append(measure(round_number))
    return a, b


def row(name: str, side: list[float], baseline: list[float], target: float) -> str:
    ratio = statistics.median(side) / statistics.median(baseline)
    verdict = "PASS" if ratio <= target else "FAIL"
    return (
        f"| {name} | {statistics.median(baseline) * 1000:.0f} | {statistics.median(side) * 1000:.0f} "
        f"| {ratio:.2f} | ≤ {target} | {verdict} |"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="retro's start-up against Textual's, in the same run")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="Two rounds: a smoke run")
    args = parser.parse_args(argv)
    rounds = 2 if args.quick else args.rounds
    helps, imports = interleaved(
        rounds,
        lambda _: run_to_end([RETRO, "--help"]),
        lambda _: run_to_end([PYTHON, "-c", "import textual"]),
    )
    with tempfile.TemporaryDirectory() as directory:
        hosts, hellos = interleaved(
            rounds,
            lambda number: host_once(Path(directory), number),
            lambda _: run_until_shown([PYTHON, HELLO], "Hello, world"),
        )
    print(f"Start-up, median of {rounds} interleaved rounds (ms):\n")
    print("| Measure | Baseline | retro | retro / baseline | Target | |")
    print("|---|---:|---:|---:|---:|---|")
    print(row("`retro --help` vs `python -c \"import textual\"`", helps, imports, HELP_TARGET))
    print(row("`retro host` to its QR code vs a Textual hello world", hosts, hellos, HOST_TARGET))
    return 0


if __name__ == "__main__":
    sys.exit(main())
