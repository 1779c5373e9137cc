"""A `retro serve` process hosting one team, as a remote facilitator's TUI meets it: its address, the team's
token, a way to kill it hard and start it again on the same file and port, and what its file holds.

The test never reaches into the process: it asks the server over its websocket (`outcome`), or reads the
SQLite file read-only.
"""

import asyncio
import json
import signal
import sqlite3
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass, field
from pathlib import Path
from subprocess import Popen
from typing import Any
from urllib.parse import urlsplit

from retro.outcome import OUTCOME_ADAPTER, RetroOutcome
from tests.support.facilitator import TokenClient
from tests.support.serve import start_serve
from tui.hosting import facilitator_door

TEAM = "Ward 7"


def phone_socket(join_url: str) -> str:
    """The websocket a phone opens for a join link as the facilitator shows it: `http://h:p/j/T` becomes
    `ws://h:p/ws/T`."""
    parts = urlsplit(join_url)
    scheme = {"http": "ws", "https": "wss"}[parts.scheme]
    return f"{scheme}://{parts.netloc}/ws/{parts.path.removeprefix('/j/')}"


async def outcome_from(door: str, token: str, retro_id: str) -> RetroOutcome:
    """The retro's outcome as the server keeps it, asked for over a connection of its own."""
    asking = await TokenClient.hello(door, token)
    try:
        answer = await asking.answered("outcome", retro=retro_id)
    finally:
        await asking.close()
    return OUTCOME_ADAPTER.validate_python(answer["outcome"])


@dataclass
class RemoteServer:
    db: Path
    process: Popen[str]
    base_url: str
    """What the server printed as its "Server URL", such as http://127.0.0.1:40123."""
    team_token: str = ""
    """The facilitator token of TEAM, as the operator was shown it."""
    log_lines: list[str] = field(default_factory=list)
    """What every process started on this file wrote on stderr: its service log."""
    _readers: list[threading.Thread] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self._follow(self.process)

    @property
    def port(self) -> int:
        port = urlsplit(self.base_url).port
        assert port is not None
        return port

    @property
    def door(self) -> str:
        return facilitator_door(self.base_url)

    @property
    def log(self) -> str:
        return "".join(self.log_lines)

    async def outcome(self, retro_id: str) -> RetroOutcome:
        return await outcome_from(self.door, self.team_token, retro_id)

    async def kill(self) -> None:
        """`kill -9`: no drain, no goodbye to anyone connected."""
        self.process.send_signal(signal.SIGKILL)
        await asyncio.to_thread(self.process.wait, 20)

    async def restart(self) -> None:
        """`retro serve` again, on the same file and port, once the last one has gone."""
        assert self.process.poll() is not None, "the server is still running"
        self._close_pipes()
        process, printed = await asyncio.to_thread(
            start_serve, self.db, "--port", str(self.port), "--drain-seconds", "0", own_retro=False
        )
        assert printed["Server URL"] == self.base_url
        assert "Operator token" not in printed, "shown on the first start only"
        self._follow(process)

    def _follow(self, process: Popen[str]) -> None:
        """Read stderr as it comes, so that a busy server never blocks on a full pipe."""
        self.process = process
        stderr = process.stderr
        assert stderr is not None

        def read() -> None:
            for line in stderr:
                self.log_lines.append(line)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        self._readers.append(reader)

    async def stop(self) -> None:
        """SIGTERM, which must end the server cleanly, without a traceback; the event loop keeps running
        meanwhile, so that clients still open answer the server's closing handshake."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            await asyncio.to_thread(self.process.wait, 20)
            assert self.process.returncode == 0, self.log
        self._close_pipes()
        assert "Traceback" not in self.log, self.log

    def _close_pipes(self) -> None:
        for reader in self._readers:
            reader.join(20)
        self._readers.clear()
        for pipe in (self.process.stdout, self.process.stderr):
            if pipe is not None:
                pipe.close()


@asynccontextmanager
async def remote_server(db: Path, team: str = TEAM) -> AsyncIterator[RemoteServer]:
    """A `retro serve` on a loopback port of its own, first started on `db`, with `team` added by the
    operator over the websocket; stopped with SIGTERM after."""
    process, printed = await asyncio.to_thread(
        start_serve, db, "--port", "0", "--drain-seconds", "0", own_retro=False
    )
    server = RemoteServer(db, process, printed["Server URL"])
    try:
        operator = await TokenClient.hello(server.door, printed["Operator token"])
        server.team_token = await operator.add_team(team)
        await operator.close()
        yield server
    finally:
        await server.stop()


def stored_events(db: Path, retro_id: str) -> list[dict[str, Any]]:
    """The retro's events as the file holds them now, read without writing anything."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as read_only:
        rows = read_only.execute("SELECT body FROM events WHERE retro_id = ? ORDER BY seq", (retro_id,))
        return [json.loads(body) for (body,) in rows]


def applied(db: Path, retro_id: str, message_id: str) -> bool:
    """Whether the file records a command with this id as applied to the retro."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as read_only:
        row = read_only.execute(
            "SELECT 1 FROM applied_messages WHERE retro_id = ? AND message_id = ?", (retro_id, message_id)
        ).fetchone()
    return row is not None
