"""What the facilitator's app needs from where it runs a retro: an endpoint to link to, and a clock.

tui.hosting has the two kinds: the server this process starts (`retro host`), and a remote `retro serve`.
"""

from abc import ABC, abstractmethod
from datetime import datetime

from tui.link import Endpoint


class HostUnavailable(Exception):
    """The host cannot be reached at all, for example its port is taken; the message says so in one line."""


class Host(ABC):
    @abstractmethod
    async def start(self) -> Endpoint:
        """Get ready, and say where the link connects and how it binds. Raises HostUnavailable."""

    @abstractmethod
    async def stop(self) -> None: ...

    def shared_clock(self) -> datetime | None:
        """The server's own clock, when the app shares it (in-process); else None, and the app follows the
        server's time as its views carry it."""
        return None
