"""The string literals of an ES module, each with the code just before it, read by a small scanner that
knows strings, template literals, comments and regular-expression literals (enough for the phone page)."""

from dataclasses import dataclass

REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^")
"""A `/` after one of these (or at the start, or after `return`) opens a regular expression."""


@dataclass(frozen=True)
class Literal:
    value: str
    before: str
    """The code (comments left out) on the literal's line before it."""
    line: int


def literals(source: str) -> list[Literal]:
    found: list[Literal] = []
    code: list[str] = []
    i, n = 0, len(source)
    while i < n:
        c = source[i]
        if source.startswith("//", i):
            i = source.find("\n", i) if "\n" in source[i:] else n
        elif source.startswith("/*", i):
            i = source.index("*/", i) + 2
        elif c in "'\"`":
            j = i + 1
            while source[j] != c:
                j += 2 if source[j] == "\\" else 1
            line_start = "".join(code).rfind("\n") + 1
            found.append(Literal(source[i + 1 : j], "".join(code)[line_start:], source.count("\n", 0, i) + 1))
            code.append("''")
            i = j + 1
        elif c == "/" and _opens_regex("".join(code)):
            j, in_class = i + 1, False
            while in_class or source[j] != "/":
                if source[j] == "\\":
                    j += 1
                elif source[j] == "[":
                    in_class = True
                elif source[j] == "]":
                    in_class = False
                j += 1
            code.append("/re/")
            i = j + 1
        else:
            code.append(c)
            i += 1
    return found


def _opens_regex(code: str) -> bool:
    stripped = code.rstrip()
    return not stripped or stripped[-1] in REGEX_AFTER or stripped.endswith("return")
