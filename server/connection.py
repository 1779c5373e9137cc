"""One websocket connection: the hello, then commands in, acks and errors out.

Whatever a client sends, the answer is an `error` with a documented code, never a traceback: an unexpected
exception while handling one message becomes `internal`, logged as one line without the message.
"""

import asyncio
import logging
import secrets
from dataclasses import dataclass

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from retro.actors import Actor, Facilitator, Participant
from retro.commands import AddItem
from retro.errors import RuleViolation
from retro.events import ItemAdded
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
        self.actor: Actor | None = None
        self.bucket = TokenBucket()

    async def serve(self) -> None:
        waiting = self.admission.waiting
        try:
            waiting.enter(self.websocket)
            try:
                greeted = await self._greet()
            finally:
                waiting.leave(self.websocket)
            if not greeted:
                return
            async for raw in self.websocket:
                await self._answer(raw)
        except ConnectionClosed:
            pass
        finally:
            self.hub.remove(self.websocket)

    async def _greet(self) -> bool:
        """Wait for the hello; one the server failed on unexpectedly may be sent again, until the timeout."""
        deadline = asyncio.get_running_loop().time() + self.admission.hello_timeout
        while True:
            try:
                async with asyncio.timeout_at(deadline):
                    raw = await self.websocket.recv()
            except TimeoutError:
                await self.websocket.close(POLICY_VIOLATION, "no hello")
                return False
            if not self.admission.waiting.is_waiting(self.websocket):
                return False  # let go to make room while this hello was on its way
            try:
                return await self._greet_with(raw)
            except ConnectionClosed:
                raise
            except Exception as unexpected:
                _log_unexpected("hello", unexpected)
                message_id = claimed_id(raw) if isinstance(raw, str) else None
                sentence = "Something went wrong on the server; please try again."
                await self._send_error(RefusalCode.INTERNAL, sentence, message_id)

    async def _greet_with(self, raw: str | bytes) -> bool:
        text = screen(raw)
        hello = parse(text) if isinstance(text, str) else text
        if isinstance(hello, Refusal):
            await self._turn_away(hello.code, hello.message, hello.message_id)
            return False
        if not isinstance(hello, Hello):
            await self._turn_away(RefusalCode.HELLO_FIRST, "Send a hello before anything else.", hello.id)
            return False
        if hello.protocol != PROTOCOL_VERSION:
            sentence = f"This server speaks protocol {PROTOCOL_VERSION}; reload the page."
            await self._turn_away(RefusalCode.PROTOCOL, sentence, hello.id)
            return False
        return await self._join(hello)

    async def _join(self, hello: Hello) -> bool:
        session = self.hub.session
        if hello.key is not None:
            if not secrets.compare_digest(hello.key.encode(), session.record.facilitator_key.encode()):
                await self._turn_away(RefusalCode.FORBIDDEN, "That facilitator key is wrong.", hello.id)
                return False
            self.actor = Facilitator()
            await self.websocket.send(
                Welcome(role="facilitator", join_path=self._join_path).model_dump_json()
            )
            self.hub.add_facilitator(self.websocket)
            await self.websocket.send(self.hub.facilitator_json())
            return True
        if hello.secret is None:
            await self._turn_away(RefusalCode.INVALID, "A phone's hello needs its secret.", hello.id)
            return False
        ballot = session.pseudonym_for(hello.secret)
        refusal = self._refusal(ballot)
        if refusal is not None:
            code, sentence = refusal
            close_code = TRY_AGAIN_LATER if code == RefusalCode.FULL else POLICY_VIOLATION
            await self._turn_away(code, sentence, hello.id, close_code)
            return False
        if ballot is not None:
            self.hub.remember_phone(ballot)  # the one step that writes: done before the welcome
        self.actor = Participant(ballot) if ballot is not None else None
        await self.websocket.send(Welcome(role="participant", join_path=self._join_path).model_dump_json())
        self.hub.add_participant(self.websocket, ballot, wrote=hello.wrote)
        await self.websocket.send(self.hub.board_json())
        if ballot is not None:
            await self.websocket.send(self.hub.private_json(ballot))
        return True

    @property
    def _join_path(self) -> str:
        return f"/j/{self.hub.session.record.join_token}"

    def _refusal(self, ballot: str | None) -> tuple[RefusalCode, str] | None:
        """Phones already in always get back in; new ones not by an old link, a locked door or a full room."""
        if ballot is not None and self.hub.is_known(ballot):
            return None
        request = self.websocket.request
        used = request.path.split("?", 1)[0].removeprefix("/ws/") if request is not None else ""
        if used != self.hub.session.record.join_token:
            return RefusalCode.EXPIRED_LINK, "This join link has been replaced. Scan the new QR code to join."
        if self.hub.session.state.joining_locked:
            return RefusalCode.JOINING_LOCKED, "The facilitator has locked joining for now."
        if self.hub.phones_in >= self.admission.max_phones:
            return RefusalCode.FULL, "This retro is full. Try again in a little while."
        return None

    async def _answer(self, raw: str | bytes) -> None:
        try:
            await self._handle(raw)
        except ConnectionClosed:
            raise
        except Exception as unexpected:
            _log_unexpected("message", unexpected)
            message_id = claimed_id(raw) if isinstance(raw, str) else None
            sentence = "Something went wrong on the server with that message; please try again."
            await self._send_error(RefusalCode.INTERNAL, sentence, message_id)

    async def _handle(self, raw: str | bytes) -> None:
        if not self.bucket.take():
            message_id = claimed_id(raw) if isinstance(raw, str) else None
            sentence = "Too many messages; slow down a little."
            await self._send_error(RefusalCode.RATE_LIMITED, sentence, message_id)
            return
        text = screen(raw)
        message = parse(text) if isinstance(text, str) else text
        if isinstance(message, Refusal):
            await self._send_error(message.code, message.message, message.message_id)
            return
        if isinstance(message, Hello):
            await self._send_error(
                RefusalCode.ALREADY_JOINED, "This connection has already said hello.", message.id
            )
            return
        await self._execute(message)

    async def _execute(self, message: CommandMessage) -> None:
        if self.actor is None or (isinstance(self.actor, Participant) and self.hub.closed):
            sentence = "The retro has closed; nothing more can be added."
            await self._send_error(RefusalCode.CLOSED, sentence, message.id)
            return
        try:
            outcome = self.hub.session.execute(self.actor, message.command, message.id)
        except RuleViolation as violation:
            await self._send_error(violation.code, violation.message, message.id)
            return
        item_id = next((e.item_id for e in outcome.events if isinstance(e, ItemAdded)), None)
        if outcome.duplicate and isinstance(message.command, AddItem):
            item_id = self._item_with_owner(message.command.owner_hash)
        if item_id is not None and isinstance(self.actor, Participant):
            self.hub.mark_written(self.actor.pseudonym)
        ack = Ack(id=message.id, duplicate=outcome.duplicate, item_id=item_id)
        await self.websocket.send(ack.model_dump_json())

    def _item_with_owner(self, owner_hash: str) -> str | None:
        items = self.hub.session.state.items.values()
        return next((item.item_id for item in items if item.owner_hash == owner_hash), None)

    async def _turn_away(
        self, code: str, message: str, message_id: str | None, close_code: int = POLICY_VIOLATION
    ) -> None:
        """Refuse a hello: say why, then close, so that the page can show a calm explanation."""
        await self._send_error(code, message, message_id)
        await self.websocket.close(close_code, code)

    async def _send_error(self, code: str, message: str, message_id: str | None = None) -> None:
        await self.websocket.send(error_json(code, message, message_id))
