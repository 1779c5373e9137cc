"""The doorbell of a PostgreSQL database: one listener connection per process (`LISTEN retro_events`) hears
the payload-less NOTIFY that every change to an event log sends when it commits. The connection is opened
again by itself when it is lost, and rings once it is back: whatever was missed meanwhile is caught up by
sequence, since the NOTIFY carries no news of its own."""

import asyncio
import logging
import os
from collections.abc import AsyncIterator

import psycopg

from retro.postgres.connection import CHANNEL, where

LISTENER_NAME = "retro listener {pid}"
"""The listener connection's application_name, as pg_stat_activity shows it: one per process."""
RETRY_SECONDS = (0.1, 0.2, 0.5, 1.0, 2.0)
"""How long to wait before each new attempt to listen again; the last one repeats."""

logger = logging.getLogger("retro.store")


class PostgresDoorbell:
    def __init__(self, url: str) -> None:
        self._url = url
        self.listening = asyncio.Event()
        """Set while the listener connection is open: for the server's health and for tests."""

    async def rings(self) -> AsyncIterator[None]:
        """Once as soon as it listens (and again each time it listens anew after losing its connection),
        then once per NOTIFY."""
        failures = 0
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self._url, autocommit=True, application_name=LISTENER_NAME.format(pid=os.getpid())
                ) as listener:
                    await listener.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    failures = 0
                    yield
                    async for _ in listener.notifies():
                        yield
            except psycopg.Error as error:
                self.listening.clear()
                pause = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
                failures += 1
                logger.warning(
                    "Lost the listener connection to %s (%s); listening again in %.1f s.",
                    where(self._url),
                    type(error).__name__,
                    pause,
                )
                await asyncio.sleep(pause)
