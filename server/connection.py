"""One websocket connection: the hello, then commands in, acks and errors out."""

import asyncio
import json
import re
import secrets

from pydantic import ValidationError
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from retro.actors import Actor, Facilitator, Participant
from retro.commands import AddItem
from retro.errors import RuleViolation
from retro.events import ItemAdded
from server.hub import Hub
from server.protocol import (
    CLIENT_ADAPTER,
    MAX_MESSAGE_BYTES,
    PROTOCOL_VERSION,
    Ack,
    CommandMessage,
    Error,
    Hello,
    Welcome,
)
from server.ratelimit import TokenBucket

HELLO_TIMEOUT_SECONDS = 10
_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,64}")


def error_json(code: str, message: str, message_id: str | None = None) -> str:
    return Error(id=message_id, code=code, message=message).model_dump_json()


def _field_path(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """Drop the union tags pydantic puts in an error's location: ("command", "add_item", "text")."""
    path = loc[1:]
    if path[:1] == ("command",) and len(path) > 2:
        path = (path[0], *path[2:])
    return path


def describe_invalid(exc: ValidationError) -> tuple[str, str]:
    """A code and one human sentence naming what was wrong with a message."""
    first = exc.errors()[0]
    kind = first["type"]
    where = ".".join(str(part) for part in _field_path(first["loc"]))
    if kind == "json_invalid" and ("surrogate" in first["msg"] or "hex escape" in first["msg"]):
        return "invalid", "The text has a broken character (half an emoji?); please retype it."
    if kind == "json_invalid":
        return "malformed", "That message is not valid JSON."
    if kind in {"union_tag_invalid", "union_tag_not_found"}:
        field = "command kind" if where.startswith("command") else "message type"
        return "unknown_type", f"Unknown {field}: {first['msg']}."
    return "invalid", f"{where or 'message'}: {first['msg']}."


def claimed_id(raw: str) -> str | None:
    """The id a refused message carried, when one can be read, so the client knows which one failed."""
    try:
        decoded = json.loads(raw)
    except ValueError:
        return None
    candidate = decoded.get("id") if isinstance(decoded, dict) else None
    if isinstance(candidate, str) and _ID_PATTERN.fullmatch(candidate):
        return candidate
    return None


class Connection:
    def __init__(self, websocket: ServerConnection, hub: Hub) -> None:
        self.websocket = websocket
        self.hub = hub
        self.actor: Actor | None = None
        self.bucket = TokenBucket()

    async def serve(self) -> None:
        try:
            self.hub.pending += 1
            try:
                greeted = await self._greet()
            finally:
                self.hub.pending -= 1
            if not greeted:
                return
            async for raw in self.websocket:
                await self._handle(raw)
        except ConnectionClosed:
            pass
        finally:
            self.hub.remove(self.websocket)

    async def _greet(self) -> bool:
        try:
            raw = await asyncio.wait_for(self.websocket.recv(), HELLO_TIMEOUT_SECONDS)
        except TimeoutError:
            await self.websocket.close(1008, "no hello")
            return False
        try:
            hello = CLIENT_ADAPTER.validate_json(raw)
        except ValidationError as exc:
            await self._send_error(*describe_invalid(exc))
            await self.websocket.close(1008, "bad hello")
            return False
        if not isinstance(hello, Hello):
            await self._send_error("hello_first", "Send a hello before anything else.", hello.id)
            await self.websocket.close(1008, "no hello")
            return False
        if hello.protocol != PROTOCOL_VERSION:
            await self._send_error(
                "protocol", f"This server speaks protocol {PROTOCOL_VERSION}; reload the page.", hello.id
            )
            await self.websocket.close(1008, "protocol")
            return False
        return await self._join(hello)

    async def _join(self, hello: Hello) -> bool:
        session = self.hub.session
        if hello.key is not None:
            if not secrets.compare_digest(hello.key.encode(), session.record.facilitator_key.encode()):
                await self._send_error("forbidden", "That facilitator key is wrong.", hello.id)
                await self.websocket.close(1008, "forbidden")
                return False
            self.actor = Facilitator()
            await self.websocket.send(
                Welcome(role="facilitator", join_path=self._join_path).model_dump_json()
            )
            self.hub.add_facilitator(self.websocket)
            await self.websocket.send(self.hub.facilitator_json())
            return True
        if hello.secret is None:
            await self._send_error("invalid", "A phone's hello needs its secret.", hello.id)
            await self.websocket.close(1008, "no secret")
            return False
        ballot = session.pseudonym_for(hello.secret)
        refusal = self._refusal(ballot)
        if refusal is not None:
            await self._send_error(*refusal, hello.id)
            await self.websocket.close(1008, refusal[0])
            return False
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

    def _refusal(self, ballot: str | None) -> tuple[str, str] | None:
        """Phones already in always get back in; new ones not through an old link or a locked door."""
        if ballot is not None and self.hub.is_known(ballot):
            return None
        used = self.websocket.request.path.removeprefix("/ws/") if self.websocket.request else ""
        if used != self.hub.session.record.join_token:
            return "expired_link", "This join link has been replaced. Scan the new QR code to join."
        if self.hub.session.state.joining_locked:
            return "joining_locked", "The facilitator has locked joining for now."
        return None

    async def _handle(self, raw: str | bytes) -> None:
        if isinstance(raw, bytes):
            await self._send_error("malformed", "Send JSON text, not binary frames.")
            return
        message_id = claimed_id(raw)
        if len(raw.encode()) > MAX_MESSAGE_BYTES:
            await self._send_error(
                "too_large", f"Messages are limited to {MAX_MESSAGE_BYTES} bytes.", message_id
            )
            return
        if not self.bucket.take():
            await self._send_error("rate_limited", "Too many messages; slow down a little.", message_id)
            return
        try:
            message = CLIENT_ADAPTER.validate_json(raw)
        except ValidationError as exc:
            await self._send_error(*describe_invalid(exc), message_id)
            return
        if isinstance(message, Hello):
            await self._send_error("already_joined", "This connection has already said hello.", message.id)
            return
        await self._execute(message)

    async def _execute(self, message: CommandMessage) -> None:
        if self.actor is None or (isinstance(self.actor, Participant) and self.hub.closed):
            await self._send_error("closed", "The retro has closed; nothing more can be added.", message.id)
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

    async def _send_error(self, code: str, message: str, message_id: str | None = None) -> None:
        await self.websocket.send(error_json(code, message, message_id))
