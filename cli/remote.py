"""A credential holder's client of a `retro serve`: a hello with a token at `/ws/host`, then requests.

`with RemoteServer(address, token) as server: server.ask(HistoryAsk(), History)`. Whatever goes wrong, an
address that is no server's, a server out of reach or silent, a refused token or a refused request, ends as
one `CommandFailed` sentence, never a traceback.
"""

import secrets
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Annotated, Self, TypeVar

from pydantic import AnyUrl, BaseModel, StringConstraints, TypeAdapter, UrlConstraints, ValidationError
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException
from websockets.sync.client import ClientConnection, connect

from cli.command import CommandFailed
from retro.text import clean_line
from server.asks import Ask
from server.protocol import (
    FACILITATOR_DOOR,
    PROTOCOL_VERSION,
    SERVER_ADAPTER,
    Answer,
    Error,
    Hello,
    Request,
    Welcome,
)

OPEN_TIMEOUT = 10.0
"""Seconds to connect and say hello before giving up on a server."""
ANSWER_TIMEOUT = 30.0
"""Seconds to wait for the answer to one request."""

_SERVER_URL: TypeAdapter[AnyUrl] = TypeAdapter(
    Annotated[AnyUrl, UrlConstraints(allowed_schemes=["http", "https", "ws", "wss"], host_required=True)]
)
_WEB_SCHEMES = {"http": "http", "https": "https", "ws": "http", "wss": "https"}

Answered = TypeVar("Answered", bound=BaseModel)

Token = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")]
"""A team's or the operator's token as `retro serve` and `retro team add` print them: `rtm_…`, `rop_…`."""
_TOKEN: TypeAdapter[str] = TypeAdapter(Token)


@dataclass(frozen=True)
class ServerAddress:
    web: str
    """The server's address as `retro serve` prints it (`Server URL:`); the key a login is kept under."""
    door: str
    """The websocket address where credential holders say hello: `ws(s)://…/ws/host`."""


def server_address(text: str, given_by: str) -> ServerAddress:
    """The server at `text`, an http(s) or ws(s) URL; `given_by` names the option or variable it came from."""
    try:
        url = _SERVER_URL.validate_python(text.strip())
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"].removeprefix("Input should be a valid URL, ")
        raise CommandFailed(
            f"{given_by}: {text!r} is not a server's address ({reason}); "
            "give its URL as `retro serve` prints it, like http://retro.example.org:8765.",
            code=2,
        ) from None
    if url.query is not None or url.fragment is not None:
        raise CommandFailed(f"{given_by}: give the server's URL without a ?query or #fragment.", code=2)
    web_scheme = _WEB_SCHEMES[url.scheme]
    rest = str(url).split("://", 1)[1].rstrip("/").removesuffix(f"/ws/{FACILITATOR_DOOR}")
    door_scheme = "wss" if web_scheme == "https" else "ws"
    return ServerAddress(web=f"{web_scheme}://{rest}", door=f"{door_scheme}://{rest}/ws/{FACILITATOR_DOOR}")


def checked_token(text: str, given_by: str) -> str:
    """The token in `text`, without the spaces or line break a paste brings; `given_by` names its source."""
    try:
        return _TOKEN.validate_python(text.strip())
    except ValidationError:
        raise CommandFailed(f"{given_by}: that is not a retro token; they look like rtm_… or rop_…") from None


def _new_id() -> str:
    return secrets.token_urlsafe(12)


class RemoteServer:
    """One connection to a `retro serve`, said hello to with a team's or the operator's token."""

    def __init__(self, address: ServerAddress, token: str) -> None:
        """`token` as `checked_token` returns it."""
        self.address = address
        self._hello = Hello(id=_new_id(), protocol=PROTOCOL_VERSION, token=token)
        self.role = ""
        """Who the server took the token for once it welcomed it: `team` or `operator`."""
        self._websocket: ClientConnection | None = None

    def __enter__(self) -> Self:
        with self._failing_clearly():
            self._websocket = connect(self.address.door, max_size=None, open_timeout=OPEN_TIMEOUT)
            try:
                welcome = self._reply(self._hello)
                if not isinstance(welcome, Welcome):
                    raise CommandFailed(f"{self.address.web} answered the hello with something else.")
                self.role = welcome.role
            except BaseException:
                self._websocket.close()
                raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._websocket is not None:
            self._websocket.close()

    def ask(self, ask: Ask, answered: type[Answered]) -> Answered:
        """The server's answer to `ask`, which must be an `answered`; a refusal fails with its sentence."""
        with self._failing_clearly():
            reply = self._reply(Request(id=_new_id(), ask=ask))
        if not isinstance(reply, Answer) or not isinstance(reply.result, answered):
            raise CommandFailed(f"{self.address.web} answered the {ask.kind!r} request with something else.")
        return reply.result

    def _reply(self, sent: Hello | Request) -> Welcome | Answer:
        """Send one message and read until its reply; an error for it, or for the whole connection, fails."""
        assert self._websocket is not None, "only inside `with`"
        self._websocket.send(sent.model_dump_json())
        timeout = OPEN_TIMEOUT if isinstance(sent, Hello) else ANSWER_TIMEOUT
        while True:
            message = SERVER_ADAPTER.validate_json(self._websocket.recv(timeout=timeout))
            if isinstance(message, Error) and message.id in {sent.id, None}:
                raise CommandFailed(clean_line(message.message) or f"The server refused ({message.code}).")
            if isinstance(message, Welcome) or (isinstance(message, Answer) and message.id == sent.id):
                return message

    @contextmanager
    def _failing_clearly(self) -> Iterator[None]:
        web = self.address.web
        try:
            yield
        except TimeoutError:
            raise CommandFailed(f"{web} did not answer in time; is the server running there?") from None
        except InvalidStatus as exc:
            status = exc.response.status_code
            raise CommandFailed(
                f"{web} is not a retro server: it answered HTTP {status} at /ws/host."
            ) from None
        except ConnectionClosed as exc:
            why = clean_line(exc.rcvd.reason) if exc.rcvd is not None else ""
            raise CommandFailed(f"{web} closed the connection{f' ({why})' if why else ''}.") from None
        except WebSocketException as exc:
            https = " (if it serves https, say so in its URL)" if web.startswith("http://") else ""
            raise CommandFailed(f"{web} is not a retro server{https}: {clean_line(str(exc))}.") from None
        except ssl.SSLCertVerificationError as exc:
            raise CommandFailed(
                f"cannot trust {web}: {exc.verify_message}; if its certificate is self-signed, "
                "set SSL_CERT_FILE to that certificate's file."
            ) from None
        except OSError as exc:
            raise CommandFailed(f"cannot reach {web}: {exc.strerror or clean_line(str(exc))}.") from None
        except ValidationError:
            raise CommandFailed(
                f"{web} sent a message this retro cannot read; is it the same version?"
            ) from None
