"""How the phone page travels: gzip when asked, 304 when the phone's copy is current, assets under a content
hash cached for good, comments and indentation left at home. Over a real server and loopback port, and in
Debian's Chromium where it is about what the browser does with it."""

import gzip
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from playwright.async_api import CDPSession, Page

from server.app import RetroServer
from server.assets import BLAME_RULES, IMMUTABLE, build_phone_page
from server.negotiation import choose_encoding, entity_tags, still_fresh
from server.slimming import slim_css, slim_html, slim_js
from tests.support.browser import PHONE_VIEWPORT, chromium
from tests.support.doors import LogWatch, RawResponse, exchange
from tests.support.fuzzing import FUZZ
from tests.support.module_graph import loaded_with

PHONE = build_phone_page()
"""The page as this checkout makes it. Its version is read from the running server instead, since the
files may change between the two builds."""


def header(response: RawResponse, name: str) -> str | None:
    found = re.findall(rf"(?im)^{re.escape(name)}:\s*(.*?)\r?$", response.head)
    assert len(found) <= 1, f"{name} sent {len(found)} times"
    return found[0] if found else None


async def get(server: RetroServer, path: str, *headers: str) -> RawResponse:
    return await exchange(server.port, [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{server.port}", *headers])


def decoded(response: RawResponse) -> bytes:
    return gzip.decompress(response.body) if header(response, "Content-Encoding") == "gzip" else response.body


def page_path(server: RetroServer) -> str:
    return f"/j/{server.session.record.join_token}"


async def assets_of(server: RetroServer) -> str:
    """Where the running server's page says its assets are: `/assets/<version>`."""
    page = (await get(server, page_path(server))).body.decode()
    found = re.search(r'src="(/assets/[0-9a-f]+)/js/main\.js"', page)
    assert found, page
    return found.group(1)


async def every_stored_path(server: RetroServer) -> list[str]:
    assets = await assets_of(server)
    return [page_path(server), f"{assets}/{BLAME_RULES}", *(f"{assets}/{n}" for n in PHONE.assets)]


# ---------------------------------------------------------------- Accept-Encoding and If-None-Match


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "identity"),
        ("", "identity"),
        ("gzip", "gzip"),
        ("gzip, deflate, br, zstd", "gzip"),
        ("GZIP;Q=0.5", "gzip"),
        ("x-gzip", "gzip"),
        ("deflate, br", "identity"),
        ("*", "gzip"),
        ("*;q=0", "identity"),
        ("gzip;q=0", "identity"),
        ("gzip;q=0, *", "identity"),
        ("identity;q=1, gzip;q=0.5", "identity"),
        ("identity;q=0.5, gzip;q=0.5", "gzip"),
        ("identity;q=0, gzip;q=0", "identity"),
        ("gzip;q=2", "identity"),
        ("gzip;q=-1", "identity"),
        ("gzip;q=0.0001", "identity"),
        ("gzip;q=abc", "identity"),
        ("gzip;level=9", "gzip"),
        (",,;, ;q=1,", "identity"),
        ("br;q=1, gzip;q=0.001", "gzip"),
    ],
)
def test_the_coding_follows_the_clients_weights(accept: str | None, chosen: str) -> None:
    assert choose_encoding(accept, ("gzip",)) == chosen


def test_nothing_but_identity_is_offered_for_a_file_gzip_cannot_shrink() -> None:
    assert choose_encoding("gzip", ()) == "identity"


@pytest.mark.parametrize(
    ("if_none_match", "fresh"),
    [
        (['W/"abc"'], True),
        (['"abc"'], True),
        (['"x", W/"abc" ,"y"'], True),
        (['"x"', '"abc"'], True),
        (["*"], True),
        (['"abc",'], True),
        (['"ab"'], False),
        (["abc"], False),
        (['W/"abc'], False),
        (['"abc" junk'], False),
        (['w/"abc"'], False),
        ([""], False),
        ([], False),
    ],
)
def test_if_none_match_compares_weakly_and_reads_nothing_into_junk(
    if_none_match: list[str], fresh: bool
) -> None:
    assert still_fresh(if_none_match, 'W/"abc"') is fresh


def test_an_unreadable_list_names_no_tag() -> None:
    assert entity_tags('"a", b') == set()
    assert entity_tags(" * ") is None


# ---------------------------------------------------------------- slimming


def test_slimming_drops_comment_lines_and_indentation_only() -> None:
    source = (
        "// a comment\nimport { a } from './a.js';\n\n"
        "/** doc */\nexport function f() {\n  return a; // kept\n}\n"
    )
    assert slim_js(source) == "import { a } from './a.js';\nexport function f() {\nreturn a; // kept\n}\n"
    block = "/*\n * many\n * lines\n */\nconst x = 1;\n"
    assert slim_js(block) == "const x = 1;\n"


@pytest.mark.parametrize(
    "source",
    [
        "const t = `one\n  // not a comment\n`;\n",
        "const s = 'one \\\n  two';\n",
        "const x = 1; /* starts after code\n */\n",
        "/* ends before code */ const x = 1;\n",
        "/*\n never closes\n",
        "const r = /a\\/*b/;\n",
    ],
)
def test_slimming_leaves_a_module_alone_where_it_cannot_be_sure(source: str) -> None:
    assert slim_js(source) == source


def test_css_slimming_keeps_strings_and_leaves_unquoted_urls_alone() -> None:
    assert slim_css('/* c */\n.a {\n  content: "/* no */";\n}\n') == '.a {\ncontent: "/* no */";\n}\n'
    assert slim_css('.a::before { content: "\\"/*" }\n') == '.a::before { content: "\\"/*" }\n'
    for unsure in (".a { background: url(x/*y.png) }\n", '.a { content: "open\n', "/* open\n"):
        assert slim_css(unsure) == unsure


def test_html_slimming_keeps_whitespace_where_it_counts() -> None:
    assert slim_html("<p>\n  <!-- note -->\n  <b>x</b>\n</p>\n") == "<p>\n<b>x</b>\n</p>\n"
    for unsure in ("<pre>\n  x\n</pre>\n", "<script>\n  x\n</script>\n", '<p title="a\n  b"></p>\n'):
        assert slim_html(unsure) == unsure


def test_every_shipped_file_is_slimmed_and_keeps_every_line_of_code() -> None:
    for name, item in PHONE.assets.items():
        assert b"\n  " not in item.plain, f"{name} was served as shipped: slimming was unsure of it"
        assert not re.search(rb"^//|/\*", item.plain, re.MULTILINE), name
    for opens, page in PHONE.pages.items():
        assert b"<!--" not in page.plain and b"\n  " not in page.plain, opens


# ---------------------------------------------------------------- over the wire


async def test_gzip_is_sent_when_accepted_and_decodes_to_the_same_bytes(server: RetroServer) -> None:
    for path in await every_stored_path(server):
        plain = await get(server, path)
        packed = await get(server, path, "Accept-Encoding: gzip, deflate, br, zstd")
        assert (plain.status, packed.status) == (200, 200), path
        assert header(plain, "Content-Encoding") is None, path
        assert header(packed, "Content-Encoding") == "gzip", path
        assert len(packed.body) < len(plain.body), path
        assert decoded(packed) == plain.body, path
        assert header(packed, "Vary") == header(plain, "Vary") == "Accept-Encoding", path
        assert header(packed, "ETag") == header(plain, "ETag") is not None, path


async def test_the_page_is_revalidated_and_a_current_copy_gets_304(server: RetroServer) -> None:
    first = await get(server, page_path(server), "Accept-Encoding: gzip")
    assert header(first, "Cache-Control") == "no-cache"
    etag = header(first, "ETag")
    assert etag is not None
    again = await get(server, page_path(server), f"If-None-Match: {etag}", "Accept-Encoding: gzip")
    assert (again.status, again.body) == (304, b"")
    assert (header(again, "ETag"), header(again, "Cache-Control")) == (etag, "no-cache")
    other = await get(server, page_path(server), 'If-None-Match: "something-else"')
    assert other.status == 200 and b"<title>Retro</title>" in other.body


async def test_assets_and_the_model_answer_if_none_match_too(server: RetroServer) -> None:
    for path in (await every_stored_path(server))[1:]:
        first = await get(server, path)
        assert (await get(server, path, f"If-None-Match: {header(first, 'ETag')}")).status == 304, path
        assert (await get(server, path, "If-None-Match: *")).status == 304, path


async def test_hashed_assets_are_cached_for_good_and_the_page_points_at_them(server: RetroServer) -> None:
    page = (await get(server, page_path(server))).body.decode()
    assets = await assets_of(server)
    assert f'<script type="module" src="{assets}/js/main.js">' in page
    assert f'<link rel="stylesheet" href="{assets}/app.css">' in page
    for name in PHONE.assets:
        response = await get(server, f"{assets}/{name}")
        assert response.status == 200, name
        assert header(response, "Cache-Control") == IMMUTABLE, name
        assert header(response, "X-Content-Type-Options") == "nosniff", name


async def test_the_stylesheet_is_every_view_in_one_file(server: RetroServer) -> None:
    css = (await get(server, f"{await assets_of(server)}/app.css")).body.decode()
    assert "@import" not in css
    assert ":root" in css and ".gate" in css and ".sheet" in css


@pytest.mark.parametrize(
    "path",
    [
        "/assets/0000000000000000/js/main.js",
        "/assets/{version}0/js/main.js",
        "/assets/{VERSION}/js/main.js",
        "/assets/{version}",
        "/assets/{version}/",
        "/assets/",
        "/assets",
        "/assets/{version}/js/../app.css",
        "/assets/{version}/../{version}/app.css",
        "/assets/{version}//js/main.js",
        "/assets/{version}/js%2Fmain.js",
        "/assets/{version}/css/tokens.css",
        "/assets/{version}/index.html",
        "/assets/{version}/blame_rules.json",
        "/assets/{version}/js/main.js/",
        "/assets/../j/{token}",
        "/j/{token}/js/main.js",
        "/j/{token}/app.css",
        "/j/{token}/{version}/app.css",
        "/j/not-the-token/blame_rules.json",
        "/j/{token}/blame_model.json",
    ],
)
async def test_a_stale_hash_or_any_other_name_is_not_found(server: RetroServer, path: str) -> None:
    version = (await assets_of(server)).removeprefix("/assets/")
    path = path.replace("{version}", version).replace("{VERSION}", version.upper())
    response = await get(server, path.replace("{token}", server.session.record.join_token))
    assert response.status == 404
    assert b"There is no retro at this address" in response.body


odd_tails = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=30)
header_text = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f")
)
accepts = st.one_of(
    header_text,
    st.lists(
        st.tuples(
            st.sampled_from(["gzip", "x-gzip", "identity", "*", "br", "GZip", ""]),
            st.sampled_from(["", ";q=0", ";q=1", ";q=0.5", ";q=1.5", ";q=", ";Q=0.001", ";q=abc"]),
        ),
        max_size=5,
    ).map(lambda parts: ", ".join(coding + weight for coding, weight in parts)),
)
tags = st.one_of(
    header_text,
    st.just("*"),
    st.sampled_from([PHONE.page("").etag, PHONE.page("write").etag, PHONE.model.etag]),
)


@FUZZ
@given(
    start=st.sampled_from(["{assets}/", "{assets}/js/", "/assets/", "/j/{token}", "/j/{token}/"]),
    tail=st.one_of(odd_tails, st.sampled_from(["main.js", "app.css", BLAME_RULES, "../app.css"])),
    accept=st.lists(accepts, max_size=2),
    if_none_match=st.lists(tags, max_size=2),
)
async def test_no_header_or_path_gets_a_500_or_a_traceback(
    server: RetroServer, logs: LogWatch, start: str, tail: str, accept: list[str], if_none_match: list[str]
) -> None:
    path = (
        start.replace("{assets}", await assets_of(server)).replace(
            "{token}", server.session.record.join_token
        )
        + tail
    )
    lines = [f"Accept-Encoding: {value.strip()}" for value in accept]
    lines += [f"If-None-Match: {value.strip()}" for value in if_none_match]
    response = await get(server, path, *lines)
    assert response.status in {200, 304, 404}, response.head
    if response.status == 200:
        assert header(response, "Content-Encoding") in (None, "gzip")
        assert len(decoded(response)) > 0
    logs.assert_quiet()


# ---------------------------------------------------------------- in the browser


class Wire:
    """Bytes received per URL (headers included), as Chromium counts them: CDP's encodedDataLength."""

    def __init__(self, cdp: CDPSession) -> None:
        self.urls: dict[str, str] = {}
        self.received: dict[str, float] = {}
        cdp.on(
            "Network.requestWillBeSent", lambda e: self.urls.__setitem__(e["requestId"], e["request"]["url"])
        )
        cdp.on(
            "Network.loadingFinished",
            lambda e: self.received.__setitem__(e["requestId"], e["encodedDataLength"]),
        )

    def take(self) -> dict[str, float]:
        """Bytes per URL since the last take, added up: a lazy module's import after its fetch (retry.js
        `importArrived`) is a second request for the same URL that the cache answers with none."""
        taken: dict[str, float] = {}
        for request, size in self.received.items():
            taken[self.urls[request]] = taken.get(self.urls[request], 0) + size
        self.received.clear()
        return taken


async def shown(page: Page) -> None:
    await page.get_by_test_id("status").filter(has_text="Connected").wait_for()
    await page.get_by_test_id("prompt-learning").wait_for()
    await page.wait_for_load_state("networkidle")


@pytest.mark.browser
async def test_a_reload_takes_the_assets_from_the_cache_and_the_page_as_a_304(server: RetroServer) -> None:
    async with chromium() as browser:
        page = await browser.new_page(viewport=PHONE_VIEWPORT)
        cdp = await page.context.new_cdp_session(page)
        await cdp.send("Network.enable")
        wire = Wire(cdp)
        await page.goto(server.join_url)
        await shown(page)
        first = wire.take()
        assets = await assets_of(server)
        await page.reload()
        await shown(page)
        reloaded = wire.take()
    fetched = sorted(url.split(assets + "/", 1)[1] for url in first if assets in url)
    first_load = [*(f"js/{name}" for name in loaded_with("views/write.js")), "app.css", "locales/en.json"]
    assert fetched == sorted(first_load), "the shell, Write's views, the stylesheet, one catalogue"
    assert all(size > 0 for size in first.values())
    from_network = {url: size for url, size in reloaded.items() if size > 0}
    assert [url for url in from_network if assets in url] == [], "hashed assets come from the cache"
    assert 0 < from_network[server.join_url] < 1000, "the page itself is a 304"
