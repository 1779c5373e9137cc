"""A real loopback TCP load balancer in front of several `retro serve` processes: each new connection goes to
the next backend in turn (round robin), skipping one that refuses; nothing is sticky. When a backend dies,
its connections close, and the clients' reconnects land on the backends still alive."""

import asyncio
import itertools
from contextlib import suppress

HOST = "127.0.0.1"


class Balancer:
    def __init__(self, backends: list[int]) -> None:
        self.backends = backends
        self._next = itertools.cycle(range(len(backends)))
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()
        self.port = 0
        self.sent_to: list[int] = []
        """The backend port each connection went to, in order."""

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, HOST, 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def url(self, path: str) -> str:
        return f"ws://{HOST}:{self.port}{path}"

    async def stop(self) -> None:
        for task in list(self._pipes):
            task.cancel()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream = await self._connect()
        if upstream is None:
            writer.close()
            return
        up_reader, up_writer = upstream
        pipes = [asyncio.create_task(_pipe(reader, up_writer)), asyncio.create_task(_pipe(up_reader, writer))]
        self._pipes.update(pipes)
        try:
            await asyncio.gather(*pipes, return_exceptions=True)
        finally:
            self._pipes.difference_update(pipes)

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        for _ in self.backends:
            port = self.backends[next(self._next)]
            try:
                connected = await asyncio.open_connection(HOST, port)
            except OSError:
                continue  # a dead backend: the next one
            self.sent_to.append(port)
            return connected
        return None


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    """Copy until either side goes; then close the other, as a balancer does when a backend dies."""
    try:
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        sink.close()
        with suppress(ConnectionError, OSError):
            await sink.wait_closed()
