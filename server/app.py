"""RetroServer: one port for the phone page, /healthz and the websocket, around one Session."""

import asyncio
import logging
import ssl
from dataclasses import dataclass

from websockets.asyncio.server import Server, ServerConnection, serve

from retro.events import Event, JoinTokenRotated
from retro.session import Session
from server.addresses import PublicAddress
from server.connection import Admission, Connection
from server.http import Router
from server.hub import Hub
from server.origins import ServedOrigins
from server.waiting_room import WaitingRoom

# websockets logs peer addresses at INFO and DEBUG; retro logs no address, so it keeps only errors.
_quiet_logger = logging.getLogger("retro.websockets")
_quiet_logger.setLevel(logging.ERROR)

HARD_MESSAGE_LIMIT = 64 * 1024
"""Frames above this close the connection; those above protocol.MAX_MESSAGE_BYTES get a polite error."""


@dataclass(frozen=True)
class ServerConfig:
    host: str = "0.0.0.0"
    port: int = 8765
    public_url: str | None = None
    max_participants: int = 1000
    """The cap on phones (--max-phones). Phones already known and the facilitator always get in."""
    max_waiting: int = 64
    """How many connections may wait for their hello at once; beyond it, the longest-waiting one goes."""
    hello_timeout: float = 5.0
    """Seconds a new connection has to say hello."""
    certfile: str | None = None
    keyfile: str | None = None


class RetroServer:
    def __init__(self, session: Session, config: ServerConfig) -> None:
        self.session = session
        self.config = config
        self.hub = Hub(session)
        self._server: Server | None = None
        self._hub_task: asyncio.Task[None] | None = None
        self.address = PublicAddress(config.public_url or "")
        self.port = config.port
        self.origins = ServedOrigins(config.host, config.port, [config.public_url])
        self.admission = Admission(
            WaitingRoom(config.max_waiting), config.max_participants, config.hello_timeout
        )
        self.retired_tokens = session.store.retired_tokens(session.record.retro_id)
        """Replaced links: their page still opens, to say so; phones already in may reconnect through them."""
        session.subscribe(self._on_events)

    async def start(self) -> None:
        router = Router(
            join_token=lambda: self.session.join_token,
            retired_tokens=lambda: self.retired_tokens,
            origin_allowed=lambda origin: self.origins.allows(origin),
        )
        self._server = await serve(
            self._handle,
            self.config.host,
            self.config.port,
            process_request=router,
            max_size=HARD_MESSAGE_LIMIT,
            logger=_quiet_logger,
            ssl=self._ssl_context(),
            server_header=None,
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self.address = PublicAddress.for_listener(self.config.host, self.port, self.config.public_url)
        if self.config.certfile and not self.config.public_url:
            self.address = PublicAddress(self.address.base_url.replace("http://", "https://", 1))
        shown = [self.address.base_url, self.config.public_url]
        self.origins = ServedOrigins(self.config.host, self.port, shown)
        self._hub_task = asyncio.create_task(self.hub.run(), name="retro-hub")

    async def stop(self) -> None:
        if self._hub_task is not None:
            self._hub_task.cancel()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    @property
    def join_url(self) -> str:
        return self.address.join_url(self.session.join_token)

    @property
    def websocket_url(self) -> str:
        return self.address.websocket_url(self.session.join_token)

    def _on_events(self, events: list[Event]) -> None:
        if any(isinstance(event, JoinTokenRotated) for event in events):
            self.retired_tokens = self.session.store.retired_tokens(self.session.record.retro_id)

    async def _handle(self, websocket: ServerConnection) -> None:
        await Connection(websocket, self.hub, self.admission).serve()

    def _ssl_context(self) -> ssl.SSLContext | None:
        if not self.config.certfile:
            return None
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.config.certfile, self.config.keyfile)
        return context
