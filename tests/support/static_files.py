"""The phone page's files as they ship: its folder, and every ES module with its source."""

from pathlib import Path

STATIC = Path(__file__).parents[2] / "server" / "static"
JS = STATIC / "js"


def modules() -> dict[str, str]:
    """Every module, by its path under js/, with its source."""
    return {
        path.relative_to(JS).as_posix(): path.read_text(encoding="utf-8") for path in sorted(JS.rglob("*.js"))
    }
