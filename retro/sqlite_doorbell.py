"""The doorbell of a SQLite file that several processes on one machine share: a connection of its own asks
`PRAGMA data_version`, which changes once another connection has committed to the file. Asking costs a few
microseconds and reads no page, so it is asked every POLL_SECONDS."""

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

POLL_SECONDS = 0.05


class SqliteDoorbell:
    def __init__(self, path: Path, poll_seconds: float = POLL_SECONDS) -> None:
        self.path = path
        self.poll_seconds = poll_seconds

    async def rings(self) -> AsyncIterator[None]:
        """Once at once, then once after each time another connection (this process's own store's too) has
        committed to the file since the last ring."""
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            seen: int | None = None
            while True:
                version = int(db.execute("PRAGMA data_version").fetchone()[0])
                if version != seen:
                    seen = version
                    yield
                await asyncio.sleep(self.poll_seconds)
        finally:
            db.close()
