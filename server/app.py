"""RetroServer: one port for the phone page, /healthz and the websocket, around one Session."""

import asyncio
import logging
import random
import ssl
from dataclasses import dataclass

from websockets.asyncio.server import Server, ServerConnection, serve

from retro.events import Event, JoinTokenRotated, PhaseChanged
from retro.session import Session
from server.addresses import PublicAddress
from server.connection import Admission, Connection
from server.http import Router
from server.hub import Hub
from server.origins import ServedOrigins
from server.presence import Presence
from server.protocol import RefusalCode
from server.service_log import log_event
from server.waiting_room import WaitingRoom

# websockets logs peer addresses at INFO and DEBUG; retro logs no address, so it keeps only errors.
_quiet_logger = logging.getLogger("retro.websockets")
_quiet_logger.setLevel(logging.ERROR)

HARD_MESSAGE_LIMIT = 64 * 1024
"""Frames above this close the connection; those above protocol.MAX_MESSAGE_BYTES get a polite error."""
SERVICE_RESTART = 1012
"""The close code phones get when the server stops on purpose: they reconnect when it is back."""
_DOOR_REASONS = {*RefusalCode, "no hello"}
"""Reasons the server itself writes into a close frame when it turns a connection away at the door."""


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
    ping_interval: float = 20.0
    """Seconds between keepalive pings, so that proxies and phones' networks keep idle sockets open."""
    ping_timeout: float = 20.0
    """Seconds to wait for a keepalive pong before a silent connection is dropped."""
    drain_seconds: float = 3.0
    """On a graceful stop, the connections close (1012) spread over this many seconds, so that phones
    do not all reconnect at the same instant."""


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
        self._phones_logged = 0
        session.subscribe(self._on_events)
        self.hub.on_presence(self._log_presence)

    async def start(self) -> None:
        router = Router(
            join_token=lambda: self.session.join_token,
            retired_tokens=lambda: self.retired_tokens,
            origin_allowed=lambda origin: self.origins.allows(origin),
            ready=self.session.store.is_reachable,
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
            ping_interval=self.config.ping_interval,
            ping_timeout=self.config.ping_timeout,
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

    async def drain(self) -> None:
        """Stop gracefully: take no new connections, then close each open one with 1012, in a random order
        spread evenly over `drain_seconds`, so that the phones' reconnects do not all land at once."""
        if self._server is None:
            return
        self._server.close(close_connections=False)
        connections = list(self._server.connections)
        random.shuffle(connections)
        log_event("draining", connections=len(connections), seconds=self.config.drain_seconds)
        step = self.config.drain_seconds / max(len(connections) - 1, 1)
        for index, connection in enumerate(connections):
            if index:
                await asyncio.sleep(step)
            await connection.close(SERVICE_RESTART, "service restart")

    @property
    def join_url(self) -> str:
        return self.address.join_url(self.session.join_token)

    @property
    def websocket_url(self) -> str:
        return self.address.websocket_url(self.session.join_token)

    def _on_events(self, events: list[Event]) -> None:
        if any(isinstance(event, JoinTokenRotated) for event in events):
            self.retired_tokens = self.session.store.retired_tokens(self.session.record.retro_id)
        for event in events:
            if isinstance(event, PhaseChanged):
                log_event("phase_changed", phase=event.to.value)

    def _log_presence(self, presence: Presence) -> None:
        if presence.joined != self._phones_logged:
            self._phones_logged = presence.joined
            log_event("phones", joined=presence.joined)

    async def _handle(self, websocket: ServerConnection) -> None:
        await Connection(websocket, self.hub, self.admission).serve()
        sent = websocket.protocol.close_sent
        if sent is not None and sent.code != SERVICE_RESTART and sent.reason in _DOOR_REASONS:
            log_event("refused", code=str(sent.reason))

    def _ssl_context(self) -> ssl.SSLContext | None:
        if not self.config.certfile:
            return None
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.config.certfile, self.config.keyfile)
        return context
