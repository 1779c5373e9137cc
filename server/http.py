"""Plain HTTP on the websocket port: the phone page, its assets, /healthz, /readyz, the upgrade gate.

The page and its assets are made once at start-up (server/assets.py) and sent by server/delivery.py.

Nothing a request carries may raise here: websockets would answer 500 and log a traceback. Headers that
must appear once are checked before anything reads them; an unexpected failure is one log line and a 500.
"""

import logging
from collections.abc import Callable
from functools import cached_property
from http import HTTPStatus

from websockets.asyncio.server import ServerConnection
from websockets.http11 import Request, Response

from server.assets import ASSETS_PREFIX, PhonePage, build_phone_page
from server.delivery import deliver
from server.protocol import FACILITATOR_DOOR
from server.responses import PAGE_CSP, TEXT, languages_of, not_found, refusal, respond
from server.service_log import log_event

MAX_TOKEN_CHARS = 64
"""Join tokens are 22 characters; longer ones are not looked up at all."""

SINGLE_HEADERS = ("Host", "Origin", "Connection", "Upgrade", "Sec-WebSocket-Key", "Sec-WebSocket-Version")
"""Headers a request may carry at most once. A list in one Connection header is fine; a second one is not."""

PAGE_HEADERS = (("Content-Security-Policy", PAGE_CSP), ("Referrer-Policy", "no-referrer"))
"""What the page carries besides what every stored file does (server/delivery.py)."""

logger = logging.getLogger("retro.server")


def asks_to_upgrade(request: Request) -> bool:
    tokens = request.headers.get("Connection", "").split(",")
    return any(token.strip().lower() == "upgrade" for token in tokens)


class Router:
    """Decides, per request, between a page, an asset, a refusal, or letting the websocket through.

    The phone page answers for the current join token and for replaced ones, so that a new phone with an
    old link sees the page's own "there is a new link" view (its websocket gets `expired_link`). Its
    modules and stylesheet are the same for every retro, so they live at `/assets/<version>/` with no
    token: a phone caches them once for every retro it joins. Any other address gets the same small 404.
    """

    def __init__(
        self,
        opens: Callable[[str], str | None],
        origin_allowed: Callable[[str], bool],
        ready: Callable[[], bool],
    ) -> None:
        self._opens = opens
        """What a join token opens: its retro's phase, PULSE, or "" for a replaced token; None for no
        hosted retro's or pulse's token at all."""
        self._origin_allowed = origin_allowed
        self._ready = ready
        """Whether the store answers a cheap real query now: /readyz says 200 or 503."""

    @cached_property
    def _phone(self) -> PhonePage:
        """Made on the first request for the page, not at start: `retro host` puts its QR code on screen
        before spending the 30 ms this takes."""
        return build_phone_page()

    def __call__(self, connection: ServerConnection, request: Request) -> Response | None:
        try:
            return self._route(request)
        except Exception as unexpected:
            logger.warning("Answered a request with 500 after an unexpected %s.", type(unexpected).__name__)
            return refusal(HTTPStatus.INTERNAL_SERVER_ERROR, "Something went wrong on the server.")

    def _route(self, request: Request) -> Response | None:
        if any(len(request.headers.get_all(name)) > 1 for name in SINGLE_HEADERS):
            log_event("refused", status=HTTPStatus.BAD_REQUEST.value)
            return refusal(HTTPStatus.BAD_REQUEST, "Bad request: a header that may appear once is repeated.")
        path = request.path.split("?", 1)[0]
        if path == "/healthz":
            return respond(HTTPStatus.OK, b"ok\n", TEXT)
        if path == "/readyz":
            return self._readiness()
        door = path.removeprefix("/ws/")
        if path.startswith("/ws/") and (door == FACILITATOR_DOOR or self._is_join_token(door)):
            return self._gate_websocket(request)
        if path.startswith(ASSETS_PREFIX):
            return self._asset(request, path.removeprefix(ASSETS_PREFIX))
        token, slash, rest = path.removeprefix("/j/").partition("/")
        opens = self._opening(token) if path.startswith("/j/") else None
        if opens is None:
            return not_found(languages_of(request))
        if not slash:
            return deliver(self._phone.page(opens), request, PAGE_HEADERS)
        return not_found(languages_of(request))

    def _asset(self, request: Request, versioned: str) -> Response:
        """A module or the stylesheet, by this start's version only: an older or newer version's name is
        not found, so no cache ever keeps one version's bytes under another's name."""
        version, _, name = versioned.partition("/")
        item = self._phone.find(name)
        if version != self._phone.version or item is None:
            return not_found(languages_of(request))
        return deliver(item, request)

    def _readiness(self) -> Response:
        if self._ready():
            return respond(HTTPStatus.OK, b"ready\n", TEXT)
        log_event("not_ready", status=HTTPStatus.SERVICE_UNAVAILABLE.value)
        return refusal(HTTPStatus.SERVICE_UNAVAILABLE, "not ready: the store does not answer")

    def _opening(self, token: str) -> str | None:
        return self._opens(token) if 0 < len(token) <= MAX_TOKEN_CHARS else None

    def _is_join_token(self, token: str) -> bool:
        return self._opening(token) is not None

    def _gate_websocket(self, request: Request) -> Response | None:
        if not asks_to_upgrade(request):
            return not_found(languages_of(request))
        origin = request.headers.get("Origin")
        if origin is not None and not self._origin_allowed(origin):
            log_event("refused", status=HTTPStatus.FORBIDDEN.value)
            return refusal(HTTPStatus.FORBIDDEN, "Origin not allowed.")
        return None
