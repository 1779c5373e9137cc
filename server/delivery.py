"""Sending a stored file: gzipped when the client accepts it, 304 when the client's copy is current.

Scripts and stylesheets carry only the headers a browser acts on for them. The page adds its security
policy; 304s repeat the validator and the caching rules, as RFC 9110 §15.4.5 asks.
"""

from collections.abc import Sequence
from http import HTTPStatus

from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from server.assets import Stored
from server.negotiation import IDENTITY, choose_encoding, still_fresh


def _caching(item: Stored) -> list[tuple[str, str]]:
    return [
        ("Cache-Control", item.cache_control),
        ("ETag", item.etag),
        ("Vary", "Accept-Encoding"),
        ("Connection", "close"),
    ]


def deliver(item: Stored, request: Request, extra: Sequence[tuple[str, str]] = ()) -> Response:
    """`item` as this request should get it. `extra` are headers the answer carries besides (a page's
    security policy); a 304 carries none of them, since it has no body they could apply to."""
    if still_fresh(request.headers.get_all("If-None-Match"), item.etag):
        status = HTTPStatus.NOT_MODIFIED
        return Response(status.value, status.phrase, Headers(_caching(item)), b"")
    accepted = request.headers.get_all("Accept-Encoding")
    encoding = choose_encoding(",".join(accepted) if accepted else None, item.encodings())
    body = item.body(encoding)
    headers = [("Content-Type", item.content_type), ("Content-Length", str(len(body)))]
    if encoding != IDENTITY:
        headers.append(("Content-Encoding", encoding))
    headers += [*_caching(item), ("X-Content-Type-Options", "nosniff"), *extra]
    status = HTTPStatus.OK
    return Response(status.value, status.phrase, Headers(headers), body)
