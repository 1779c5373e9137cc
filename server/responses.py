"""The plain HTTP responses the server writes: a page or asset, a friendly 404, and short refusals."""

import base64
import hashlib
from http import HTTPStatus

from websockets.datastructures import Headers
from websockets.http11 import Response

PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
OTHER_SECURITY_HEADERS = [
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
    ("Cache-Control", "no-store"),
]
TEXT = "text/plain; charset=utf-8"
HTML = "text/html; charset=utf-8"

_NOT_FOUND_STYLE = (
    ":root{color-scheme:light dark;--ink:#1d2321;--muted:#55605c;--paper:#f4f5f1;--card:#fff}"
    "@media (prefers-color-scheme:dark){:root{--ink:#e8ece9;--muted:#a9b3ae;--paper:#111514;--card:#1b201e}}"
    "body{margin:0;min-height:100vh;display:grid;place-items:center;background:var(--paper);color:var(--ink);"
    "font:1.0625rem/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}"
    "main{max-width:26rem;margin:1.5rem;padding:1.75rem 1.5rem;border-radius:1rem;background:var(--card);"
    "text-align:center;box-shadow:0 1px 3px rgba(0,0,0,.12)}"
    "h1{font-size:1.375rem;line-height:1.25;margin:0 0 .75rem}p{margin:0;color:var(--muted)}"
)
_NOT_FOUND_PAGE = (
    '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    '<meta name="referrer" content="no-referrer">\n<meta name="robots" content="noindex, nofollow">\n'
    f"<title>No retro here</title>\n<style>{_NOT_FOUND_STYLE}</style>\n</head>\n<body>\n<main>\n"
    "<h1>There is no retro at this address</h1>\n"
    "<p>The link may be mistyped, or it belonged to a retro that is over. To join, scan the QR code on "
    "the facilitator's screen, or type the address shown beside it.</p>\n</main>\n</body>\n</html>\n"
).encode()
_STYLE_HASH = base64.b64encode(hashlib.sha256(_NOT_FOUND_STYLE.encode()).digest()).decode()
NOT_FOUND_CSP = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; base-uri 'none'; form-action 'none';"
    " frame-ancestors 'none'"
)


def respond(status: HTTPStatus, body: bytes, content_type: str, csp: str = PAGE_CSP) -> Response:
    headers = Headers(
        [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("Connection", "close"),
            ("Content-Security-Policy", csp),
            *OTHER_SECURITY_HEADERS,
        ]
    )
    return Response(status.value, status.phrase, headers, body)


def not_found() -> Response:
    """The same small page for every unknown address: nothing from the request is echoed."""
    return respond(HTTPStatus.NOT_FOUND, _NOT_FOUND_PAGE, HTML, NOT_FOUND_CSP)


def refusal(status: HTTPStatus, sentence: str) -> Response:
    return respond(status, f"{sentence}\n".encode(), TEXT)
