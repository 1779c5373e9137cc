"""One websocket connection: the hello, then commands in, acks and errors out.

Whatever a client sends, the answer is an `error` with a documented code, never a traceback: an unexpected
exception while handling one message becomes `internal`, logged as one line without the message.
"""

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, auto

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from retro.actors import Actor, Facilitator, Participant
from retro.credentials import OperatorCredential, TeamCredential
from retro.errors import RuleViolation
from retro.pulse.lifecycle import answer, my_answers
from retro.pulse.models import PulseRefused
from server.access import Principal
from server.answering import Answering, Bound, Refused
from server.asks import TeamRevoked
from server.commits import FULL, RetroClosed, admit_phone, execute
from server.hub import Hub
from server.inbound import Refusal, claimed_id, parse, screen
from server.protocol import (
    FACILITATOR_DOOR,
    MAX_MESSAGE_BYTES,
    PROTOCOL_VERSION,
    Ack,
    Answer,
    CommandMessage,
    Error,
    Hello,
    PulseAnswerMessage,
    PulseMineMessage,
    RefusalCode,
    Request,
    Resync,
    Welcome,
)
from server.pulse_answering import PulseAnswering, Watching
from server.pulse_asks import PULSE_ASKS
from server.pulse_rooms import PulseRoom, PulseRooms
from server.ratelimit import TokenBucket
from server.rooms import Room, Rooms
from server.waiting_room import TRY_AGAIN_LATER, WaitingRoom

POLICY_VIOLATION = 1008
CREDENTIAL_MESSAGE_BYTES = 4 * 1024 * 1024
"""Credential holders may send bigger messages than phones: a template to open with, an outcome to import."""

logger = logging.getLogger("retro.server")


@dataclass(frozen=True)
class Admission:
    """Who gets in: the budget for connections still waiting for their hello, and the cap on phones."""

    waiting: WaitingRoom
    max_phones: int
    hello_timeout: float


@dataclass(frozen=True)
class Doors:
    """What every connection consults: the retros hosted, who gets in, whose credential is whose."""

    rooms: Rooms
    admission: Admission
    authenticate: Callable[[str], Principal | None]
    answering: Answering
    pulses: PulseRooms
    pulse_answering: PulseAnswering
    credentialed: "set[Connection]"
    """Connections that said hello with a token: a team's close the moment its tokens are revoked."""


class Stage(Enum):
    """A connection's life: one hello decides who it is; a refused hello, or none in time, closes it."""

    WAITING_FOR_HELLO = auto()
    PARTICIPANT = auto()
    FACILITATOR = auto()
    RESPONDENT = auto()
    """A phone on a pulse: it answers, and sees results only once the pulse has closed."""
    CREDENTIAL = auto()
    """Said hello with a team's or the operator's credential, and facilitates no retro (yet)."""
    CLOSING = auto()


def error_json(code: str, message: str, message_id: str | None = None) -> str:
    return Error(id=message_id, code=code, message=message).model_dump_json()


def _log_unexpected(what: str, unexpected: Exception) -> None:
    """One line, with no payload and no traceback: a message's text must never reach a log."""
    logger.warning("Answered a %s with 'internal' after an unexpected %s.", what, type(unexpected).__name__)


class Connection:
    def __init__(self, websocket: ServerConnection, doors: Doors) -> None:
        self.websocket = websocket
        self.doors = doors
        self.admission = doors.admission
        self.stage = Stage.WAITING_FOR_HELLO
        self.room: Room | None = None
        """The retro this connection takes part in or facilitates."""
        self.principal: Principal | None = None
        """Whose credential this connection said hello with, if any."""
        self.ballot: str | None = None
        """A participant's pseudonym; None for the facilitator and for a phone that joined after the end."""
        self.bucket = TokenBucket()
        self.pulse: PulseRoom | None = None
        self.secret: str | None = None
        """A respondent's own secret: its pseudonym is made from it under the pulse's key, as in a retro."""
        self.watching: list[PulseRoom] = []
        """Pulses this facilitator opened: it gets their counts."""

    @property
    def hub(self) -> Hub:
        assert self.room is not None, "only a connection in a retro has a hub"
        return self.room.hub

    @property
    def actor(self) -> Actor | None:
        """Who this connection's commands come from; None when nobody may act through it."""
        if self.room is None:
            return None
        if self.stage is Stage.FACILITATOR:
            return Facilitator()
        if self.stage is Stage.PARTICIPANT and self.ballot is not None and not self.hub.session.closed:
            return Participant(self.ballot)
        return None

    @property
    def _door(self) -> str:
        """The token in the address this connection came in by: a join token, or `host`."""
        request = self.websocket.request
        return request.path.split("?", 1)[0].removeprefix("/ws/") if request is not None else ""

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
            self.doors.credentialed.discard(self)
            if self.pulse is not None:
                self.pulse.phones.discard(self.websocket)
            for watched in self.watching:
                watched.watchers.discard(self.websocket)
            if self.room is not None:
                self.room.hub.remove(self.websocket)
                self.doors.rooms.let_go_if_done(self.room)

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
            # It has spoken: while its hello is answered (a phone's waits for its place on disk), it holds
            # no place that a silent connection could be let go for; until it is welcomed, or refused.
            self.admission.waiting.leave(self.websocket)
            await self._answer(raw)
            if self.stage is Stage.WAITING_FOR_HELLO:
                self.admission.waiting.enter(self.websocket)  # a hello the server failed on: silent again

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
        text = screen(raw, MAX_MESSAGE_BYTES if self.principal is None else CREDENTIAL_MESSAGE_BYTES)
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
        elif isinstance(message, Request):
            await self._request(message)
        elif isinstance(message, PulseAnswerMessage):
            await self._answer_pulse(message)
        elif isinstance(message, Resync):
            await self._resync(message)
        else:
            await self._execute(message)

    async def _hello(self, hello: Hello) -> None:
        if hello.protocol != PROTOCOL_VERSION:
            sentence = f"This server speaks protocol {PROTOCOL_VERSION}; reload the page."
            await self._refuse(RefusalCode.PROTOCOL, sentence, hello.id)
        elif hello.token is not None:
            await self._authenticate(hello.token, hello.id)
        elif self._door == FACILITATOR_DOOR:
            sentence = "Say hello here with a token; phones join through their retro's link."
            await self._refuse(RefusalCode.INVALID, sentence, hello.id)
        elif hello.key is not None:
            await self._join_as_facilitator(hello.key, hello.id)
        elif hello.secret is None:
            await self._refuse(RefusalCode.INVALID, "A phone's hello needs its secret.", hello.id)
        else:
            await self._join_as_participant(hello.secret, hello.wrote, hello.id, hello.patches)

    async def _authenticate(self, token: str, message_id: str) -> None:
        principal = self.doors.authenticate(token)
        if principal is None:
            await self._refuse(RefusalCode.FORBIDDEN, "That token is wrong or has been revoked.", message_id)
            return
        self.stage, self.principal = Stage.CREDENTIAL, principal
        self.doors.credentialed.add(self)
        self.websocket.protocol.max_message_size = CREDENTIAL_MESSAGE_BYTES
        role = "operator" if isinstance(principal, OperatorCredential) else "team"
        await self.websocket.send(Welcome(role=role).model_dump_json())

    async def _join_as_facilitator(self, key: str, message_id: str) -> None:
        room = self.doors.rooms.by_token(self._door)
        if room is None or not room.session.admits_facilitator(key):
            await self._refuse(RefusalCode.FORBIDDEN, "That facilitator key is wrong.", message_id)
            return
        self.stage, self.room = Stage.FACILITATOR, room
        await self.websocket.send(Welcome(role="facilitator", join_path=self.hub.join_path).model_dump_json())
        self.hub.add_facilitator(self.websocket)
        await self.websocket.send(self.hub.facilitator_json())

    async def _join_as_participant(self, secret: str, wrote: bool, message_id: str, patches: bool) -> None:
        room = self.doors.rooms.by_token(self._door)
        pulse = self.doors.pulses.by_token(self._door) if room is None else None
        if pulse is not None:
            await self._join_pulse(pulse, secret)
            return
        if room is None:
            sentence = "This join link has been replaced. Scan the new QR code to join."
            await self._refuse(RefusalCode.EXPIRED_LINK, sentence, message_id)
            return
        self.room = room
        ballot = self.hub.session.pseudonym_for(secret)
        max_phones = self.admission.max_phones
        refusal = await admit_phone(self.hub, ballot, lambda: self._door_refusal(ballot), max_phones)
        if refusal is not None:
            self.room = None
            await self._refuse(*refusal, message_id)
            return
        self.stage, self.ballot = Stage.PARTICIPANT, ballot
        await self.websocket.send(Welcome(role="participant", join_path=self.hub.join_path).model_dump_json())
        self.hub.add_participant(self.websocket, ballot, wrote=wrote, patches=patches)
        await self.websocket.send(self.hub.board_json(self.websocket))
        if ballot is not None:
            await self.websocket.send(self.hub.private_json(ballot))

    def _door_refusal(self, ballot: str | None) -> tuple[RefusalCode, str] | None:
        """Phones already in always get back in, through whichever process they joined; new ones not by an
        old link, a locked door or a full room."""
        if ballot is not None and self.hub.is_known(ballot):
            return None
        refusal = self._new_phone_refusal()
        if refusal is not None and refusal is not FULL:
            self.hub.session.catch_up()  # the link or the lock may have changed through another process
            refusal = self._new_phone_refusal()
        if refusal is not None and ballot is not None and ballot in self.hub.session.known_phones():
            return None  # joined through another process: known to the store, so known here too
        return refusal

    def _new_phone_refusal(self) -> tuple[RefusalCode, str] | None:
        if self._door != self.hub.session.join_token:
            return RefusalCode.EXPIRED_LINK, "This join link has been replaced. Scan the new QR code to join."
        if self.hub.session.joining_locked:
            return RefusalCode.JOINING_LOCKED, "The facilitator has locked joining for now."
        if self.hub.phones_in >= self.admission.max_phones:
            return FULL
        return None

    async def _request(self, request: Request) -> None:
        if self.principal is None:
            sentence = "Only a facilitator or the operator, by token, may ask that."
            await self._refuse(RefusalCode.FORBIDDEN, sentence, request.id)
            return
        if isinstance(request.ask, PULSE_ASKS):
            await self._pulse_request(request)
            return
        answered = self.doors.answering.answer(self.principal, request.ask, self.room, request.id)
        if isinstance(answered, Refused):
            await self._refuse(answered.code, answered.message, request.id)
        elif isinstance(answered, Bound):
            await self._facilitate(answered, request.id)
        else:
            await self.websocket.send(Answer(id=request.id, result=answered).model_dump_json())
            if isinstance(answered, TeamRevoked):
                await self._close_team(answered.name)

    async def _pulse_request(self, request: Request) -> None:
        assert self.principal is not None and isinstance(request.ask, PULSE_ASKS)
        answered = self.doors.pulse_answering.answer(self.principal, request.ask, request.id)
        if isinstance(answered, Refused):
            await self._refuse(answered.code, answered.message, request.id)
        elif isinstance(answered, Watching):
            await self.websocket.send(Answer(id=request.id, result=answered.result).model_dump_json())
            if answered.room not in self.watching:
                self.watching.append(answered.room)
                answered.room.watchers.add(self.websocket)
            await self.websocket.send(self.doors.pulses.count_json(answered.room))
        else:
            await self.websocket.send(Answer(id=request.id, result=answered).model_dump_json())

    async def _close_team(self, team: str) -> None:
        """A revoked team's tokens stop working at once: its connections close, and a new hello is refused."""
        for connection in list(self.doors.credentialed):
            if connection.principal == TeamCredential(team):
                await connection._close(POLICY_VIOLATION, "revoked")

    async def _facilitate(self, bound: Bound, message_id: str) -> None:
        """From now on this connection facilitates the bound retro: its views, and its commands."""
        if self.room is not None:
            self.room.hub.remove(self.websocket)
        self.stage, self.room = Stage.FACILITATOR, bound.room
        await self.websocket.send(Answer(id=message_id, result=bound.result).model_dump_json())
        self.hub.add_facilitator(self.websocket)
        await self.websocket.send(self.hub.facilitator_json())

    async def _join_pulse(self, pulse: PulseRoom, secret: str) -> None:
        self.stage, self.pulse, self.secret = Stage.RESPONDENT, pulse, secret
        await self.websocket.send(Welcome(role="respondent", join_path=f"/j/{self._door}").model_dump_json())
        pulse.phones.add(self.websocket)
        await self.websocket.send(self.doors.pulses.view_json(pulse))
        record = self.doors.pulses.record(pulse)
        mine = my_answers(self.doors.pulses.store.pulses, record, secret)
        await self.websocket.send(PulseMineMessage(answers=tuple(mine)).model_dump_json())

    async def _resync(self, message: Resync) -> None:
        """A phone that missed a version gets the whole board at the current one, then the ack."""
        if self.stage is not Stage.PARTICIPANT:
            await self._refuse(RefusalCode.INVALID, "Only a phone in a retro asks for its board.", message.id)
            return
        await self.websocket.send(self.hub.board_json(self.websocket))
        await self.websocket.send(Ack(id=message.id).model_dump_json())

    async def _answer_pulse(self, message: PulseAnswerMessage) -> None:
        if self.pulse is None or self.secret is None:
            await self._refuse(RefusalCode.INVALID, "Pulse answers go to a pulse's own link.", message.id)
            return
        record = self.doors.pulses.record(self.pulse)
        pulses = self.doors.pulses.store.pulses
        full = pulses.answer_count(record.pulse_id) >= self.admission.max_phones
        if full and not record.closed and not my_answers(pulses, record, self.secret):
            sentence = "This pulse has all the answers it can take; thank you all the same."
            await self._refuse(RefusalCode.LIMIT, sentence, message.id)
            return
        try:
            answer(pulses, record, self.secret, message.answers)
        except PulseRefused as refused:
            await self._refuse(refused.code, refused.message, message.id)
            return
        await self.websocket.send(Ack(id=message.id).model_dump_json())
        self.doors.pulses.recount(self.pulse)

    async def _execute(self, message: CommandMessage) -> None:
        if self.stage is Stage.RESPONDENT:
            await self._refuse(RefusalCode.INVALID, "A pulse takes answers, not retro commands.", message.id)
            return
        if self.stage is Stage.CREDENTIAL:
            await self._refuse(RefusalCode.INVALID, "Open or resume a retro first.", message.id)
            return
        actor = self.actor
        if actor is None:
            sentence = "The retro has closed; nothing more can be added."
            await self._refuse(RefusalCode.CLOSED, sentence, message.id)
            return
        try:
            outcome = await execute(self.hub.session, actor, message.command, message.id)
        except RuleViolation as violation:
            await self._refuse(violation.code, violation.message, message.id)
            return
        except RetroClosed:
            await self._refuse(
                RefusalCode.CLOSED, "The retro has closed; nothing more can be added.", message.id
            )
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
