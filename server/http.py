"""Plain HTTP on the websocket port: the phone page, its assets, /healthz, and the gate for upgrades."""

from collections.abc import Callable
from http import HTTPStatus
from importlib.resources import files

from websockets.asyncio.server import ServerConnection
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

PAGE_SECURITY_HEADERS = [
    (
        "Content-Security-Policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    ),
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
    ("Cache-Control", "no-store"),
]

BLAME_RULES = "blame_rules.json"
"""The blame-nudge rules, shared with the Python side (retro.nudge): the phone runs them as you type."""

ASSETS = {
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}


def _static(name: str) -> bytes:
    return files("server").joinpath("static", name).read_bytes()


def _response(status: HTTPStatus, body: bytes, content_type: str) -> Response:
    headers = Headers(
        [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("Connection", "close"),
            *PAGE_SECURITY_HEADERS,
        ]
    )
    return Response(status.value, status.phrase, headers, body)


def not_found() -> Response:
    return _response(HTTPStatus.NOT_FOUND, b"Not found.\n", "text/plain; charset=utf-8")


class Router:
    """Decides, per request, between a page, an asset, a refusal, or letting the websocket through."""

    def __init__(
        self,
        join_token: Callable[[], str],
        retired_tokens: Callable[[], set[str]],
        allowed_origins: Callable[[Request], set[str]],
        has_room: Callable[[], bool],
    ) -> None:
        self._join_token = join_token
        self._retired_tokens = retired_tokens
        self._allowed_origins = allowed_origins
        self._has_room = has_room
        self._page = _static("index.html")
        self._assets = {name: (_static(name), kind) for name, kind in ASSETS.items()}
        self._assets[BLAME_RULES] = (files("retro").joinpath(BLAME_RULES).read_bytes(), "application/json")

    def __call__(self, connection: ServerConnection, request: Request) -> Response | None:
        path = request.path.split("?", 1)[0]
        if path == "/healthz":
            return _response(HTTPStatus.OK, b"ok\n", "text/plain; charset=utf-8")
        token = self._join_token()
        if path == f"/ws/{token}" or path.removeprefix("/ws/") in self._retired_tokens():
            return self._gate_websocket(request)
        if path == f"/j/{token}":
            page = self._page.replace(b"{{token}}", token.encode())
            return _response(HTTPStatus.OK, page, "text/html; charset=utf-8")
        prefix = f"/j/{token}/"
        if path.startswith(prefix) and path[len(prefix) :] in self._assets:
            body, kind = self._assets[path[len(prefix) :]]
            return _response(HTTPStatus.OK, body, kind)
        return not_found()

    def _gate_websocket(self, request: Request) -> Response | None:
        if "upgrade" not in request.headers.get("Connection", "").lower():
            return not_found()
        origin = request.headers.get("Origin")
        if origin is not None and origin not in self._allowed_origins(request):
            return _response(HTTPStatus.FORBIDDEN, b"Origin not allowed.\n", "text/plain; charset=utf-8")
        if not self._has_room():
            return _response(
                HTTPStatus.SERVICE_UNAVAILABLE, b"This retro is full.\n", "text/plain; charset=utf-8"
            )
        return None
