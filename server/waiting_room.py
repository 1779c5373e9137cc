"""Connections that have not said hello yet: a small budget of their own, apart from the cap on phones."""

import asyncio

from websockets.asyncio.server import ServerConnection

TRY_AGAIN_LATER = 1013


class WaitingRoom:
    """A real phone or facilitator says hello the moment its socket opens; only a silent one waits.

    So when the budget is spent, the connection that has waited longest is let go, never the newcomer:
    holding sockets open without a word cannot keep anyone else out.
    """

    def __init__(self, budget: int) -> None:
        self.budget = max(1, budget)
        self._waiting: dict[ServerConnection, None] = {}
        """Insertion-ordered: the first one has waited longest."""
        self._closing: set[asyncio.Task[None]] = set()

    def __len__(self) -> int:
        return len(self._waiting)

    def enter(self, connection: ServerConnection) -> None:
        self._waiting[connection] = None
        while len(self._waiting) > self.budget:
            oldest = next(iter(self._waiting))
            del self._waiting[oldest]
            self._let_go(oldest)

    def leave(self, connection: ServerConnection) -> None:
        self._waiting.pop(connection, None)

    def is_waiting(self, connection: ServerConnection) -> bool:
        """False once the connection has been let go to make room."""
        return connection in self._waiting

    def _let_go(self, connection: ServerConnection) -> None:
        closing = asyncio.create_task(connection.close(TRY_AGAIN_LATER, "too many connections waiting"))
        self._closing.add(closing)
        closing.add_done_callback(self._closing.discard)
