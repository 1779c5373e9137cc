"""`retro serve` as a real process hosting many teams: its operator token, its doors, and its log.

Started without a retro of its own, as an organisation runs it; teams are added by the operator over
`/ws/host` (tests/support/facilitator.py).
"""

import asyncio
import signal
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from subprocess import Popen

from server.protocol import FACILITATOR_DOOR
from tests.support.serve import start_serve


@dataclass
class TeamServer:
    process: Popen[str]
    base_url: str
    """What the server prints as its "Server URL", such as http://127.0.0.1:40123."""
    operator_token: str
    db: Path
    log_lines: list[str] = field(default_factory=list)
    """What the server wrote on stderr so far: its service log."""

    @property
    def door(self) -> str:
        """Where credential holders connect."""
        return self._websocket(FACILITATOR_DOOR)

    def phone_url(self, join_path: str) -> str:
        """The websocket a phone opens for the join link `join_path` (`/j/<join token>`)."""
        return self._websocket(join_path.removeprefix("/j/"))

    def page_url(self, path: str) -> str:
        return self.base_url + path

    def _websocket(self, door: str) -> str:
        return f"{self.base_url.replace('http://', 'ws://', 1)}/ws/{door}"

    @property
    def log(self) -> str:
        return "".join(self.log_lines)


def _collect(server: TeamServer) -> threading.Thread:
    """Read stderr as it comes, so that a busy server never blocks on a full pipe."""
    stderr = server.process.stderr
    assert stderr is not None

    def read() -> None:
        for line in stderr:
            server.log_lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader


@asynccontextmanager
async def team_server(db: Path, *options: str) -> AsyncIterator[TeamServer]:
    """A `retro serve` on a loopback port of its own, first started on `db`; stopped with SIGTERM after,
    which must end it cleanly, without a traceback. The event loop keeps running while it stops, so that
    the test's clients still open answer the server's closing handshake."""
    process, printed = start_serve(db, "--port", "0", "--drain-seconds", "0", *options, own_retro=False)
    server = TeamServer(process, printed["Server URL"], printed["Operator token"], db)
    reader = _collect(server)
    try:
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.to_thread(process.wait, 20)
        await asyncio.to_thread(reader.join, 20)
        for pipe in (process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()
        assert process.returncode == 0, server.log
        assert "Traceback" not in server.log, server.log
