"""Where the facilitator's link stands, apart from the link itself: a screen that only shows it (the banner,
the connecting screen) need not load the protocol to do so."""

from dataclasses import dataclass
from enum import Enum


class LinkState(Enum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    REFUSED = "refused"
    """Stopped for good: the reason says why."""


@dataclass(frozen=True)
class LinkStatus:
    state: LinkState
    reason: str = ""
