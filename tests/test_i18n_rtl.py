"""Right-to-left that is right: the stylesheets say start and end, never left and right, so an Arabic page
is the English page mirrored by the browser alone.

A declaration is physical when its property or its value names left or right, when it moves something
sideways (translateX, a shadow thrown sideways), or when a shorthand gives the left and the right different
values (`padding: 0 12px 0 6px`, `border-radius: 4px 0 0 4px`). Where a physical side is truly meant, the
allowlist says so and why.
"""

import re

from tests.support.static_files import STATIC

ALLOWED: dict[tuple[str, str, str], str] = {
    ("css/base.css", "padding-left", "env(safe-area-inset-left)"): "the notch is on the device's own left",
    ("css/base.css", "padding-right", "env(safe-area-inset-right)"): "the notch is on the device's own right",
}

SIDEWAYS_SHORTHANDS = ("margin", "padding", "inset", "border-width", "border-style", "border-color")
SHADOWS = ("box-shadow", "text-shadow")


def stylesheets() -> dict[str, str]:
    return {
        path.relative_to(STATIC).as_posix(): re.sub(
            r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S
        )
        for path in sorted(STATIC.rglob("*.css"))
    }


def declarations(css: str) -> list[tuple[str, str]]:
    """Every `property: value` in the sheet, in @media and @keyframes too; selectors are never taken."""
    found = re.findall(r"[{;]\s*([a-z-]+)\s*:\s*([^;{}]+?)\s*(?=[;}])", css)
    return [(name, " ".join(value.split())) for name, value in found]


def top_level_parts(value: str, separator: str) -> list[str]:
    """The value split on a separator outside parentheses: `a calc(b + c) d` has three parts."""
    parts, depth, current = [], 0, ""
    for char in value:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and (char == separator or (separator == " " and char.isspace())):
            parts.append(current)
            current = ""
        else:
            current += char
    return [part.strip() for part in [*parts, current] if part.strip()]


def left_differs_from_right(name: str, value: str) -> bool:
    parts = top_level_parts(value.replace("!important", ""), " ")
    if name == "border-radius":
        corners = top_level_parts(value.split("/")[0], " ")
        if len(corners) == 2:
            return corners[0] != corners[1]
        if len(corners) == 3:
            return not corners[0] == corners[1] == corners[2]
        if len(corners) == 4:
            return corners[0] != corners[1] or corners[2] != corners[3]
        return False
    return len(parts) == 4 and parts[1] != parts[3]


def thrown_sideways(shadow: str) -> bool:
    lengths = [part for part in top_level_parts(shadow, " ") if re.fullmatch(r"-?[\d.]+(px|rem|em)?", part)]
    return bool(lengths) and float(re.sub(r"[a-z]+$", "", lengths[0])) != 0


def moves_sideways(value: str) -> bool:
    if re.search(r"\btranslateX\(\s*(?!0\b|0px\b)", value):
        return True
    return any(
        top_level_parts(args, ",")[0] not in ("0", "0px")
        for args in re.findall(r"\btranslate(?:3d)?\(([^()]*)\)", value)
    )


def why_physical(name: str, value: str) -> str | None:
    if re.search(r"(^|-)(left|right)(-|$)", name):
        return "names a side"
    if re.search(r"\b(left|right)\b", value):
        return "a value names a side"
    if name in (*SIDEWAYS_SHORTHANDS, "border-radius") and left_differs_from_right(name, value):
        return "a shorthand gives left and right different values"
    if name in SHADOWS and any(thrown_sideways(shadow) for shadow in top_level_parts(value, ",")):
        return "a shadow thrown to one side"
    if name in ("transform", "translate") and moves_sideways(value):
        return "moves sideways"
    return None


def physical_declarations() -> list[str]:
    found = []
    for sheet, css in stylesheets().items():
        for name, value in declarations(css):
            why = why_physical(name, value)
            if why and (sheet, name, value) not in ALLOWED:
                found.append(f"{sheet}: {name}: {value} ({why})")
    return found


def test_every_stylesheet_says_start_and_end_not_left_and_right() -> None:
    assert physical_declarations() == []


def test_every_allowed_physical_side_is_still_there_and_says_why() -> None:
    present = {
        (sheet, name, value) for sheet, css in stylesheets().items() for name, value in declarations(css)
    }
    for key, reason in ALLOWED.items():
        assert key in present, f"{key} is allowed but gone: take it off the list"
        assert reason


def test_the_check_sees_each_kind_of_physical_declaration() -> None:
    physical = [
        ("margin-left", "auto"),
        ("left", "12px"),
        ("border-top-right-radius", "var(--radius-md)"),
        ("text-align", "right"),
        ("float", "left"),
        ("background", "linear-gradient(to right, red, blue)"),
        ("padding", "0 var(--space-12) 0 var(--space-6)"),
        ("padding", "var(--space-14) calc(48px + var(--space-10)) var(--space-14) var(--space-16)"),
        ("border-radius", "var(--radius-sm) 0 0 var(--radius-sm)"),
        ("border-radius", "var(--radius-sm) 0"),
        ("box-shadow", "inset 4px 0 0 var(--warn-text)"),
        ("box-shadow", "0 0 0 3px var(--ring), -2px 0 1px rgba(0, 0, 0, 0.1)"),
        ("transform", "translateX(-50%)"),
        ("transform", "translate(8px, 0)"),
    ]
    logical = [
        ("margin-inline-start", "auto"),
        ("inset-inline-end", "4px"),
        ("text-align", "end"),
        ("padding", "var(--space-12) var(--space-14)"),
        ("padding", "var(--space-24) var(--space-20) var(--space-20)"),
        ("margin", "0 calc(-1 * var(--space-16)) var(--space-14)"),
        ("border-radius", "var(--radius-sm) var(--radius-sm) var(--radius-xs) var(--radius-xs)"),
        ("border-radius", "0 0 var(--radius-md) var(--radius-md)"),
        ("box-shadow", "0 1px 2px rgba(20, 30, 28, 0.06), 0 4px 16px rgba(20, 30, 28, 0.05)"),
        ("box-shadow", "inset 0 0 0 1.5px var(--border)"),
        ("transform", "translateY(-8px)"),
        ("transform", "translate(0, 16px)"),
    ]
    assert [d for d in physical if why_physical(*d) is None] == []
    assert [d for d in logical if why_physical(*d) is not None] == []


def test_declarations_are_read_inside_media_and_keyframes_and_selectors_are_not() -> None:
    css = (
        "a:hover { color: red; }\n@media (x) { body:not(.y) .z { margin-left: 0 } }\n"
        "@keyframes k { from { left: 0; } }"
    )
    assert declarations(css) == [("color", "red"), ("margin-left", "0"), ("left", "0")]
