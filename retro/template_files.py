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
        where = describe_location(error["loc"])
        line = line_of(text, error["loc"])
        at = f"{path}:{line}" if line else str(path)
        raise TemplateError(f"{at}: {where}: {error['msg']}.") from exc


def describe_location(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts[-1] = f"{parts[-1]}[{part + 1}]" if parts else f"[{part + 1}]"
        else:
            parts.append(part)
    return ".".join(parts) or "template"


def line_of(text: str, loc: tuple[int | str, ...]) -> int | None:
    """The line an error is about: the key inside the n-th [[table]], else that table's header."""
    lines = text.split("\n")  # TOML breaks lines only there; `splitlines` also breaks at \f, \u2028…
    headers = [i for i, line in enumerate(lines) if line.lstrip().startswith("[")]
    section_start, header_line = 0, None
    keys = [part for part in loc if isinstance(part, str)]
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
        tables = [i for i in headers if re.match(rf"\s*\[\[\s*{re.escape(loc[0])}\s*\]\]", lines[i])]
        if loc[1] >= len(tables):
            return None
        header_line = tables[loc[1]]
        section_start, keys = header_line + 1, keys[1:]
    section_end = next((i for i in headers if i >= section_start), len(lines))
    for index in range(section_start, section_end):
        if keys and re.match(rf"\s*{re.escape(keys[-1])}\s*=", lines[index]):
            return index + 1
    return header_line + 1 if header_line is not None else None
