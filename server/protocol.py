"""The wire protocol between phones (or a remote facilitator) and the server.

JSON messages discriminated on `type`. Documented in docs/protocol.md; `retro schema` prints the schema.
"""

import json
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from retro.commands import Command
from retro.errors import ErrorCode
from retro.pulse.models import MAX_COMMENT_CHARS, PulseAction, PulseAnswer
from retro.pulse.questions import FreeTextQuestion, PulseQuestion
from retro.pulse.results import PulseResults
from retro.screening import HeldNotice
from retro.views import BoardView, FacilitatorView, PrivateView
from server.asks import Ask, Result

PROTOCOL_VERSION = 1
MAX_MESSAGE_BYTES = 4096
FACILITATOR_DOOR = "host"
"""`/ws/host`: where credential holders connect; phones connect at `/ws/<join token>`."""

MessageId = Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class _Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Hello(_Message):
    """First message on every connection: a phone sends its secret, a facilitator its key."""

    type: Literal["hello"] = "hello"
    id: MessageId
    protocol: int
    secret: str | None = Field(default=None, min_length=22, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")
    """The phone's random per-retro secret. The server keeps only an HMAC of it, in memory."""
    key: str | None = Field(default=None, max_length=128)
    """The facilitator key of one retro, for driving that retro alone (`retro serve --title`). Never in the
    QR code."""
    token: str | None = Field(default=None, max_length=128)
    """A credential: a team's facilitator token, the operator token, or the in-process secret of `retro host`.
    Its connection then makes `request`s: open or resume a retro, history, exports, teams."""
    wrote: bool = False
    """The phone has written an item in this retro, so it counts in "N of M phones have written"."""
    patches: bool = False
    """The phone applies board patches: it gets a versioned `board`, then a `patch` for each change."""


class CommandMessage(_Message):
    type: Literal["command"] = "command"
    id: MessageId
    command: Command


class Request(_Message):
    """A credential holder's request (server.asks), answered by an `answer` with its id or an `error`."""

    type: Literal["request"] = "request"
    id: MessageId
    ask: Ask


class PulseAnswerMessage(_Message):
    """A phone's answers to a pulse, replacing any it gave before."""

    type: Literal["pulse_answer"] = "pulse_answer"
    id: MessageId
    answers: tuple[PulseAnswer, ...] = Field(min_length=1, max_length=20)


class Resync(_Message):
    """A phone that missed a version asks for the whole board again; answered by a `board`, then an `ack`."""

    type: Literal["resync"] = "resync"
    id: MessageId


ClientMessage = Annotated[
    Hello | CommandMessage | Request | PulseAnswerMessage | Resync, Field(discriminator="type")
]
CLIENT_ADAPTER: TypeAdapter[ClientMessage] = TypeAdapter(ClientMessage)


class Welcome(_Message):
    type: Literal["welcome"] = "welcome"
    protocol: int = PROTOCOL_VERSION
    role: Literal["participant", "facilitator", "team", "operator", "respondent"]
    join_path: str | None = None
    """The page's current address: after the facilitator rotates the link, phones already in move to it."""


class BoardMessage(_Message):
    type: Literal["board"] = "board"
    board: BoardView
    server_time: datetime
    """So that phones can run the discussion timer against the server's clock, not their own."""
    join_path: str
    """The page's current address, so that phones already in follow a rotated link."""
    notice_nonce: str
    held_notices: tuple[HeldNotice, ...]
    """Sealed notices of held items among decoys; only an item's author can open its own (retro.screening)."""
    version: int | None = None
    """The board's version, for a phone that said hello with `patches`; absent for any other client."""


class PatchMessage(_Message):
    """Takes a phone's board from `version - 1` to `version`: an RFC 7386 merge patch of its document
    (server.board_document). A phone whose board is not at `version - 1` sends `resync`."""

    type: Literal["patch"] = "patch"
    version: int
    server_time: datetime
    patch: dict[str, Any]


class PrivateMessage(_Message):
    type: Literal["private"] = "private"
    private: PrivateView


class FacilitatorMessage(_Message):
    type: Literal["facilitator"] = "facilitator"
    view: FacilitatorView
    server_time: datetime
    join_path: str
    """The join link's path; with the `public_url` the facilitator was given, the link the lobby shows."""
    phones: int
    phones_written: int
    phones_voted: int


class PulseView(_Message):
    """What a phone on a pulse sees: the questions; once closed, the results behind the threshold. Never a
    count or an aggregate before the close."""

    title: str
    team: str
    questions: tuple[PulseQuestion, ...]
    free_text: FreeTextQuestion | None
    closes_at: datetime | None
    closed: bool
    min_responses: int
    max_comment_chars: int = MAX_COMMENT_CHARS
    results: PulseResults | None
    actions: tuple[PulseAction, ...]
    """The team's "you said, we did"."""


class PulseMessage(_Message):
    type: Literal["pulse"] = "pulse"
    pulse: PulseView


class PulseMineMessage(_Message):
    """This phone's own answers, so that it can change them until the close."""

    type: Literal["pulse_mine"] = "pulse_mine"
    answers: tuple[PulseAnswer, ...]


class PulseCountMessage(_Message):
    """To the facilitators watching a pulse: how many phones have answered. Never what they answered."""

    type: Literal["pulse_count"] = "pulse_count"
    pulse_id: str
    answered: int
    closed: bool


class Ack(_Message):
    type: Literal["ack"] = "ack"
    id: str
    duplicate: bool = False
    item_id: str | None = None
    """Set when the command created an item, so the phone can later withdraw it."""


class Answer(_Message):
    type: Literal["answer"] = "answer"
    id: str
    result: Result


class RefusalCode(StrEnum):
    """Why the connection itself refused a message, apart from the domain's rules (retro.errors.ErrorCode)."""

    MALFORMED = "malformed"
    UNKNOWN_TYPE = "unknown_type"
    INVALID = "invalid"
    TOO_LARGE = "too_large"
    RATE_LIMITED = "rate_limited"
    HELLO_FIRST = "hello_first"
    ALREADY_JOINED = "already_joined"
    PROTOCOL = "protocol"
    FORBIDDEN = "forbidden"
    CLOSED = "closed"
    JOINING_LOCKED = "joining_locked"
    EXPIRED_LINK = "expired_link"
    FULL = "full"
    NOT_FOUND = "not_found"
    LIMIT = "limit"
    INTERNAL = "internal"


ERROR_CODES: frozenset[str] = frozenset(code.value for code in (*RefusalCode, *ErrorCode))
"""Every `code` an `error` message can carry; docs/protocol.md explains each."""


class Error(_Message):
    type: Literal["error"] = "error"
    id: str | None
    code: str
    message: str


ServerMessage = Annotated[
    Welcome
    | BoardMessage
    | PatchMessage
    | PrivateMessage
    | FacilitatorMessage
    | PulseMessage
    | PulseMineMessage
    | PulseCountMessage
    | Ack
    | Answer
    | Error,
    Field(discriminator="type"),
]
SERVER_ADAPTER: TypeAdapter[ServerMessage] = TypeAdapter(ServerMessage)


def json_schema() -> dict[str, Any]:
    return {
        "title": "retro websocket protocol",
        "version": PROTOCOL_VERSION,
        "client": CLIENT_ADAPTER.json_schema(),
        "server": SERVER_ADAPTER.json_schema(),
    }


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2)
