"""What the facilitator's app needs from where it runs a retro: an endpoint to link to, and a clock.

tui.hosting has the two kinds: the server this process starts (`retro host`), and a remote `retro serve`.
"""

from abc import ABC, abstractmethod
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.link import Endpoint


class HostUnavailable(Exception):
    """The host cannot be reached at all, for example its port is taken, or what it serves cannot open; each
    reason says so in one line, and `code` is the exit status."""

    def __init__(self, *reasons: str, code: int = 1) -> None:
        super().__init__(*reasons)
        self.reasons = reasons
        self.code = code

    def __str__(self) -> str:
        return "; ".join(self.reasons)


class Host(ABC):
    join_url_ahead: str | None = None
    """The join link phones will be served, when the host knows it before it starts: the app shows it at
    once, and starts the host only then."""

    @abstractmethod
    async def start(self) -> "Endpoint":
        """Get ready, and say where the link connects and how it binds. Raises HostUnavailable."""

    @abstractmethod
    async def stop(self) -> None: ...

    def shared_clock(self) -> datetime | None:
        """The server's own clock, when the app shares it (in-process); else None, and the app follows the
        server's time as its views carry it."""
        return None
