"""The domain never imports the TUI or the network; the server never imports the TUI; the command line loads
the TUI only when it hosts a retro."""

import ast
import importlib.util
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import cli
import retro
import server
import tui


def _modules(package: object, name: str) -> list[str]:
    return [name] + [f"{name}.{info.name}" for info in pkgutil.walk_packages(package.__path__)]  # type: ignore[attr-defined]


@pytest.mark.parametrize("module", _modules(retro, "retro"))
def test_domain_module_imports_neither_textual_nor_websockets(module: str) -> None:
    loaded = _loaded_after_import(module)
    assert not {name for name in loaded if name.split(".")[0] in {"textual", "websockets", "tui", "server"}}


@pytest.mark.parametrize("module", _modules(server, "server"))
def test_server_module_does_not_import_textual(module: str) -> None:
    loaded = _loaded_after_import(module)
    assert not {name for name in loaded if name.split(".")[0] in {"textual", "tui"}}


@pytest.mark.parametrize("module", [name for name in _modules(cli, "cli") if name != "cli.__main__"])
def test_command_line_module_does_not_import_textual(module: str) -> None:
    loaded = _loaded_after_import(module)
    assert not {name for name in loaded if name.split(".")[0] in {"textual", "tui"}}


SESSION_SIDE = {
    "retro.session",
    "retro.store",
    "retro.sqlite_store",
    "retro.history",
    "retro.rules",
    "retro.launch",
}
TUI_MODULES = [info.name for info in pkgutil.walk_packages(tui.__path__, "tui.")]


@pytest.mark.parametrize("module", [name for name in TUI_MODULES if name != "tui.hosting"])
def test_the_tui_reaches_the_retro_only_through_the_link(module: str) -> None:
    """Only tui.hosting, which starts the in-process server, touches a session or a store; the rest of the
    app drives the retro through the facilitator protocol, as it does against a remote server."""
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & SESSION_SIDE


def _loaded_after_import(module: str) -> set[str]:
    code = f"import sys, {module}; print('\\n'.join(sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(result.stdout.split())
