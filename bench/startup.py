"""Start-up: `retro --help` against `python -c "import textual"`, and `retro host` until its QR code is on
screen against a Textual hello world until its line is.

Run from the repository root:

    .venv/bin/python -m bench.startup [--rounds N] [--quick]

Each side runs as a fresh process, interleaved with its baseline (A B, B A, ...), so that the noise of a
shared machine falls on both; one unmeasured round of each comes first, so that no side pays for a cold
file cache or for writing bytecode (so the children may write it, whatever PYTHONDONTWRITEBYTECODE says
here: else each round would compile again every module changed since its bytecode was last written, as no
installed copy does). The TUI sides run in a pseudo-terminal of 100x40; the clock stops when
the terminal output holds the QR code's top row (its finder patterns) or the hello world's line. `retro host`
runs on a fresh SQLite file on port 0 each round.

The verdict is on wall-clock time, as a user waits for it. Next to it is the ratio of the CPU time each
process used (user + system, from `wait4`, up to the moment it was stopped): waiting for a core on a busy
machine adds about the same milliseconds to both sides, which drags a wall-clock ratio towards 1, while the
CPU time each side needs stays put. A third row measures the floor under `retro host`: the lobby's join
screen alone (`bench/lobby_floor_app.py`: its stylesheets and its QR code, no store, server or domain). It
prints a Markdown table for docs/performance.md. It is a benchmark, not a test.
"""

import argparse
import fcntl
import os
import pty
import resource
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

PYTHON = sys.executable
RETRO = str(Path(PYTHON).with_name("retro"))
HELLO = str(Path(__file__).with_name("hello_app.py"))
FLOOR = str(Path(__file__).with_name("lobby_floor_app.py"))
FINDER_ROW = "█▀▀▀▀▀█"
"""The top of a QR code's finder pattern, as the half-block drawing shows it."""
SIZE = (40, 100)
TIMEOUT = 60.0
HELP_TARGET = 0.5
HOST_TARGET = 1.3


class Run(NamedTuple):
    wall: float
    """Seconds from spawning the process until it ended, or showed what was waited for."""
    cpu: float
    """Seconds of CPU (user + system) the process used by then."""


CHILD_ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
"""What each measured process runs with: this environment, but free to write bytecode."""


def cpu_of(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def run_to_end(command: Sequence[str]) -> Run:
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=CHILD_ENVIRONMENT
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{command} exited with {process.returncode}")
    return Run(wall, cpu_of(usage))


def run_until_shown(command: Sequence[str], shown: str) -> Run:
    """From spawning `command` in a pseudo-terminal until its output holds `shown`; then it is killed."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        environment = {**CHILD_ENVIRONMENT, "TERM": "xterm-256color"}
        environment.pop("TEXTUAL", None)
        os.execve(command[0], list(command), environment)
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
                wall = time.perf_counter() - start
                os.kill(pid, signal.SIGKILL)
                _, _, usage = os.wait4(pid, 0)
                pid = 0
                return Run(wall, cpu_of(usage))
        raise RuntimeError(f"{command[0]} never showed {shown!r}: {seen[-400:]!r}")
    finally:
        if pid:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)


def host_once(directory: Path, round_number: int) -> Run:
    db = directory / f"round-{round_number}.db"
    command = [RETRO, "host", "--db", str(db), "--port", "0", "--host", "127.0.0.1", "--title", "Bench"]
    return run_until_shown(command, FINDER_ROW)


Measure = Callable[[int], Run]


def interleaved(rounds: int, first: Measure, second: Measure) -> tuple[list[Run], list[Run]]:
    """`rounds` of each, alternating which goes first, after one unmeasured warm-up of each."""
    first(-1)
    second(-1)
    a: list[Run] = []
    b: list[Run] = []
    for round_number in range(rounds):
        pair = [(a, first), (b, second)]
        for runs, measure in pair if round_number % 2 == 0 else reversed(pair):
            runs.append(measure(round_number))
    return a, b


def wall_ms(runs: list[Run]) -> float:
    return statistics.median(run.wall for run in runs) * 1000


def cpu_ms(runs: list[Run]) -> float:
    return statistics.median(run.cpu for run in runs) * 1000


def row(name: str, side: list[Run], baseline: list[Run], target: float | None) -> str:
    ratio = wall_ms(side) / wall_ms(baseline)
    verdict = ("PASS" if ratio <= target else "FAIL") if target is not None else ""
    return (
        f"| {name} | {wall_ms(baseline):.0f} | {wall_ms(side):.0f} | {ratio:.2f} "
        f"| {cpu_ms(baseline):.0f} | {cpu_ms(side):.0f} | {cpu_ms(side) / cpu_ms(baseline):.2f} "
        f"| {f'≤ {target}' if target is not None else ''} | {verdict} |"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="retro's start-up against Textual's, in the same run")
    parser.add_argument("--rounds", type=int, default=20)
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
    floors, floor_hellos = interleaved(
        rounds,
        lambda _: run_until_shown([PYTHON, FLOOR], FINDER_ROW),
        lambda _: run_until_shown([PYTHON, HELLO], "Hello, world"),
    )
    print(f"Start-up, median of {rounds} interleaved rounds (ms):\n")
    print(
        "| Measure | Baseline (ms) | retro (ms) | retro / baseline "
        "| Baseline CPU (ms) | retro CPU (ms) | CPU: retro / baseline | Target | Result |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|---|")
    print(row('`retro --help` vs `python -c "import textual"`', helps, imports, HELP_TARGET))
    print(row("`retro host` to its QR code vs a Textual hello world", hosts, hellos, HOST_TARGET))
    floor = "The floor: the lobby's join screen alone vs a Textual hello world"
    print(row(floor, floors, floor_hellos, None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
