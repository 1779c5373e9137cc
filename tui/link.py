"""The facilitator's side of the protocol: one websocket to the server, which comes back by itself.

The link says hello with its credential, binds to a retro (open or resume) and keeps the latest facilitator
view; or binds to a pulse (open or watch) and follows its count of answers. Commands and requests wait, in
order, until the server answers them; after a lost connection or a restart they are sent again with the same
ids, and the server applies each id once. Only a refusal that no retry can change (a wrong token, a retro
that is not there) stops it for good.
"""

import asyncio
import secrets
import ssl
from dataclasses import dataclass, field
from typing import Protocol

from pydantic import ValidationError
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI

from retro.commands import Command
from server.asks import Ask, OpenAsk, Opened, Result, ResumeAsk
from server.protocol import (
    PROTOCOL_VERSION,
    SERVER_ADAPTER,
    Ack,
    Answer,
    CommandMessage,
    Error,
    FacilitatorMessage,
    Hello,
    PulseCountMessage,
    RefusalCode,
    Request,
    ServerMessage,
    Welcome,
)
from server.pulse_asks import PulseOpenAsk, PulseOpened, PulseWatchAsk
from tui.link_status import LinkState, LinkStatus

FIRST_DELAY = 0.2
"""Seconds before the first reconnect; each failed attempt doubles it, up to MOST_DELAY."""
MOST_DELAY = 5.0
PASSING_CODES = frozenset({RefusalCode.INTERNAL, RefusalCode.RATE_LIMITED})
"""Refusals of the hello or the bind that a later attempt may get past; any other stops the link."""


@dataclass(frozen=True)
class Endpoint:
    """Where the link connects, with which credential, and which retro or pulse it facilitates."""

    url: str
    token: str
    bind: OpenAsk | ResumeAsk | PulseOpenAsk | PulseWatchAsk
    proxy: bool = True
    """Whether a proxy from the environment applies; never over loopback."""
    trust: ssl.SSLContext | None = None
    """For `wss://`: None trusts the system's certificate authorities; the in-process server's link trusts
    exactly the certificate that server presents."""


class LinkListener(Protocol):
    def link_changed(self, status: LinkStatus) -> None: ...

    def view_arrived(self, message: FacilitatorMessage) -> None: ...

    def count_arrived(self, message: PulseCountMessage) -> None: ...


class Refused(Exception):
    """The server said no to a request, or the link has stopped for good."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class _Final(Exception):
    """A refusal of the hello or the bind that no retry can change."""


class _Again(Exception):
    """The hello or the bind did not get through this time; the next connection tries again."""


Reply = Ack | Answer | Error


@dataclass
class _Unanswered:
    frame: str
    reply: asyncio.Future[Reply]
    sent_on: ClientConnection | None = field(default=None)


def new_id() -> str:
    return secrets.token_urlsafe(12)


def parsed(raw: str | bytes) -> ServerMessage | None:
    """The server's message, or None for a frame this client does not understand: it is let pass."""
    try:
        return SERVER_ADAPTER.validate_json(raw)
    except ValidationError:
        return None


class FacilitatorLink:
    def __init__(self, endpoint: Endpoint, listener: LinkListener) -> None:
        self.endpoint = endpoint
        self.listener = listener
        self.opened: Opened | None = None
        """The retro this link facilitates, once the server has bound it; reconnects resume this one."""
        self.pulse: PulseOpened | None = None
        """The pulse this link watches, once the server has opened it; reconnects watch this one."""
        self.latest: FacilitatorMessage | None = None
        self.status = LinkStatus(LinkState.CONNECTING)
        self._unanswered: dict[str, _Unanswered] = {}
        self._socket: ClientConnection | None = None
        """The connection commands go out on directly; None while (re)connecting."""
        self._bind_id = new_id()
        """Kept until bound: an `open` sent again after a lost answer gets the same retro, not a second."""

    @property
    def unanswered(self) -> tuple[str, ...]:
        """The ids of the commands and requests still waiting for their answer, oldest first."""
        return tuple(self._unanswered)

    async def execute(self, command: Command) -> str | None:
        """None once the server has acknowledged the command (durable); else why it refused."""
        reply = await self._exchange(CommandMessage(id=new_id(), command=command))
        return reply.message if isinstance(reply, Error) else None

    async def ask(self, ask: Ask) -> Result:
        reply = await self._exchange(Request(id=new_id(), ask=ask))
        if isinstance(reply, Error):
            raise Refused(reply.code, reply.message)
        if isinstance(reply, Ack):
            raise Refused(RefusalCode.INVALID, "The server acknowledged a request instead of answering it.")
        return reply.result

    async def _exchange(self, message: CommandMessage | Request) -> Reply:
        if self.status.state is LinkState.REFUSED:
            return Error(id=message.id, code=RefusalCode.CLOSED, message=self.status.reason)
        waiting = _Unanswered(message.model_dump_json(), asyncio.get_running_loop().create_future())
        self._unanswered[message.id] = waiting
        try:
            if self._socket is not None:
                await self._send(self._socket, waiting)
            return await waiting.reply
        finally:
            self._unanswered.pop(message.id, None)

    async def run(self) -> None:
        """Connect, and again whenever the connection is lost, until cancelled or refused for good."""
        delay = FIRST_DELAY
        while True:
            try:
                if await self._connect_once():
                    delay = FIRST_DELAY
            except _Final as final:
                self._stop(str(final))
                return
            except Exception:
                pass  # whatever broke this connection, the next one starts afresh
            finally:
                self._socket = None
            self._set_status(LinkStatus(LinkState.RECONNECTING))
            await asyncio.sleep(delay)
            delay = min(delay * 2, MOST_DELAY)

    async def _connect_once(self) -> bool:
        """One connection, until it closes; True when it got as far as being bound to the retro."""
        try:
            async with connect(
                self.endpoint.url,
                max_size=None,
                proxy=True if self.endpoint.proxy else None,
                ssl=self.endpoint.trust if self.endpoint.url.startswith("wss://") else None,
            ) as websocket:
                await self._bind(websocket)
                await self._resend(websocket)
                self._socket = websocket
                self._set_status(LinkStatus(LinkState.CONNECTED))
                async for raw in websocket:
                    self._dispatch(parsed(raw))
        except InvalidStatus as refused:
            status = refused.response.status_code
            if 400 <= status < 500:
                sentence = f"the server at {self.endpoint.url} refused the connection (HTTP {status})"
                raise _Final(sentence) from None
            return False
        except InvalidURI:
            raise _Final(f"{self.endpoint.url} is not a websocket address") from None
        except (OSError, TimeoutError, ConnectionClosed, InvalidHandshake, _Again):
            return self._socket is not None
        return True

    async def _bind(self, websocket: ClientConnection) -> None:
        hello = Hello(id=new_id(), protocol=PROTOCOL_VERSION, token=self.endpoint.token)
        await websocket.send(hello.model_dump_json())
        await self._reply_to(websocket, None)
        ask = self._bind_again()
        request = Request(id=self._bind_id if ask is None else new_id(), ask=ask or self.endpoint.bind)
        await websocket.send(request.model_dump_json())
        answer = await self._reply_to(websocket, request.id)
        if not isinstance(answer, Answer):
            raise _Final("the server did not answer the request to open")
        if isinstance(answer.result, Opened):
            self.opened = answer.result
        elif isinstance(answer.result, PulseOpened):
            self.pulse = answer.result
        else:
            raise _Final("the server did not open the retro or the pulse")

    def _bind_again(self) -> ResumeAsk | PulseWatchAsk | None:
        """After a lost connection: the same retro or pulse as before; None before the first bind."""
        if self.opened is not None:
            return ResumeAsk(retro_id=self.opened.retro_id)
        if self.pulse is not None:
            return PulseWatchAsk(pulse_id=self.pulse.pulse_id)
        return None

    async def _reply_to(self, websocket: ClientConnection, message_id: str | None) -> Welcome | Answer:
        """Read up to the welcome (no id) or the answer to `message_id`; raise on a refusal of either."""
        async for raw in websocket:
            message = parsed(raw)
            if isinstance(message, Error) and (message_id is None or message.id == message_id):
                if message.code in PASSING_CODES:
                    raise _Again
                raise _Final(message.message)
            if message_id is None and isinstance(message, Welcome):
                return message
            if isinstance(message, Answer) and message.id == message_id:
                return message
            self._dispatch(message)
        raise _Again

    async def _resend(self, websocket: ClientConnection) -> None:
        """Everything not yet answered goes out again, oldest first and with its own id."""
        while unsent := [each for each in self._unanswered.values() if each.sent_on is not websocket]:
            for waiting in unsent:
                await self._send(websocket, waiting)

    async def _send(self, websocket: ClientConnection, waiting: _Unanswered) -> None:
        waiting.sent_on = websocket
        try:
            await websocket.send(waiting.frame)
        except ConnectionClosed:
            pass  # still unanswered: it goes out again once the link is back

    def _dispatch(self, message: ServerMessage | None) -> None:
        if isinstance(message, FacilitatorMessage):
            self.latest = message
            self.listener.view_arrived(message)
        elif isinstance(message, PulseCountMessage):
            self.listener.count_arrived(message)
        elif isinstance(message, Ack | Answer | Error) and message.id is not None:
            waiting = self._unanswered.get(message.id)
            if waiting is not None and not waiting.reply.done():
                waiting.reply.set_result(message)

    def _stop(self, reason: str) -> None:
        self._set_status(LinkStatus(LinkState.REFUSED, reason))
        for message_id, waiting in list(self._unanswered.items()):
            if not waiting.reply.done():
                waiting.reply.set_result(Error(id=message_id, code=RefusalCode.CLOSED, message=reason))

    def _set_status(self, status: LinkStatus) -> None:
        if status != self.status:
            self.status = status
            self.listener.link_changed(status)
