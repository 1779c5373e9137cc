"""An app that runs through the server's facilitator side: the host it starts, the link it keeps to it.

The facilitator's retro app (tui.linked) and its pulse app (tui.pulse_app) both start here: whatever the
server sends arrives as a message, and a refusal that no retry can change ends the app with one sentence.
"""

import asyncio
from contextlib import suppress
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.reactive import var

from tui.host import Host, HostUnavailable
from tui.link_status import LinkState, LinkStatus
from tui.messages import CountArrived, LinkChanged, ViewArrived
from tui.toasts import RepaintAfterToasts

if TYPE_CHECKING:  # the link and the protocol load once the host has started, after any QR code shows
    from server.protocol import FacilitatorMessage, PulseCountMessage
    from tui.link import FacilitatorLink


class LinkingApp(RepaintAfterToasts):
    link_status: var[LinkStatus] = var(LinkStatus(LinkState.CONNECTING))
    """Whether the server can be reached now; the screens say so while it cannot."""

    def __init__(self, host: Host) -> None:
        super().__init__()
        self.host = host
        self.link: FacilitatorLink | None = None
        self._link_task: asyncio.Task[None] | None = None

    async def on_ready(self) -> None:
        if self.host.join_url_ahead is None:
            await self.start_host()
        else:  # the join link is on screen once this refresh is done; the host loads after it
            self.call_after_refresh(self._start_host_in_worker)

    def _start_host_in_worker(self) -> None:
        self.run_worker(self.start_host(), name="host", group="host")

    async def start_host(self) -> None:
        """Start the host and link to it; a host that cannot start ends the app, saying why. On a host that
        knows its join link ahead, the app calls this once that link is on screen."""
        from tui.link import FacilitatorLink

        try:
            endpoint = await self.host.start()
        except HostUnavailable as unavailable:
            self.exit_saying(*unavailable.reasons, code=unavailable.code)
            return
        self.link = FacilitatorLink(endpoint, self)
        self._link_task = asyncio.create_task(self.link.run(), name="retro-link")

    async def on_unmount(self) -> None:
        if self._link_task is not None:
            self._link_task.cancel()
            with suppress(asyncio.CancelledError):
                await self._link_task
        await self.host.stop()

    def exit_saying(self, *why: str, code: int = 1) -> None:
        """Stop, leaving one sentence (one line each) for the terminal, as plain text: never markup, never
        a traceback."""
        self.exit(return_code=code, message=Text("\n".join(f"retro: {line}" for line in why)))

    def link_changed(self, status: LinkStatus) -> None:
        self.post_message(LinkChanged(status))

    def view_arrived(self, message: "FacilitatorMessage") -> None:
        self.post_message(ViewArrived(message))

    def count_arrived(self, message: "PulseCountMessage") -> None:
        self.post_message(CountArrived(message))

    @on(LinkChanged)
    def _follow_link(self, message: LinkChanged) -> None:
        self.link_status = message.status
        if message.status.state is LinkState.REFUSED:
            self.exit_saying(message.status.reason)
