"""RetroServer: one port for the phone page, /healthz and the websocket, for every retro in one store.

Each retro is a room (server.rooms) with its own join token, facilitator key and fan-out. `retro host` serves
its store with one room opened already (the `home` room) and connects its TUI over loopback with an in-memory
secret; `retro serve` serves whatever teams open, by token.
"""

import asyncio
import logging
import random
import secrets
import socket
import ssl
from contextlib import suppress
from dataclasses import dataclass

from websockets.asyncio.server import Server, ServerConnection, serve

from retro.credentials import authenticate
from retro.events import Event, PhaseChanged
from retro.session import Session
from retro.store import EventStore
from server.access import LocalHost, Principal
from server.addresses import PublicAddress
from server.answering import Answering, Limits
from server.assets import PULSE
from server.compression import per_message_deflate
from server.connection import Admission, Connection, Doors
from server.doorbell import catch_up_on_rings, doorbell_for
from server.held_seal import RESEAL_SECONDS
from server.http import Router
from server.hub import Hub
from server.origins import ServedOrigins
from server.presence import Presence
from server.protocol import FACILITATOR_DOOR, RefusalCode
from server.pulse_answering import PulseAnswering
from server.pulse_rooms import COUNT_SECONDS, PulseRooms
from server.rooms import Room, Rooms
from server.service_log import log_event
from server.shared_presence import SharedPresence
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
    max_waiting: int = 1024
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
    limits: Limits = Limits()
    """Per team: open retros; per retro: items (phones per retro is max_participants)."""
    reseal_seconds: float = RESEAL_SECONDS
    """Before the reveal, held notices are sealed again this often, whether anything is held or not."""
    pulse_count_seconds: float = COUNT_SECONDS
    """The least time between two counts of a pulse's answers told to its facilitators."""


class RetroServer:
    def __init__(
        self, session: Session | None, config: ServerConfig, store: EventStore | None = None
    ) -> None:
        """Serve `store`, with `session` as its home room if given (`retro host`, `retro serve --title`)."""
        chosen = store if store is not None else session.store if session is not None else None
        if chosen is None:
            raise ValueError("a RetroServer needs a store, or a session to take its store from")
        self.store = chosen
        self.config = config
        self.rooms = Rooms(chosen, config.reseal_seconds)
        self.home: Room | None = self.rooms.add(session) if session is not None else None
        self.rooms.home = self.home
        self.local_secret = secrets.token_urlsafe(24)
        """The in-process host's credential (server.access.LocalHost): kept in memory only."""
        self._server: Server | None = None
        self._catching_up: asyncio.Task[None] | None = None
        """Catching up with what other processes change in the store (server.doorbell)."""
        self.shared_presence: SharedPresence | None = None
        """Presence counted across the processes serving the store, when it can be shared."""
        self._beating: asyncio.Task[None] | None = None
        self.address = PublicAddress(config.public_url or "")
        self.port = config.port
        self.origins = ServedOrigins(config.host, config.port, [config.public_url])
        self.admission = Admission(
            WaitingRoom(config.max_waiting), config.max_participants, config.hello_timeout
        )
        pulses = PulseRooms(chosen, config.pulse_count_seconds)
        self.doors = Doors(
            self.rooms,
            self.admission,
            self._authenticate,
            Answering(self.rooms, config.limits, lambda: self.address.base_url),
            pulses,
            PulseAnswering(pulses, config.limits, lambda: self.address.base_url),
            set(),
        )
        self._phones_logged: dict[str, int] = {}
        self.rooms.on_room(self._watch)

    @property
    def session(self) -> Session:
        """The home room's session."""
        return self._home.session

    @property
    def hub(self) -> Hub:
        return self._home.hub

    @property
    def retired_tokens(self) -> set[str]:
        return self._home.retired_tokens

    @property
    def _home(self) -> Room:
        if self.home is None:
            raise LookupError("this server was started without a retro of its own")
        return self.home

    @property
    def facilitator_door(self) -> str:
        """Where credential holders connect, over loopback when the listener takes every interface."""
        host = self.config.host if self.config.host not in {"0.0.0.0", "::", ""} else "127.0.0.1"
        host = f"[{host}]" if ":" in host else host
        scheme = "wss" if self.config.certfile else "ws"
        return f"{scheme}://{host}:{self.port}/ws/{FACILITATOR_DOOR}"

    def _authenticate(self, secret: str) -> Principal | None:
        if secrets.compare_digest(secret.encode("utf-8", "surrogatepass"), self.local_secret.encode()):
            return LocalHost()
        return authenticate(self.store, secret)

    def _opens(self, token: str) -> str | None:
        """What a join link opens, for its page to fetch that at once: the retro's phase while the token is
        current, "" for a replaced one, PULSE for a pulse; None when no hosted retro or pulse has it."""
        room = self.rooms.by_token(token)
        if room is not None:
            return room.session.state.phase.value if token == room.session.join_token else ""
        return PULSE if self.doors.pulses.by_token(token) is not None else None

    async def start(self, listening: socket.socket | None = None) -> None:
        """Listen on the configured address, or on `listening`, a socket already bound there and listening
        (`retro host` binds it first, to show its join link before the rest has loaded)."""
        router = Router(
            opens=self._opens,
            origin_allowed=lambda origin: self.origins.allows(origin),
            ready=self.store.is_reachable,
        )
        where = (self.config.host, self.config.port) if listening is None else (None, None)
        self._server = await serve(
            self._handle,
            *where,
            sock=listening,
            process_request=router,
            max_size=HARD_MESSAGE_LIMIT,
            compression=None,
            extensions=[per_message_deflate()],
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
        self.rooms.start()
        self.doors.pulses.start()
        doorbell = doorbell_for(self.store)
        if doorbell is not None:
            self.shared_presence = SharedPresence(self.store, lambda: (room.hub for room in self.rooms))
            for room in self.rooms:
                room.hub.share_presence(self.shared_presence)
            self._beating = asyncio.create_task(self.shared_presence.run(), name="retro-presence")
            after = (self.shared_presence.refresh, self.doors.pulses.on_ring)
            self._catching_up = asyncio.create_task(catch_up_on_rings(doorbell, self.rooms, *after))

    async def stop(self) -> None:
        if self._catching_up is not None:
            self._catching_up.cancel()
            with suppress(asyncio.CancelledError):
                await self._catching_up
            self._catching_up = None
        if self._beating is not None and self.shared_presence is not None:
            self._beating.cancel()
            with suppress(asyncio.CancelledError):
                await self._beating
            self._beating = None
            self.shared_presence.stop()
        self.rooms.stop()
        self.doors.pulses.stop()
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

    def _watch(self, room: Room) -> None:
        """Log each room's phase changes and phone count: no ids, no tokens, nothing about anyone."""

        def on_events(events: list[Event]) -> None:
            for event in events:
                if isinstance(event, PhaseChanged):
                    log_event("phase_changed", phase=event.to.value)

        def on_presence(presence: Presence) -> None:
            if presence.joined != self._phones_logged.get(room.retro_id, 0):
                self._phones_logged[room.retro_id] = presence.joined
                log_event("phones", joined=presence.joined)

        room.session.subscribe(on_events)
        room.hub.on_presence(on_presence)
        if self.shared_presence is not None:
            room.hub.share_presence(self.shared_presence)

    async def _handle(self, websocket: ServerConnection) -> None:
        await Connection(websocket, self.doors).serve()
        sent = websocket.protocol.close_sent
        if sent is not None and sent.code != SERVICE_RESTART and sent.reason in _DOOR_REASONS:
            log_event("refused", code=str(sent.reason))

    def _ssl_context(self) -> ssl.SSLContext | None:
        if not self.config.certfile:
            return None
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.config.certfile, self.config.keyfile)
        return context
