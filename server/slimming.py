"""Comments and indentation out of the phone page's files, in memory at start-up: nothing else changes.

Each transform drops only whole comment lines, blank lines and the whitespace at either end of a line.
Where a file holds anything that would make that unsafe (a template literal or string that spans lines,
a comment that starts after code), the file is served exactly as shipped: slimming is never a guess.
"""

import re

_TEMPLATE_OR_CONTINUATION = re.compile(r"\\`|\\$")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_KEEPS_WHITESPACE = re.compile(r"<(pre|textarea|script(?![^>]*\bsrc=)|style)\b", re.IGNORECASE)


def _unsafe_js_line(line: str) -> bool:
    """A line after which the next may still be inside a string, a template literal or a comment."""
    return line.count("`") % 2 == 1 or bool(_TEMPLATE_OR_CONTINUATION.search(line)) or "/*" in line


def slim_js(source: str) -> str:
    """The module without its comment lines, blank lines and indentation; unchanged when unsure."""
    kept: list[str] = []
    in_comment = False
    for raw in source.splitlines():
        line = raw.strip()
        if in_comment:
            end = line.find("*/")
            if end < 0:
                continue
            if line[end + 2 :].strip() or "/*" in line:
                return source
            in_comment = False
        elif line.startswith("//") or not line:
            continue
        elif line.startswith("/*"):
            end = line.find("*/", 2)
            if end < 0:
                in_comment = True
            elif line[end + 2 :].strip() or "/*" in line[2:]:
                return source
        elif _unsafe_js_line(line):
            return source
        else:
            kept.append(line)
    return source if in_comment else "\n".join(kept) + "\n"


def _string_end(source: str, start: int) -> int | None:
    """Where the CSS string opening at `start` closes, or None if it spans a line or never closes."""
    position = start + 1
    while position < len(source):
        char = source[position]
        if char == "\\":
            position += 2
            continue
        if char == "\n":
            return None
        if char == source[start]:
            return position
        position += 1
    return None


def _without_css_comments(source: str) -> str | None:
    """The stylesheet without comments, or None if a string or url() leaves doubt where one starts."""
    out: list[str] = []
    position = 0
    while position < len(source):
        char = source[position]
        if char in "\"'":
            end = _string_end(source, position)
            if end is None:
                return None
            out.append(source[position : end + 1])
            position = end + 1
        elif source.startswith("/*", position):
            end = source.find("*/", position + 2)
            if end < 0:
                return None
            position = end + 2
        elif source.startswith("url(", position) and source[position + 4 : position + 5] not in ("'", '"'):
            return None
        else:
            out.append(char)
            position += 1
    return "".join(out)


def slim_css(source: str) -> str:
    """The stylesheet without comments, blank lines and indentation; unchanged when unsure."""
    bare = _without_css_comments(source)
    if bare is None:
        return source
    return "\n".join(line.strip() for line in bare.splitlines() if line.strip()) + "\n"


def slim_html(source: str) -> str:
    """The page without comments and indentation; unchanged if it has an element whose whitespace counts
    or an attribute value that may span lines."""
    bare = _HTML_COMMENT.sub("", source)
    if (
        _KEEPS_WHITESPACE.search(bare)
        or "<!--" in bare
        or any(line.count('"') % 2 for line in bare.splitlines())
    ):
        return source
    return "\n".join(line.strip() for line in bare.splitlines() if line.strip()) + "\n"
