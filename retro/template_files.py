"""Loading a team's own template from TOML, with errors that name the file, the line and the fault."""

import re
import tomllib
from pathlib import Path

from pydantic import ValidationError

from retro.builtin_templates import BUILT_IN
from retro.templates import Template


class TemplateError(Exception):
    """A template that cannot be used; the message is one sentence for the person who wrote it."""


def resolve_template(name_or_path: str) -> Template:
    if name_or_path in BUILT_IN:
        return BUILT_IN[name_or_path]
    path = Path(name_or_path)
    if path.suffix != ".toml":
        known = ", ".join(BUILT_IN)
        raise TemplateError(
            f"No template called {name_or_path!r}; built-in ones are {known}, or give a .toml file."
        )
    return load_template(path)


def load_template(path: Path) -> Template:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TemplateError(f"{path}: cannot read the template: {exc.strerror}.") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{path}: not valid TOML: {exc}.") from exc
    try:
        return Template.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = _describe_location(error["loc"])
        line = _line_of(text, error["loc"])
        at = f"{path}:{line}" if line else str(path)
        raise TemplateError(f"{at}: {where}: {error['msg']}.") from exc


def _describe_location(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts[-1] = f"{parts[-1]}[{part + 1}]" if parts else f"[{part + 1}]"
        else:
            parts.append(part)
    return ".".join(parts) or "template"


def _line_of(text: str, loc: tuple[int | str, ...]) -> int | None:
    """The line of the key an error is about: the n-th [[table]] and then the key inside it."""
    lines = text.splitlines()
    start = 0
    keys = [part for part in loc if isinstance(part, str)]
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
        headers = [
            i for i, line in enumerate(lines) if re.match(rf"\s*\[\[\s*{re.escape(loc[0])}\s*\]\]", line)
        ]
        if loc[1] < len(headers):
            start = headers[loc[1]]
            keys = keys[1:]
            if not keys:
                return start + 1
    key = keys[-1] if keys else None
    if key is None:
        return None
    for index in range(start, len(lines)):
        if re.match(rf"\s*{re.escape(key)}\s*=", lines[index]):
            return index + 1
    return start + 1 if start else None
