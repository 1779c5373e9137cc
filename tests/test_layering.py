"""The domain never imports the TUI or the network; the server never imports the TUI; the command line loads
the TUI only when it hosts a retro."""

import pkgutil
import subprocess
import sys

import pytest

import cli
import retro
import server


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


def _loaded_after_import(module: str) -> set[str]:
    code = f"import sys, {module}; print('\\n'.join(sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(result.stdout.split())
