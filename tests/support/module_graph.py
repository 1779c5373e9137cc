"""The phone page's module graph, read from the files' own `import` lines and from the paths the modules that
own lazy loading name to fetch later (quoted `'./….js'`, outside import lines): what a phone fetches at
first, and with each view."""

import re
from pathlib import PurePosixPath

from tests.support.static_files import modules

IMPORT = re.compile(r"^(?:import|export)\s[^;]*?\bfrom\s+'([^']+)';|^import\s+'([^']+)';", re.M)
LAZY_IMPORT = re.compile(r"'(\.{1,2}/[^']+\.js)'")
"""A module named to be fetched later: a quoted relative path, outside the module's import lines."""


def imports_of(name: str, source: str) -> list[str]:
    """The modules this one imports with `import` lines, as paths under js/."""
    return [resolved(name, match.group(1) or match.group(2)) for match in IMPORT.finditer(source)]


def lazy_imports_of(name: str, source: str) -> list[str]:
    """The modules this one names to fetch later (retry.js `importArrived`), as paths under js/."""
    return [resolved(name, specifier) for specifier in LAZY_IMPORT.findall(IMPORT.sub("", source))]


def resolved(name: str, specifier: str) -> str:
    assert specifier.startswith(("./", "../")), f"{name}: {specifier} is not a file of the page"
    parts: list[str] = []
    for part in (PurePosixPath(name).parent / specifier).parts:
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def graph() -> dict[str, list[str]]:
    """What each module imports when it loads."""
    return {name: imports_of(name, source) for name, source in modules().items()}


def lazy_graph() -> dict[str, list[str]]:
    """What each module may fetch later (through retry.js `importArrived`)."""
    return {name: lazy_imports_of(name, source) for name, source in modules().items()}


def reached(edges: dict[str, list[str]], start: str) -> set[str]:
    found, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo.extend(edges[name])
    return found


def shell() -> set[str]:
    """The modules the page loads before anything is drawn: main.js and all it imports."""
    return reached(graph(), "main.js")


def loaded_with(*views: str) -> set[str]:
    """The modules a phone has fetched once it shows these lazy views: the shell's and theirs, under js/."""
    edges = graph()
    return shell() | {name for view in views for name in reached(edges, view)}
