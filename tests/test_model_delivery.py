"""The blame-nudge model as a phone fetches it: beside the modules, under the version, cached for good, so
that the next retro's join link finds it in the cache. Over a real server and loopback port."""

import gzip
import json
import re

from retro import nudge
from server.app import RetroServer
from server.assets import BLAME_RULES, IMMUTABLE, build_phone_page, version_of
from tests.support.doors import RawResponse, exchange


def header(response: RawResponse, name: str) -> str | None:
    found = re.findall(rf"(?im)^{re.escape(name)}:\s*(.*?)\r?$", response.head)
    return found[0] if found else None


async def get(server: RetroServer, path: str, *headers: str) -> RawResponse:
    return await exchange(server.port, [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{server.port}", *headers])


async def model_path(server: RetroServer) -> str:
    page = (await get(server, f"/j/{server.session.record.join_token}")).body.decode()
    found = re.search(r'src="(/assets/[0-9a-f]+)/js/main\.js"', page)
    assert found, page
    return f"{found.group(1)}/{BLAME_RULES}"


async def test_the_model_is_served_beside_the_modules_and_cached_for_good(server: RetroServer) -> None:
    path = await model_path(server)
    answer = await get(server, path, "Accept-Encoding: gzip")
    assert answer.status == 200
    assert header(answer, "Cache-Control") == IMMUTABLE
    assert header(answer, "Content-Type") == "application/json"
    assert header(answer, "Content-Encoding") == "gzip"
    assert nudge.parse_model(gzip.decompress(answer.body)) == nudge.load_model()
    again = await get(server, path, f"If-None-Match: {header(answer, 'ETag')}")
    assert (again.status, again.body) == (304, b"")


async def test_the_model_is_the_same_for_every_retro_and_only_under_this_version(server: RetroServer) -> None:
    path = await model_path(server)
    stale = re.sub(r"/assets/[0-9a-f]+/", "/assets/0000000000000000/", path)
    assert (await get(server, stale)).status == 404
    assert (await get(server, path.replace(BLAME_RULES, "blame_rules.json"))).status == 404
    assert (await get(server, path.replace(BLAME_RULES, f"js/{BLAME_RULES}"))).status == 404
    beside_the_page = await get(server, f"/j/{server.session.record.join_token}/{BLAME_RULES}")
    assert beside_the_page.status == 404, "only under the version, where it is cached for good"


def test_a_new_model_gives_every_asset_a_new_version() -> None:
    """The version names the model too: a retrained model is never kept in a cache under an old name."""
    phone = build_phone_page()
    bodies = {name: item.plain for name, item in phone.assets.items()}
    bodies |= {name: item.plain for name, item in phone.locales.items()}
    assert version_of(bodies | {BLAME_RULES: phone.model.plain}) == phone.version
    retrained = json.loads(phone.model.plain) | {"threshold": 0.123}
    assert version_of(bodies | {BLAME_RULES: json.dumps(retrained).encode()}) != phone.version
