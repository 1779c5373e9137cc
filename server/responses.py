"""The plain HTTP responses the server writes: a page or asset, a friendly 404 in the phone's language, and
short refusals."""

import base64
import hashlib
import html
from functools import cache
from http import HTTPStatus

from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from server.catalogues import catalogues, negotiate

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


@cache
def _not_found_page(code: str) -> bytes:
    """The 404 page in one catalogue's language, its words escaped: made once per language."""
    catalogue = catalogues()[code]

    def words(key: str) -> str:
        return html.escape(catalogue.text(key))

    return (
        f'<!doctype html>\n<html lang="{code}" dir="{catalogue.direction}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n<meta name="robots" content="noindex, nofollow">\n'
        f"<title>{words('notfound.title')}</title>\n<style>{_NOT_FOUND_STYLE}</style>\n</head>\n<body>\n"
        f"<main>\n<h1>{words('notfound.heading')}</h1>\n<p>{words('notfound.text')}</p>\n</main>\n"
        "</body>\n</html>\n"
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


def languages_of(request: Request) -> str:
    """Every `Accept-Language` the request carries, as one list."""
    return ", ".join(request.headers.get_all("Accept-Language"))


def not_found(accept_language: str | None = None) -> Response:
    """The same small page for every unknown address, in the language the request prefers of those the phone
    page has (English otherwise): nothing from the request is echoed."""
    code = negotiate(accept_language)
    response = respond(HTTPStatus.NOT_FOUND, _not_found_page(code), HTML, NOT_FOUND_CSP)
    response.headers["Content-Language"] = code
    response.headers["Vary"] = "Accept-Language"
    return response


def refusal(status: HTTPStatus, sentence: str) -> Response:
    return respond(status, f"{sentence}\n".encode(), TEXT)
