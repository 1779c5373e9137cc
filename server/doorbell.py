"""Across processes: each process serving one store listens to its doorbell, and on every ring each of its
rooms catches up by sequence (Session.catch_up), so that its phones see what another process changed as if
it had changed here. The bell carries no news: rings that come while the rooms catch up make one more round.

PostgreSQL rings by LISTEN/NOTIFY on one listener connection per process (retro.postgres.doorbell); a SQLite
file shared by processes on one machine rings when its data version moves (retro.sqlite_doorbell).

Presence (server.shared_presence) and pulses (server.pulse_rooms) ring the same bell: each ring also reads
again the other processes' phones and the count and state of the pulses watched here."""

import asyncio
import logging
import sys
from collections.abc import AsyncIterator, Callable
from typing import Protocol

from retro.sqlite_doorbell import SqliteDoorbell
from retro.sqlite_store import SqliteStore
from retro.store import EventStore
from server.rooms import Rooms

logger = logging.getLogger("retro.server")


class Doorbell(Protocol):
    def rings(self) -> AsyncIterator[None]:
        """Once when it starts listening, then whenever another writer may have changed the store."""
        ...


def doorbell_for(store: EventStore) -> Doorbell | None:
    if isinstance(store, SqliteStore):
        return SqliteDoorbell(store.path)
    postgres = sys.modules.get("retro.postgres.store")  # loaded if, and only if, a PostgreSQL store is open
    if postgres is not None and isinstance(store, postgres.PostgresStore):
        from retro.postgres.doorbell import PostgresDoorbell

        return PostgresDoorbell(store.url)
    return None


async def catch_up_on_rings(doorbell: Doorbell, rooms: Rooms, *after: Callable[[], None]) -> None:
    """Until cancelled: after each ring, every room of this process catches up, then each of `after` runs
    (presence and pulses, which are not in the log)."""
    rung = asyncio.Event()

    async def listen() -> None:
        try:
            async for _ in doorbell.rings():
                rung.set()
        finally:
            rung.set()

    listening = asyncio.create_task(listen(), name="retro-doorbell")
    try:
        while True:
            await rung.wait()
            rung.clear()
            if listening.done():
                listening.result()  # the bell broke: say why
            rooms.catch_up()
            for step in after:
                try:
                    step()
                except Exception as unexpected:  # one line; the next ring tries again
                    logger.warning("Catching up met an unexpected %s.", type(unexpected).__name__)
            await asyncio.sleep(0)  # let the connections take their turn before the next round
    finally:
        listening.cancel()
        await asyncio.gather(listening, return_exceptions=True)  # its connection closes before we return
