"""The phone page as native ES modules: a small, acyclic map of one-concept modules, one-way data flow,
stylesheets built from design tokens, and a server that serves exactly these files and nothing else.

The module graph is read from the files' own `import` lines; the page is then loaded in Debian's Chromium
against a real server on a loopback port, and the server is asked over a real socket.
"""

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest
from playwright.async_api import Request, expect

from retro.actors import Facilitator
from retro.commands import RotateJoinToken
from retro.text import MAX_ITEM_CHARS
from retro.views import BoardView, board_view
from server.app import RetroServer
from server.http import page_assets
from tests.support.browser import PHONE_VIEWPORT, chromium
from tests.support.doors import exchange

STATIC = Path(__file__).parents[1] / "server" / "static"
JS = STATIC / "js"
MAX_MODULE_LINES = 250

IMPORT = re.compile(r"^(?:import|export)\s[^;]*?\bfrom\s+'([^']+)';|^import\s+'([^']+)';", re.M)
STATE_LAYER = {"state.js", "outbox.js", "derived.js", "intents.js", "timer.js"}
"""What views may read and ask of: the phone's state and its outbox, what derives from them, and intents."""
VIEW_IMPORTS = STATE_LAYER | {"dom.js", "text.js"}
PART_IMPORTS = VIEW_IMPORTS | {"nudge.js"}
COERCIONS = re.compile(
    r"asArray|isObject|\bstr\(|Array\.isArray|Number\(|typeof \S+ === '(string|number|object)'"
)
RECONCILING = re.compile(r"insertBefore|removeChild|lastChild")


def modules() -> dict[str, str]:
    """Every module, by its path under js/, with its source."""
    return {
        path.relative_to(JS).as_posix(): path.read_text(encoding="utf-8") for path in sorted(JS.rglob("*.js"))
    }


def imports_of(name: str, source: str) -> list[str]:
    """The modules this one imports, as paths under js/."""
    found = []
    for match in IMPORT.finditer(source):
        specifier = match.group(1) or match.group(2)
        assert specifier.startswith(("./", "../")), f"{name}: {specifier} is not a file of the page"
        parts: list[str] = []
        for part in (PurePosixPath(name).parent / specifier).parts:
            if part == "..":
                parts.pop()
            elif part != ".":
                parts.append(part)
        found.append("/".join(parts))
    return found


def graph() -> dict[str, list[str]]:
    return {name: imports_of(name, source) for name, source in modules().items()}


def find_cycle(edges: dict[str, list[str]]) -> list[str] | None:
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        if node in path:
            return path[path.index(node) :] + [node]
        if node in done:
            return None
        path.append(node)
        for target in edges.get(node, []):
            cycle = visit(target)
            if cycle:
                return cycle
        path.pop()
        done.add(node)
        return None

    for start in edges:
        cycle = visit(start)
        if cycle:
            return cycle
    return None


# ---------------------------------------------------------------- the module graph


def test_every_import_names_a_module_of_the_page() -> None:
    edges = graph()
    assert "main.js" in edges
    missing = {
        f"{name} → {target}" for name, targets in edges.items() for target in targets if target not in edges
    }
    assert missing == set()
    assert [name for name, source in modules().items() if "import(" in source] == []


def test_the_module_graph_has_no_cycle() -> None:
    assert find_cycle(graph()) is None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a.js": ["b.js"], "b.js": ["c.js"], "c.js": ["a.js"]}) == [
        "a.js",
        "b.js",
        "c.js",
        "a.js",
    ]
    assert find_cycle({"a.js": ["b.js"], "b.js": []}) is None


def test_no_module_is_over_250_lines() -> None:
    long = {
        name: source.count("\n")
        for name, source in modules().items()
        if source.count("\n") > MAX_MODULE_LINES
    }
    assert long == {}


def test_every_module_is_reached_from_main() -> None:
    edges = graph()
    reached, todo = set(), ["main.js"]
    while todo:
        name = todo.pop()
        if name not in reached:
            reached.add(name)
            todo.extend(edges[name])
    assert set(edges) - reached == set()


def test_views_import_only_state_and_dom_helpers_and_never_another_view() -> None:
    for name, targets in graph().items():
        if name.startswith("views/"):
            assert [t for t in targets if t not in VIEW_IMPORTS and not t.startswith("parts/")] == [], name
        if name.startswith("parts/"):
            assert [t for t in targets if t not in PART_IMPORTS and not t.startswith("parts/")] == [], name


def test_only_the_scheduler_draws_and_views_receive_well_formed_data() -> None:
    for name, source in modules().items():
        drawn_by_views = name.startswith(("views/", "parts/"))
        if drawn_by_views:
            assert "changed(" not in source and "render()" not in source.replace(
                "export function render()", ""
            ), name
            assert not COERCIONS.search(source), (
                f"{name} coerces data the board check already made well-formed"
            )
        if name != "dom.js":
            assert not RECONCILING.search(source), f"{name} reconciles a list by hand instead of with keyed()"
        if name not in ("main.js", "scheduler.js"):
            assert "drawWith" not in source, name
    assert "requestAnimationFrame" in modules()["scheduler.js"]


def test_the_page_carries_no_limit_copied_from_python() -> None:
    board_fields = BoardView.model_fields
    featured = board_fields["featured_prompt"].default
    for name, source in modules().items():
        assert not re.search(rf"\b{MAX_ITEM_CHARS}\b", source), name
        assert f"'{featured}'" not in source, name
    assert "max_item_chars" in modules()["board.js"] and "featured_prompt" in modules()["board.js"]


def test_the_board_carries_the_pages_limits(server: RetroServer) -> None:
    board = board_view(server.session.state)
    assert board.max_item_chars == MAX_ITEM_CHARS
    assert board.featured_prompt in [prompt.prompt_id for prompt in board.prompts]
    assert board.votes_per_person == server.session.state.settings.votes_per_person


def test_index_loads_main_as_a_module_with_a_preload_per_module() -> None:
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts == ['<script type="module" src="{{token}}/js/main.js">']
    preloaded = re.findall(r'<link rel="modulepreload" href="\{\{token\}\}/js/([^"]+)">', page)
    assert Counter(preloaded) == Counter(list(modules()))
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)">', page) == ["{{token}}/app.css"]


def test_nothing_is_fetched_from_elsewhere() -> None:
    for path in [STATIC / "index.html", *JS.rglob("*.js"), *STATIC.rglob("*.css")]:
        text = path.read_text(encoding="utf-8").replace(
            "http://www.w3.org/2000/svg", ""
        )  # a name, not a fetch
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", text), path


# ---------------------------------------------------------------- stylesheets


def css_files() -> dict[str, str]:
    return {
        path.relative_to(STATIC).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(STATIC.rglob("*.css"))
    }


def without_comments(css: str) -> str:
    return re.sub(r"/\*.*?\*/", "", css, flags=re.S)


def rules(css: str) -> list[tuple[str, str]]:
    """(selector, declarations) for every rule, inside @media too; other at-rules (keyframes) are skipped."""
    found: list[tuple[str, str]] = []
    text, i = without_comments(css), 0
    while (brace := text.find("{", i)) >= 0:
        head = text[i:brace].strip()
        depth, end = 1, brace + 1
        while depth:
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        body = text[brace + 1 : end - 1]
        if head.startswith("@media"):
            found += rules(body)
        elif not head.startswith("@"):
            found.append((" ".join(head.split()), body))
        i = end
    return found


def declarations(body: str) -> list[tuple[str, str]]:
    return [
        (name.strip(), value.strip())
        for name, _, value in (d.partition(":") for d in body.split(";"))
        if value
    ]


def view_css() -> dict[str, str]:
    return {name: css for name, css in css_files().items() if name not in ("app.css", "css/tokens.css")}


def test_app_css_imports_every_stylesheet_once_and_holds_nothing_else() -> None:
    app = without_comments(css_files()["app.css"])
    imported = re.findall(r'@import url\("([^"]+)"\);', app)
    assert re.sub(r'@import url\("[^"]+"\);', "", app).strip() == ""
    assert imported[:2] == ["css/tokens.css", "css/base.css"]
    assert Counter(imported) == Counter(name for name in css_files() if name != "app.css")


def test_there_are_at_most_six_type_sizes_and_every_size_is_one_of_them() -> None:
    sizes = re.findall(r"^\s*(--text-[\w-]+):", css_files()["css/tokens.css"], re.M)
    assert 0 < len(sizes) <= 6
    for name, css in view_css().items():
        for selector, body in rules(css):
            for prop, value in declarations(body):
                if prop == "font-size":
                    assert re.fullmatch(r"var\((--text-[\w-]+)\)", value) and value[4:-1] in sizes, (
                        name,
                        selector,
                    )


def test_spacing_radii_and_colours_come_from_the_tokens() -> None:
    tokens = css_files()["css/tokens.css"]
    spaces = set(re.findall(r"^\s*(--space-\w+):", tokens, re.M))
    radii = set(re.findall(r"^\s*(--radius-\w+):", tokens, re.M))
    for name, css in view_css().items():
        assert not re.search(r"#[0-9a-fA-F]{3,8}\b|\b(rgba?|hsla?)\(", without_comments(css)), (
            f"{name}: a colour"
        )
        for selector, body in rules(css):
            for prop, value in declarations(body):
                where = f"{name} {selector} {prop}: {value}"
                if re.fullmatch(r"(margin|padding|gap|row-gap|column-gap)(-[a-z-]+)?", prop):
                    outside_calc = re.sub(r"calc\([^()]*(\([^()]*\)[^()]*)*\)", "calc", value)
                    assert not re.search(r"\d(px|rem|em)\b", outside_calc), where
                    assert set(re.findall(r"--space-\w+", value)) <= spaces, where
                if prop.endswith("radius"):
                    assert re.fullmatch(r"((var\(--radius-\w+\)|50%|0)\s?)+", value), where
                    assert set(re.findall(r"--radius-\w+", value)) <= radii, where


def used_words() -> tuple[set[str], set[str]]:
    """Class and id names the page can use: from index.html's attributes and every string in the modules."""
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    words = {word for value in re.findall(r'(?:class|id)="([^"]*)"', page) for word in value.split()}
    for source in modules().values():
        words |= {
            word for literal in re.findall(r"'((?:[^'\\\n]|\\.)*)'", source) for word in literal.split()
        }
    attributes = set(re.findall(r"\s([a-z-]+)(?:=|\s|>)", page))
    for source in modules().values():
        attributes |= {
            "data-" + re.sub(r"[A-Z]", lambda m: "-" + m.group().lower(), key)
            for key in re.findall(r"dataset\.(\w+)", source)
        }
        attributes |= set(re.findall(r"'([a-z][a-z-]*)'", source))
    return words, attributes


def test_no_stylesheet_has_a_selector_for_something_the_page_never_shows() -> None:
    words, attributes = used_words()
    unused = set()
    for name, css in view_css().items():
        for selector, _ in rules(css):
            bare = re.sub(r'\[[^\]]*\]|"[^"]*"', "", selector)
            unused |= {(name, f".{c}") for c in re.findall(r"\.([A-Za-z_][\w-]*)", bare) if c not in words}
            unused |= {(name, f"#{i}") for i in re.findall(r"#([A-Za-z_][\w-]*)", bare) if i not in words}
            for attribute, value in re.findall(r'\[([\w-]+)(?:[~|^$*]?="([^"]*)")?\]', selector):
                if attribute not in attributes or (value and value not in words):
                    unused.add((name, f"[{attribute}={value}]"))
    assert unused == set()


def test_the_unused_selector_check_sees_an_unused_class() -> None:
    words, _ = used_words()
    assert "topic-title" in words and "held-banner" in words
    assert "never-on-this-page" not in words


# ---------------------------------------------------------------- serving


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


async def get(port: int, path: str) -> Answer:
    """A GET over a fresh socket, the path sent exactly as written."""
    response = await exchange(port, [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}"])
    content_type = re.search(r"(?im)^content-type:\s*(.+?)\r?$", response.head)
    return Answer(response.status, content_type.group(1) if content_type else "", response.body)


CONTENT_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


def shipped() -> dict[str, bytes]:
    """Every script and stylesheet under server/static, as the allowlist should hold them."""
    return {
        path.relative_to(STATIC).as_posix(): path.read_bytes()
        for path in STATIC.rglob("*")
        if path.suffix in CONTENT_TYPES
    }


def test_the_allowlist_is_every_script_and_stylesheet_and_nothing_else() -> None:
    assets = page_assets()
    assert {name: body for name, (body, _) in assets.items()} == shipped()
    assert {kind for name, (_, kind) in assets.items() if name.endswith(".js")} == {CONTENT_TYPES[".js"]}
    assert {kind for name, (_, kind) in assets.items() if name.endswith(".css")} == {CONTENT_TYPES[".css"]}


async def test_the_server_serves_every_module_and_stylesheet_with_its_type(server: RetroServer) -> None:
    token = server.session.record.join_token
    for name, body in shipped().items():
        answer = await get(server.port, f"/j/{token}/{name}")
        assert (answer.status, answer.content_type) == (200, CONTENT_TYPES[PurePosixPath(name).suffix]), name
        assert answer.body == body, name


async def test_a_replaced_link_still_serves_the_modules(server: RetroServer) -> None:
    old = server.session.record.join_token
    server.session.execute(Facilitator(), RotateJoinToken())
    for name in ("js/main.js", "js/views/write.js", "css/tokens.css"):
        assert (await get(server.port, f"/j/{old}/{name}")).status == 200, name


@pytest.mark.parametrize(
    "path",
    [
        "/j/{token}/js",
        "/j/{token}/js/",
        "/j/{token}/js/nothing.js",
        "/j/{token}/js/main.js/",
        "/j/{token}/js/../app.css",
        "/j/{token}/css/../js/main.js",
        "/j/{token}//js/main.js",
        "/j/{token}/JS/main.js",
        "/j/{token}/js%2Fmain.js",
        "/j/{token}/index.html",
        "/j/{token}/app.js",
        "/j/not-the-token/js/main.js",
        "/js/main.js",
    ],
)
async def test_anything_outside_the_allowlist_is_not_found(server: RetroServer, path: str) -> None:
    answer = await get(server.port, path.replace("{token}", server.session.record.join_token))
    assert (answer.status, answer.content_type) == (404, "text/html; charset=utf-8")


@pytest.mark.browser
async def test_the_page_loads_each_module_once_from_its_own_server_under_its_policy(
    server: RetroServer,
) -> None:
    requested: list[str] = []
    problems: list[str] = []
    async with chromium() as browser:
        page = await browser.new_page(viewport=PHONE_VIEWPORT)

        def record(request: Request) -> None:
            requested.append(request.url)

        page.on("request", record)
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        await page.goto(server.join_url)
        await expect(page.get_by_test_id("status")).to_have_text("Connected")
        await expect(page.get_by_test_id("prompt-learning")).to_contain_text("Start here")
        await page.close()
    origin = f"http://127.0.0.1:{server.port}/"
    assert [url for url in requested if not url.startswith(origin)] == []
    prefix = f"{server.join_url}/js/"
    loaded = Counter(url.removeprefix(prefix) for url in requested if url.startswith(prefix))
    assert loaded == Counter(list(modules())), (
        "each module once: the preloads are the very modules main.js imports"
    )
    assert problems == []
