"""The phone page as native ES modules: a small, acyclic map of one-concept modules, one-way data flow,
and no limit copied from Python (stylesheets: test_phone_stylesheets.py; serving: test_phone_serving.py).

The module graph is read from the files' own `import` lines, and from the paths the modules that own lazy
loading name to fetch later: a phase's views (loader.js) and the blame nudge's model (nudge.js).
"""

import re
from collections import Counter

from retro.text import MAX_ITEM_CHARS
from retro.views import BoardView, board_view
from server.app import RetroServer
from tests.support.module_graph import (
    graph,
    lazy_graph,
    lazy_imports_of,
    reached,
    shell,
)
from tests.support.static_files import JS, STATIC, modules

MAX_MODULE_LINES = 250

LAZY_LOADERS = {"loader.js", "nudge.js"}
"""The only modules that name others to fetch later: a phase's views, and the nudge's model."""
IMPORTER = "retry.js"
"""The only module that calls `import()`: on files that have arrived (`importArrived`), for the loaders."""
SHELL_VIEWS = {
    "views/announcer.js",
    "views/gate.js",
    "views/header.js",
    "views/language.js",
    "views/page-text.js",
    "views/status.js",
    "views/steps.js",
    "views/toast.js",
}
"""The views every first paint draws, whatever the phase: loaded with the page."""
NUDGE_CODE = {"blame_model.js", "language_guess.js"}
STATE_LAYER = {"state.js", "outbox.js", "derived.js", "intents.js", "timer.js"}
"""What views may read and ask of: the phone's state and its outbox, what derives from them, and intents."""
VIEW_IMPORTS = STATE_LAYER | {"dom.js", "text.js", "crypto.js"}
"""And pure helpers: the DOM and its words, text, and hashing (the pulse knows the bank's words by hash)."""
PART_IMPORTS = VIEW_IMPORTS | {"nudge.js"}
COERCIONS = re.compile(
    r"asArray|isObject|\bstr\(|Array\.isArray|Number\(|typeof \S+ === '(string|number|object)'"
)
RECONCILING = re.compile(r"insertBefore|removeChild|lastChild")


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
    edges, lazy = graph(), lazy_graph()
    assert "main.js" in edges
    missing = {
        f"{name} → {target}" for name in edges for target in edges[name] + lazy[name] if target not in edges
    }
    assert missing == set()


def test_only_retry_imports_and_only_the_lazy_loaders_name_modules_to_fetch_later() -> None:
    sources = modules()
    assert {name for name, source in sources.items() if "import(" in source} == {IMPORTER}
    assert {name for name, targets in lazy_graph().items() if targets} == LAZY_LOADERS
    for name in LAZY_LOADERS:
        assert "importArrived" in sources[name], f"{name} fetches its modules whole before importing them"


def test_the_shell_holds_no_phase_view_and_no_nudge_model() -> None:
    views = {name for name in modules() if name.startswith("views/")}
    assert {name for name in shell() if name.startswith("views/")} == SHELL_VIEWS
    lazy_views = {name for name in lazy_graph()["loader.js"] if name.startswith("views/")}
    assert lazy_views == views - SHELL_VIEWS, "every other view, when needed"
    assert set(lazy_graph()["nudge.js"]) == NUDGE_CODE
    assert not shell() & (NUDGE_CODE | {"nudge.js"} | {n for n in modules() if n.startswith("parts/")})


def test_the_loader_fetches_each_view_with_every_part_it_imports_at_once() -> None:
    """Side by side, not one level of imports after another: a phone on Wi-Fi waits one round trip."""
    edges = graph()
    entries = re.findall(r"^  \w+: \[('\./.*)\],$", modules()["loader.js"], re.M)
    assert len(entries) == len({name for name in modules() if name.startswith("views/")} - SHELL_VIEWS)
    for entry in entries:
        view, *parts = lazy_imports_of("loader.js", entry)
        assert view.startswith("views/"), entry
        assert sorted(parts) == sorted(reached(edges, view) - shell() - {view}), view


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
    edges, lazy = graph(), lazy_graph()
    both = {name: edges[name] + lazy[name] for name in edges}
    assert set(edges) - reached(both, "main.js") == set()


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


def test_index_loads_main_as_a_module_with_a_preload_per_module_of_the_shell() -> None:
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts == ['<script type="module" src="{{assets}}/js/main.js">']
    preloaded = re.findall(r'<link rel="modulepreload" href="\{\{assets\}\}/js/([^"]+)">', page)
    assert Counter(preloaded) == Counter(shell())
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)">', page) == ["{{assets}}/app.css"]


def test_nothing_is_fetched_from_elsewhere() -> None:
    for path in [STATIC / "index.html", *JS.rglob("*.js"), *STATIC.rglob("*.css")]:
        text = path.read_text(encoding="utf-8").replace(
            "http://www.w3.org/2000/svg", ""
        )  # a name, not a fetch
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", text), path
