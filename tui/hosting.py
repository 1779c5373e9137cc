"""The two places the facilitator's app runs a retro: a server in this process, or a remote `retro serve`.

This is the one TUI module that touches a session or a store (tests/test_layering.py): everything else in
the app goes through the link. The server, the session and the protocol load when a host is made or
started, not with this module: `retro host` shows its join link before they load (JoinFirstHost).
"""

import socket
import ssl
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from tui.host import Host, HostUnavailable

if TYPE_CHECKING:
    from retro.session import Session
    from retro.store import EventStore
    from server.app import ServerConfig
    from server.asks import OpenAsk, ResumeAsk
    from server.pulse_asks import PulseOpenAsk, PulseWatchAsk
    from tui.link import Endpoint

Opening = Callable[[], "tuple[Session, ServerConfig]"]
"""Opens the store and the retro's session: what a JoinFirstHost serves. Raises HostUnavailable, saying
why, when it cannot."""


class EmbeddedHost(Host):
    """`retro host`: the session's own server, started in the app's loop and reached over loopback with
    the server's in-memory secret, like any remote facilitator. `listening`, if given, is the socket it
    serves on: bound and listening already, at the configured address."""

    def __init__(
        self, session: "Session", config: "ServerConfig", listening: socket.socket | None = None
    ) -> None:
        from server.app import RetroServer

        self.session = session
        self.server = RetroServer(session, config)
        self._listening = listening

    async def start(self) -> "Endpoint":
        from server.asks import ResumeAsk
        from tui.link import Endpoint

        try:
            await self.server.start(self._listening)
        except OSError as exc:
            port = self.server.config.port
            raise HostUnavailable(f"cannot listen on port {port}: {exc.strerror}") from None
        self.session.store.remember_port(self.session.record.retro_id, self.server.port)
        return Endpoint(
            url=self.server.facilitator_door,
            token=self.server.local_secret,
            bind=ResumeAsk(retro_id=self.session.record.retro_id),
            proxy=False,
            trust=own_certificate(self.server.config.certfile),
        )

    async def stop(self) -> None:
        await self.server.stop()

    def shared_clock(self) -> datetime:
        """The session's clock: the timer agrees with the phones, and tests can fix it."""
        return self.session.clock()


class JoinFirstHost(Host):
    """`retro host` starting a new retro: the socket phones join on is bound and listening, and the retro's
    join link chosen, before anything else loads; the app shows that link at once (the kernel queues phones
    that connect meanwhile), then `start` opens the store and the session and serves them on that socket.
    It never serves a link other than the one shown: should they differ, it stops, saying so."""

    def __init__(self, listening: socket.socket, join_url: str, opening: Opening) -> None:
        self.listening = listening
        self.join_url_ahead = join_url
        self._opening = opening
        self.embedded: EmbeddedHost | None = None
        """The session's own server, once the store and the session are open."""

    async def start(self) -> "Endpoint":
        session, config = self._opening()
        self.embedded = EmbeddedHost(session, config, self.listening)
        endpoint = await self.embedded.start()
        served = self.embedded.server.join_url
        if served != self.join_url_ahead:
            raise HostUnavailable(
                f"the join link shown ({self.join_url_ahead}) is not the one served ({served})"
            )
        return endpoint

    async def stop(self) -> None:
        if self.embedded is not None:
            await self.embedded.stop()
        else:
            self.listening.close()

    def shared_clock(self) -> datetime | None:
        return self.embedded.shared_clock() if self.embedded is not None else None


class EmbeddedPulseHost(Host):
    """`retro pulse --team NAME`: a server for the store's pulses, started in the app's loop, where the app
    opens the team's pulse over loopback with the server's in-memory secret."""

    def __init__(
        self, store: "EventStore", config: "ServerConfig", ask: "PulseOpenAsk | PulseWatchAsk"
    ) -> None:
        from server.app import RetroServer

        self.server = RetroServer(None, config, store)
        self.ask = ask

    async def start(self) -> "Endpoint":
        from tui.link import Endpoint

        try:
            await self.server.start()
        except OSError as exc:
            port = self.server.config.port
            raise HostUnavailable(f"cannot listen on port {port}: {exc.strerror}") from None
        return Endpoint(
            url=self.server.facilitator_door,
            token=self.server.local_secret,
            bind=self.ask,
            proxy=False,
            trust=own_certificate(self.server.config.certfile),
        )

    async def stop(self) -> None:
        await self.server.stop()


def own_certificate(certfile: str | None) -> ssl.SSLContext | None:
    """Trust exactly the certificate the in-process server presents, over loopback, where its name is not
    the one the certificate is for."""
    if certfile is None:
        return None
    context = ssl.create_default_context(cafile=certfile)
    context.check_hostname = False
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    return context


def facilitator_door(server_url: str) -> str:
    """The websocket address credential holders use, from the server's address as people write it:
    `https://retro.example.org` becomes `wss://retro.example.org/ws/host`."""
    from server.protocol import FACILITATOR_DOOR

    door = server_url.rstrip("/")
    for web, websocket in (("https://", "wss://"), ("http://", "ws://")):
        if door.startswith(web):
            door = websocket + door.removeprefix(web)
    suffix = f"/ws/{FACILITATOR_DOOR}"
    return door if door.endswith(suffix) else door + suffix


class RemoteHost(Host):
    """`retro host --server URL` and `retro pulse --server URL`: a `retro serve` elsewhere, reached with a
    team's token."""

    def __init__(
        self, server_url: str, token: str, bind: "OpenAsk | ResumeAsk | PulseOpenAsk | PulseWatchAsk"
    ) -> None:
        from tui.link import Endpoint

        self.endpoint = Endpoint(url=facilitator_door(server_url), token=token, bind=bind)

    async def start(self) -> "Endpoint":
        return self.endpoint

    async def stop(self) -> None:
        pass
