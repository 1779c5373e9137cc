"""The facilitator's app, as far as the server goes: the host it starts, the link it keeps, the clock.

Everything the app shows arrives over the link as facilitator views, and every change it makes goes out as
a command. A command given while the link is down waits, and goes out once the link is back.
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from time import monotonic
from typing import TYPE_CHECKING

from textual import on

from tui.host import Host
from tui.linking import LinkingApp
from tui.messages import ViewArrived

if TYPE_CHECKING:
    from retro.commands import Command
    from retro.views import FacilitatorView
    from server.protocol import FacilitatorMessage

NOT_LINKED = "Not connected to the server yet."


class LinkedApp(LinkingApp):
    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.facilitator: FacilitatorMessage | None = None
        """The latest from the server: the view, the join path, the phones, the server's time."""
        self._arrived = 0.0
        """When `facilitator` arrived, on this machine's monotonic clock."""

    @property
    def view(self) -> "FacilitatorView":
        if self.facilitator is None:
            raise LookupError("no view has arrived from the server yet")
        return self.facilitator.view

    def now(self) -> datetime:
        """The server's clock: shared when in-process (tests fix it), else the latest server time carried on
        by this machine's own clock since it arrived, so the timer agrees with the phones."""
        shared = self.host.shared_clock()
        if shared is not None:
            return shared
        if self.facilitator is None:
            return datetime.now(UTC)
        return self.facilitator.server_time + timedelta(seconds=monotonic() - self._arrived)

    def show_view(self, previous: "FacilitatorMessage | None") -> None:
        """Follow the view that has just arrived; `previous` is the one before it."""
        raise NotImplementedError

    @on(ViewArrived)
    def _take_view(self, message: ViewArrived) -> None:
        previous, self.facilitator = self.facilitator, message.facilitator
        self._arrived = monotonic()
        if self.is_running:  # Shutting down: a phone that leaves now has no screen left to update.
            self.show_view(previous)

    async def refused(self, command: "Command") -> str | None:
        """Send a command and wait for the server: None once it is durable, else why it was refused."""
        if self.link is None:
            return NOT_LINKED
        return await self.link.execute(command)

    def send(self, command: "Command", then: Callable[[], None] | None = None) -> None:
        """Send a command without holding up the keys; `then` runs once it is durable. A refusal is shown."""
        self.run_worker(self._send(command, then), group="commands", exit_on_error=False)

    async def _send(self, command: "Command", then: Callable[[], None] | None) -> None:
        reason = await self.refused(command)
        if reason is not None:
            self.notify(reason, title="Not now", severity="warning", markup=False)
        elif then is not None:
            then()
