"""Many retros on one server: how much later a change reaches a retro's phones when the server hosts 50 retros
of 20 phones each than when it hosts one retro of 20, and how much server memory each phone costs.

Run from the repository root:

    .venv/bin/python -m bench.multi_retro [--rounds N] [--quick]

Two real `retro serve` processes listen on loopback ports, each with a SQLite file of its own: the baseline
serves 1 retro of 20 phones and the load serves 50 retros of 20 phones (1,000 phones). Every phone and every
facilitator is a real websocket client in this process. Each phone writes one item, then the retros move to
Group. In each round a facilitator renames a topic, and the clock runs from sending the command until the
last of that retro's phones has a board that shows the new name. Baseline and load rounds alternate
(A B A B ...), so that the noise of a shared machine falls on both; the load rounds go round the 50 retros in
turn while all the others stay connected.

Memory per phone is the growth of the server's RSS (VmRSS) from before its phones joined to after they all
had their first board, divided by the number of phones.

It prints a Markdown table for docs/performance.md. It is a benchmark, not a test: nothing here asserts a
time; tests/test_bench_smoke.py only checks that it runs.
"""

import argparse
import asyncio
import json
import os
import platform
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from retro.secrets import owner_hash

Message = dict[str, Any]
Shows = Callable[[str], bool]
"""Whether one text frame a phone received shows the change being waited for."""
T = TypeVar("T")

DESCRIPTION = "Fan-out latency and memory per phone: 50 retros x 20 phones on one server against 1 retro."
ROOT = Path(__file__).resolve().parent.parent
TARGET_P50_RATIO = 1.3
JOIN_BATCH = 32
"""Phones that say hello at once: well inside the server's waiting room. Each is welcomed before
the next batch."""
SETUP_TIMEOUT = 120.0
ROUND_TIMEOUT = 30.0
COMMAND_GAP = 0.1
"""Least seconds between two commands on one facilitator connection: the server refills its token bucket at
10 a second. Only ever waited before the clock starts."""
VIEW_PREFIXES = ('{"type":"board"', '{"type":"facilitator"', '{"type":"private"')
"""Frames that are never a reply, so the reader need not parse them (anything else it parses)."""


class BenchFailed(Exception):
    """The bench could not set up or finish a measurement; the message says which step."""


async def within(seconds: float, what: str, awaitable: Awaitable[T]) -> T:
    try:
        async with asyncio.timeout(seconds):
            return await awaitable
    except TimeoutError:
        raise BenchFailed(f"{what}: nothing within {seconds:.0f} s") from None


def new_id() -> str:
    return secrets.token_urlsafe(12)


def raise_open_files() -> None:
    """Lift this process's soft limit on open files to the hard limit: 1,000 phones need ~1,100."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 1 << 16
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def open_files_allowed() -> int:
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return soft if soft != resource.RLIM_INFINITY else 1 << 30


# The server under test.


@dataclass
class ServeProcess:
    """A `retro serve` process of its own, on a loopback port, with a SQLite file of its own."""

    process: subprocess.Popen[str]
    base_url: str
    operator_token: str
    log: Path

    @classmethod
    def start(cls, directory: Path, name: str, max_open_retros: int) -> "ServeProcess":
        return cls.launch(
            str(directory / f"{name}.db"),
            directory / f"{name}.log",
            "--max-open-retros",
            str(max_open_retros),
        )

    @classmethod
    def launch(cls, db: str, log: Path, *options: str, first: bool = True) -> "ServeProcess":
        """`retro serve --db DB` on a loopback port, its service log in `log` (read only if something fails).
        The first process on a database prints the operator token; `first` says one is expected."""
        command = [
            sys.executable, "-m", "cli", "serve", "--db", db,
            "--host", "127.0.0.1", "--port", "0", "--drain-seconds", "0", *options,
        ]  # fmt: skip
        with log.open("w") as stderr:
            process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
                cwd=ROOT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                preexec_fn=raise_open_files,
            )
        assert process.stdout is not None
        printed: dict[str, str] = {}
        while "Server URL" not in printed:  # printed after the operator token
            line = process.stdout.readline()
            if not line:
                raise BenchFailed(f"retro serve ({log.stem}) stopped:\n{log.read_text()}")
            label, _, value = line.partition(":")
            printed[label.strip()] = value.strip()
        started = cls(process, printed["Server URL"], printed.get("Operator token", ""), log)
        if first and not started.operator_token:
            started.stop()
            raise BenchFailed(f"retro serve ({log.stem}) printed no operator token on its first start")
        return started

    @property
    def websocket_base(self) -> str:
        return self.base_url.replace("http://", "ws://", 1) + "/ws/"

    def rss_kb(self) -> int:
        """The process's resident memory now, as /proc/<pid>/status reports it."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise BenchFailed("no VmRSS in /proc/<pid>/status")

    def cpu_seconds(self) -> float:
        """User and system CPU time the process has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        utime, stime = int(fields[11]), int(fields[12])
        return (utime + stime) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


# Clients.


@dataclass
class Watch:
    """Waits for every phone of one retro to receive a frame that shows one change."""

    shows: Shows
    expected: int
    started: float = 0.0
    last: float = 0.0
    seen: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def offer(self, text: str) -> bool:
        if not self.shows(text):
            return False
        self.last = time.perf_counter()
        self.seen += 1
        if self.seen == self.expected:
            self.done.set()
        return True

    @property
    def seconds(self) -> float:
        return self.last - self.started


class Line:
    """One open websocket, read by one task: replies go to whoever waits for them, and every frame is offered
    to the watch in force until it shows the change."""

    def __init__(self, websocket: ClientConnection) -> None:
        self.websocket = websocket
        self.watch: Watch | None = None
        self._replies: dict[str, asyncio.Future[Message]] = {}
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for raw in self.websocket:
                text = raw if isinstance(raw, str) else raw.decode()
                if self.watch is not None and self.watch.offer(text):
                    self.watch = None
                if not text.startswith(VIEW_PREFIXES):
                    self._settle(json.loads(text))
        except ConnectionClosed:
            pass
        finally:
            for waiting in self._replies.values():
                if not waiting.done():
                    waiting.set_exception(BenchFailed("the server closed a connection"))

    def _settle(self, message: Message) -> None:
        waiting = self._replies.pop(str(message.get("id")), None)
        if waiting is not None and not waiting.done():
            waiting.set_result(message)

    async def ask(self, message: Message) -> Message:
        """Send a command or request and return its reply: an ack, an answer or an error."""
        message_id = new_id()
        reply = asyncio.get_running_loop().create_future()
        self._replies[message_id] = reply
        await self.websocket.send(json.dumps({**message, "id": message_id}))
        return await within(SETUP_TIMEOUT, f"reply to {message['type']}", reply)

    async def command(self, kind: str, **fields: Any) -> Message:
        reply = await self.ask({"type": "command", "command": {"kind": kind, **fields}})
        if reply["type"] != "ack":
            raise BenchFailed(f"{kind} refused: {reply}")
        return reply

    async def close(self) -> None:
        await self.websocket.close()
        await self._reader


async def connect_and_greet(url: str, hello: Message, role: str) -> tuple[ClientConnection, Message]:
    """Connect, say hello, and read the welcome. No client pings: phones' browsers send none."""
    websocket = await within(
        SETUP_TIMEOUT, "connecting", connect(url, proxy=None, ping_interval=None, max_size=None)
    )
    await websocket.send(json.dumps({"type": "hello", "id": new_id(), "protocol": 1, **hello}))
    welcome = json.loads(await within(SETUP_TIMEOUT, "welcome", websocket.recv()))
    if welcome.get("type") != "welcome" or welcome.get("role") != role:
        raise BenchFailed(f"not welcomed as {role}: {welcome}")
    return websocket, welcome


async def next_of_type(websocket: ClientConnection, type_: str) -> Message:
    async def matching() -> Message:
        while True:
            message: Message = json.loads(await websocket.recv())
            if message["type"] == type_:
                return message
            if message["type"] == "error":
                raise BenchFailed(f"refused: {message}")

    return await within(SETUP_TIMEOUT, f"a {type_!r} message", matching())


async def join_phone(url: str) -> Line:
    """A phone that said hello, was welcomed and has its first board."""
    websocket, _ = await connect_and_greet(url, {"secret": secrets.token_urlsafe(24)}, "participant")
    await next_of_type(websocket, "board")
    return Line(websocket)


async def team_token(server: ServeProcess) -> str:
    """A team's facilitator token, added with the operator token."""
    url = server.websocket_base + "host"
    websocket, _ = await connect_and_greet(url, {"token": server.operator_token}, "operator")
    operator = Line(websocket)
    answer = await operator.ask({"type": "request", "ask": {"kind": "team_add", "name": "Bench"}})
    await operator.close()
    if answer["type"] != "answer":
        raise BenchFailed(f"team_add refused: {answer}")
    token: str = answer["result"]["token"]
    return token


@dataclass
class Retro:
    """One open retro: its facilitator's connection, its phones, and the topic its rounds rename."""

    facilitator: Line
    phone_url: str
    phones: list[Line] = field(default_factory=list)
    topic_id: str = ""
    _last_command: float = 0.0

    @classmethod
    async def open(cls, server: ServeProcess, token: str, title: str) -> "Retro":
        websocket, _ = await connect_and_greet(server.websocket_base + "host", {"token": token}, "team")
        ask = {"kind": "open", "title": title}
        await websocket.send(json.dumps({"type": "request", "id": new_id(), "ask": ask}))
        await next_of_type(websocket, "answer")
        view = await next_of_type(websocket, "facilitator")
        join_token = str(view["join_path"]).removeprefix("/j/")
        return cls(Line(websocket), server.websocket_base + join_token)

    async def command(self, kind: str, **fields: Any) -> None:
        await self._pace()
        await self.facilitator.command(kind, **fields)

    async def everyone_sees(self, shows: Shows, kind: str, **fields: Any) -> float:
        """Make a change; seconds from sending it until the last phone received a frame that shows it."""
        watch = Watch(shows, len(self.phones))
        for phone in self.phones:
            phone.watch = watch
        await self._pace()
        watch.started = time.perf_counter()
        await self.facilitator.command(kind, **fields)
        await within(ROUND_TIMEOUT, f"{kind} reaching every phone", watch.done.wait())
        return watch.seconds

    async def rename(self, title: str) -> float:
        return await self.everyone_sees(
            board_names_topic(title), "rename_topic", topic_id=self.topic_id, title=title
        )

    async def write_items(self) -> None:
        """Each phone writes one item; the first becomes the topic the rounds rename."""
        item_ids = await asyncio.gather(*(write_item(phone, n) for n, phone in enumerate(self.phones)))
        self.topic_id = item_ids[0]

    async def _pace(self) -> None:
        wait = self._last_command + COMMAND_GAP - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        self._last_command = time.perf_counter()


ITEMS = (
    "Deploys on Friday broke the weekend again",
    "Pairing on the flaky tests helped a lot",
    "We need clearer acceptance criteria before we start",
    "The new on-call rota felt fairer",
    "Too many meetings on Wednesday afternoons",
)


async def write_item(phone: Line, n: int) -> str:
    text = f"{ITEMS[n % len(ITEMS)]} ({n + 1})"
    command = {"kind": "add_item", "prompt_id": "learning", "text": text, "owner_hash": owner_hash(new_id())}
    reply = await phone.ask({"type": "command", "command": command})
    if reply["type"] != "ack":
        raise BenchFailed(f"add_item refused: {reply}")
    item_id: str = reply["item_id"]
    return item_id


def board_names_topic(title: str) -> Shows:
    def shows(text: str) -> bool:
        if title not in text:
            return False
        message = json.loads(text)
        return message["type"] == "board" and any(t["title"] == title for t in message["board"]["topics"])

    return shows


def board_in_phase(phase: str) -> Shows:
    def shows(text: str) -> bool:
        if phase not in text:
            return False
        message = json.loads(text)
        return message["type"] == "board" and bool(message["board"]["phase"] == phase)

    return shows


# One server's retros.


@dataclass
class Fleet:
    """One server and the retros it hosts for the bench, each with its phones."""

    name: str
    server: ServeProcess
    retros: list[Retro]
    rss_without_phones_kb: int = 0
    rss_with_phones_kb: int = 0

    @property
    def phones(self) -> int:
        return sum(len(retro.phones) for retro in self.retros)

    @property
    def kb_per_phone(self) -> float:
        return (self.rss_with_phones_kb - self.rss_without_phones_kb) / self.phones

    @classmethod
    async def set_up(cls, name: str, server: ServeProcess, retros: int, phones: int) -> "Fleet":
        started = time.perf_counter()
        token = await team_token(server)
        opened = [await Retro.open(server, token, f"{name} retro {n + 1}") for n in range(retros)]
        fleet = cls(name, server, opened)
        for retro in opened:
            await retro.command("change_phase", to="write")
        fleet.rss_without_phones_kb = server.rss_kb()
        await fleet._join(phones)
        fleet.rss_with_phones_kb = server.rss_kb()
        joined = time.perf_counter()
        for retro in opened:
            await retro.write_items()
            await retro.everyone_sees(board_in_phase("group"), "change_phase", to="group")
        for retro in opened:
            await retro.rename(f"{name} warm-up {retro.topic_id}")
        progress(
            f"{name}: {retros} retro(s) x {phones} phones joined in {joined - started:.1f} s, "
            f"ready in {time.perf_counter() - started:.1f} s"
        )
        return fleet

    async def _join(self, phones: int) -> None:
        """Every retro's phones, JOIN_BATCH at a time, each welcomed before the next batch says hello."""
        seats = [retro for retro in self.retros for _ in range(phones)]
        for start in range(0, len(seats), JOIN_BATCH):
            batch = seats[start : start + JOIN_BATCH]
            lines = await asyncio.gather(*(join_phone(retro.phone_url) for retro in batch))
            for retro, line in zip(batch, lines, strict=True):
                retro.phones.append(line)

    async def close(self) -> None:
        lines = [line for retro in self.retros for line in (retro.facilitator, *retro.phones)]
        for start in range(0, len(lines), 100):
            await asyncio.gather(*(line.close() for line in lines[start : start + 100]))


def progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# Measuring and reporting.


@dataclass(frozen=True)
class Side:
    """What one side (baseline or load) measured."""

    label: str
    seconds: list[float]
    cpu_seconds: float
    kb_per_phone: float
    rss_without_phones_kb: int
    rss_with_phones_kb: int

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def p95_ms(self) -> float:
        return percentile(self.seconds, 95) * 1000

    @property
    def cpu_ms_per_change(self) -> float:
        return self.cpu_seconds / len(self.seconds) * 1000


def percentile(values: Sequence[float], pct: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


async def interleaved(baseline: Fleet, load: Fleet, rounds: int) -> tuple[Side, Side]:
    """A B A B ...: a rename in the baseline's retro, then one in the next load retro, round-robin."""
    a_times: list[float] = []
    b_times: list[float] = []
    a_cpu, b_cpu = baseline.server.cpu_seconds(), load.server.cpu_seconds()
    for n in range(rounds):
        a_times.append(await baseline.retros[0].rename(f"Baseline change {n:05}"))
        b_times.append(await load.retros[n % len(load.retros)].rename(f"Load change {n:05}"))
    a_cpu, b_cpu = baseline.server.cpu_seconds() - a_cpu, load.server.cpu_seconds() - b_cpu
    return side(baseline, a_times, a_cpu), side(load, b_times, b_cpu)


def side(fleet: Fleet, seconds: list[float], cpu: float) -> Side:
    phones = len(fleet.retros[0].phones)
    label = f"{len(fleet.retros)} retro{'s' if len(fleet.retros) > 1 else ''} × {phones} phones"
    return Side(
        label, seconds, cpu, fleet.kb_per_phone, fleet.rss_without_phones_kb, fleet.rss_with_phones_kb
    )


def table(baseline: Side, load: Side, command: str, rounds: int) -> str:
    ratio = load.p50_ms / baseline.p50_ms
    verdict = "PASS" if ratio <= TARGET_P50_RATIO else "FAIL"

    def row(measure: str, a: float, b: float, target: str = "", result: str = "") -> str:
        ratio = f"{b / a:.2f}" if a > 0 else "–"
        return f"| {measure} | {a:.1f} | {b:.1f} | {ratio} | {target} | {result} |"

    cores = os.cpu_count()
    return "\n".join(
        [
            f"Measured {date.today().isoformat()} on {cores} cores, Python {platform.python_version()}, "
            f"{rounds} rounds each side, interleaved. Command: `{command}`",
            "",
            f"| Measure | Baseline: {baseline.label} | Load: {load.label} | Load / baseline | Target "
            "| Result |",
            "|---|---:|---:|---:|---|---|",
            row(
                "Rename to last phone, p50 (ms)",
                baseline.p50_ms,
                load.p50_ms,
                f"≤ {TARGET_P50_RATIO}",
                verdict,
            ),
            row("Rename to last phone, p95 (ms)", baseline.p95_ms, load.p95_ms),
            row("Server CPU per change (ms)", baseline.cpu_ms_per_change, load.cpu_ms_per_change),
            row("Server memory per phone (KB)", baseline.kb_per_phone, load.kb_per_phone),
            "",
            f"Server RSS without and with phones: baseline {baseline.rss_without_phones_kb / 1024:.1f} → "
            f"{baseline.rss_with_phones_kb / 1024:.1f} MB, load {load.rss_without_phones_kb / 1024:.1f} → "
            f"{load.rss_with_phones_kb / 1024:.1f} MB.",
        ]
    )


@dataclass(frozen=True)
class Sizes:
    retros: int
    phones: int
    rounds: int


def sizes(args: argparse.Namespace) -> Sizes:
    if args.quick:
        return Sizes(retros=2, phones=3, rounds=args.rounds or 2)
    return Sizes(retros=args.retros, phones=args.phones, rounds=args.rounds or 200)


async def bench(shape: Sizes, directory: Path) -> tuple[Side, Side]:
    needed = shape.retros * (shape.phones + 1) + shape.phones + 100
    if open_files_allowed() < needed:
        raise BenchFailed(f"{needed} open files needed; the hard limit allows {open_files_allowed()}")
    servers: list[ServeProcess] = []
    fleets: list[Fleet] = []
    try:
        for name in ("baseline", "load"):
            servers.append(ServeProcess.start(directory, name, shape.retros + 1))
        fleets.append(await Fleet.set_up("Baseline", servers[0], 1, shape.phones))
        fleets.append(await Fleet.set_up("Load", servers[1], shape.retros, shape.phones))
        return await interleaved(fleets[0], fleets[1], shape.rounds)
    except BenchFailed as failed:
        logs = "\n".join(f"--- {s.log.name}:\n{s.log.read_text()[-2000:]}" for s in servers)
        raise BenchFailed(f"{failed}\n{logs}") from None
    finally:
        for fleet in fleets:
            await fleet.close()
        for server in servers:
            server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.multi_retro", description=DESCRIPTION)
    parser.add_argument("--rounds", type=int, help="Renames measured on each side (default 200; 2 quick)")
    parser.add_argument("--retros", type=int, default=50, help="Retros on the loaded server (default 50)")
    parser.add_argument("--phones", type=int, default=20, help="Phones in each retro (default 20)")
    parser.add_argument("--quick", action="store_true", help="2 retros × 3 phones, 2 rounds: that it runs")
    args = parser.parse_args(argv)
    shape = sizes(args)
    if min(shape.retros, shape.phones, shape.rounds) < 1:
        parser.error("--rounds, --retros and --phones must each be at least 1")
    raise_open_files()
    command = " ".join(
        [".venv/bin/python -m bench.multi_retro", *(argv if argv is not None else sys.argv[1:])]
    )
    with tempfile.TemporaryDirectory(prefix="retro-bench-") as directory:
        try:
            baseline, load = asyncio.run(bench(shape, Path(directory)))
        except BenchFailed as failed:
            print(f"bench failed: {failed}", file=sys.stderr)
            return 1
    print(table(baseline, load, command, shape.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
