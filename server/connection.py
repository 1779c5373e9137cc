"""One websocket connection: the hello, then commands in, acks and errors out.

Whatever a client sends, the answer is an `error` with a documented code, never a traceback: an unexpected
exception while handling one message becomes `internal`, logged as one line without the message.
"""

import asyncio
import logging
from dataclasses import dataclass
from enum import Enum, auto

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from retro.actors import Actor, Facilitator, Participant
from retro.errors import RuleViolation
from server.hub import Hub
from server.inbound import Refusal, claimed_id, parse, screen
from server.protocol import PROTOCOL_VERSION, Ack, CommandMessage, Error, Hello, RefusalCode, Welcome
from server.ratelimit import TokenBucket
from server.waiting_room import TRY_AGAIN_LATER, WaitingRoom

POLICY_VIOLATION = 1008

logger = logging.getLogger("retro.server")


@dataclass(frozen=True)
class Admission:
    """Who gets in: the budget for connections still waiting for their hello, and the cap on phones."""

    waiting: WaitingRoom
    max_phones: int
    hello_timeout: float


class Stage(Enum):
    """A connection's life: one hello decides who it is; a refused hello, or none in time, closes it."""

    WAITING_FOR_HELLO = auto()
    PARTICIPANT = auto()
    FACILITATOR = auto()
    CLOSING = auto()


def error_json(code: str, message: str, message_id: str | None = None) -> str:
    return Error(id=message_id, code=code, message=message).model_dump_json()


def _log_unexpected(what: str, unexpected: Exception) -> None:
    """One line, with no payload and no traceback: a message's text must never reach a log."""
    logger.warning("Answered a %s with 'internal' after an unexpected %s.", what, type(unexpected).__name__)


class Connection:
    def __init__(self, websocket: ServerConnection, hub: Hub, admission: Admission) -> None:
        self.websocket = websocket
        self.hub = hub
        self.admission = admission
        self.stage = Stage.WAITING_FOR_HELLO
        self.ballot: str | None = None
        """A participant's pseudonym; None for the facilitator and for a phone that joined after the end."""
        self.bucket = TokenBucket()

    @property
    def actor(self) -> Actor | None:
        """Who this connection's commands come from; None when nobody may act through it."""
        if self.stage is Stage.FACILITATOR:
            return Facilitator()
        if self.stage is Stage.PARTICIPANT and self.ballot is not None and not self.hub.session.closed:
            return Participant(self.ballot)
        return None

    async def serve(self) -> None:
        waiting = self.admission.waiting
        try:
            waiting.enter(self.websocket)
            try:
                await self._greet()
            finally:
                waiting.leave(self.websocket)
            if self.stage is Stage.CLOSING:
                return
            async for raw in self.websocket:
                await self._answer(raw)
        except ConnectionClosed:
            pass
        finally:
            self.hub.remove(self.websocket)

    async def _greet(self) -> None:
        """Wait for the hello; one the server failed on unexpectedly may be sent again, until the timeout."""
        deadline = asyncio.get_running_loop().time() + self.admission.hello_timeout
        while self.stage is Stage.WAITING_FOR_HELLO:
            try:
                async with asyncio.timeout_at(deadline):
                    raw = await self.websocket.recv()
            except TimeoutError:
                await self._close(POLICY_VIOLATION, "no hello")
                return
            if not self.admission.waiting.is_waiting(self.websocket):
                self.stage = Stage.CLOSING  # let go to make room while this hello was on its way
                return
            await self._answer(raw)

    async def _answer(self, raw: str | bytes) -> None:
        greeting = self.stage is Stage.WAITING_FOR_HELLO
        try:
            await self._handle(raw)
        except ConnectionClosed:
            raise
        except Exception as unexpected:
            _log_unexpected("hello" if greeting else "message", unexpected)
            message_id = claimed_id(raw) if isinstance(raw, str) else None
            what = "" if greeting else " with that message"
            sentence = f"Something went wrong on the server{what}; please try again."
            await self._refuse(RefusalCode.INTERNAL, sentence, message_id)

    async def _handle(self, raw: str | bytes) -> None:
        if self.stage is not Stage.WAITING_FOR_HELLO and not self.bucket.take():
            message_id = claimed_id(raw) if isinstance(raw, str) else None
            await self._refuse(RefusalCode.RATE_LIMITED, "Too many messages; slow down a little.", message_id)
            return
        text = screen(raw)
        message = parse(text) if isinstance(text, str) else text
        if isinstance(message, Refusal):
            await self._refuse(message.code, message.message, message.message_id)
        elif self.stage is Stage.WAITING_FOR_HELLO and not isinstance(message, Hello):
            await self._refuse(RefusalCode.HELLO_FIRST, "Send a hello before anything else.", message.id)
        elif self.stage is Stage.WAITING_FOR_HELLO and isinstance(message, Hello):
            await self._hello(message)
        elif isinstance(message, Hello):
            sentence = "This connection has already said hello."
            await self._refuse(RefusalCode.ALREADY_JOINED, sentence, message.id)
        else:
            await self._execute(message)

    async def _hello(self, hello: Hello) -> None:
        if hello.protocol != PROTOCOL_VERSION:
            sentence = f"This server speaks protocol {PROTOCOL_VERSION}; reload the page."
            await self._refuse(RefusalCode.PROTOCOL, sentence, hello.id)
        elif hello.key is not None:
            await self._join_as_facilitator(hello.key, hello.id)
        elif hello.secret is None:
            await self._refuse(RefusalCode.INVALID, "A phone's hello needs its secret.", hello.id)
        else:
            await self._join_as_participant(hello.secret, hello.wrote, hello.id)

    async def _join_as_facilitator(self, key: str, message_id: str) -> None:
        if not self.hub.session.admits_facilitator(key):
            await self._refuse(RefusalCode.FORBIDDEN, "That facilitator key is wrong.", message_id)
            return
        self.stage = Stage.FACILITATOR
        await self.websocket.send(Welcome(role="facilitator", join_path=self.hub.join_path).model_dump_json())
        self.hub.add_facilitator(self.websocket)
        await self.websocket.send(self.hub.facilitator_json())

    async def _join_as_participant(self, secret: str, wrote: bool, message_id: str) -> None:
        ballot = self.hub.session.pseudonym_for(secret)
        refusal = self._door_refusal(ballot)
        if refusal is not None:
            await self._refuse(*refusal, message_id)
            return
        if ballot is not None:
            self.hub.remember_phone(ballot)  # the one step that writes: done before the welcome
        self.stage, self.ballot = Stage.PARTICIPANT, ballot
        await self.websocket.send(Welcome(role="participant", join_path=self.hub.join_path).model_dump_json())
        self.hub.add_participant(self.websocket, ballot, wrote=wrote)
        await self.websocket.send(self.hub.board_json())
        if ballot is not None:
            await self.websocket.send(self.hub.private_json(ballot))

    def _door_refusal(self, ballot: str | None) -> tuple[RefusalCode, str] | None:
        """Phones already in always get back in; new ones not by an old link, a locked door or a full room."""
        if ballot is not None and self.hub.is_known(ballot):
            return None
        request = self.websocket.request
        used = request.path.split("?", 1)[0].removeprefix("/ws/") if request is not None else ""
        if used != self.hub.session.join_token:
            return RefusalCode.EXPIRED_LINK, "This join link has been replaced. Scan the new QR code to join."
        if self.hub.session.joining_locked:
            return RefusalCode.JOINING_LOCKED, "The facilitator has locked joining for now."
        if self.hub.phones_in >= self.admission.max_phones:
            return RefusalCode.FULL, "This retro is full. Try again in a little while."
        return None

    async def _execute(self, message: CommandMessage) -> None:
        actor = self.actor
        if actor is None:
            sentence = "The retro has closed; nothing more can be added."
            await self._refuse(RefusalCode.CLOSED, sentence, message.id)
            return
        try:
            outcome = self.hub.session.execute(actor, message.command, message.id)
        except RuleViolation as violation:
            await self._refuse(violation.code, violation.message, message.id)
            return
        if outcome.item_id is not None and isinstance(actor, Participant):
            self.hub.mark_written(actor.pseudonym)
        ack = Ack(id=message.id, duplicate=outcome.duplicate, item_id=outcome.item_id)
        await self.websocket.send(ack.model_dump_json())

    async def _refuse(self, code: str, message: str, message_id: str | None) -> None:
        """Say why in an `error`. Before a good hello, a refusal also closes the connection, so that the page
        can show a calm explanation; `internal` never does, since the hello may be sent again."""
        await self.websocket.send(error_json(code, message, message_id))
        if self.stage is Stage.WAITING_FOR_HELLO and code != RefusalCode.INTERNAL:
            await self._close(TRY_AGAIN_LATER if code == RefusalCode.FULL else POLICY_VIOLATION, code)

    async def _close(self, close_code: int, reason: str) -> None:
        self.stage = Stage.CLOSING
        await self.websocket.close(close_code, reason)
