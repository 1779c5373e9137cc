"""Property-based fuzzing of the HTTP door over a real server and loopback port: random paths, old and new
links, and random headers, with or without an upgrade. No request gets a 500 or prints a traceback."""

import asyncio

from hypothesis import given
from hypothesis import strategies as st

from retro.actors import Facilitator
from retro.commands import RotateJoinToken
from server.app import RetroServer
from tests.support.doors import LogWatch, exchange
from tests.support.fuzzing import (
    FUZZ,
)
from tests.support.waiting import until

header_names = st.sampled_from(
    ["Host", "Origin", "Connection", "Upgrade", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Cookie"]
) | st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,20}", fullmatch=True)
header_values = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, blacklist_characters="\x7f"), max_size=60
)
path_tails = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=40)


@FUZZ
@given(
    start=st.sampled_from(
        ["/", "/j/", "/ws/", "/j/{token}", "/j/{token}/", "/ws/{token}", "/j/{old}", "/ws/{old}"]
    ),
    tail=path_tails,
    headers=st.lists(st.tuples(header_names, header_values), max_size=8),
    upgrade=st.booleans(),
)
async def test_no_request_gets_a_500_or_a_traceback(
    server: RetroServer,
    logs: LogWatch,
    start: str,
    tail: str,
    headers: list[tuple[str, str]],
    upgrade: bool,
) -> None:
    if not server.retired_tokens:
        server.session.execute(Facilitator(), RotateJoinToken())
        await until(lambda: bool(server.retired_tokens))
    path = start.replace("{token}", server.session.record.join_token)
    path = path.replace("{old}", next(iter(server.retired_tokens))) + tail
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{server.port}"]
    if upgrade:
        lines += ["Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="]
        lines += ["Sec-WebSocket-Version: 13"]
    lines += [f"{name}: {value.strip()}" for name, value in headers]
    try:
        response = await exchange(server.port, lines)
    except asyncio.IncompleteReadError:
        pass  # websockets itself turned away a request it could not read: not an answer from retro
    else:
        assert response.status in {101, 200, 400, 403, 404, 426}, response.head
    logs.assert_quiet()
