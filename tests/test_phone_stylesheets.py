"""The phone page's stylesheets are built from design tokens: one app.css that imports each once, at most
six type sizes, spacing, radii and colours from the tokens, and no selector for what the page never shows."""

import re
from collections import Counter

from tests.support.static_files import STATIC, modules


def css_files() -> dict[str, str]:
    return {
        path.relative_to(STATIC).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(STATIC.rglob("*.css"))
    }


def without_comments(css: str) -> str:
    return re.sub(r"/\*.*?\*/", "", css, flags=re.S)


def rules(css: str) -> list[tuple[str, str]]:
    """(selector, declarations) for every rule, inside @media too; other at-rules (keyframes) are skipped."""
    found: list[tuple[str, str]] = []
    text, i = without_comments(css), 0
    while (brace := text.find("{", i)) >= 0:
        head = text[i:brace].strip()
        depth, end = 1, brace + 1
        while depth:
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        body = text[brace + 1 : end - 1]
        if head.startswith("@media"):
            found += rules(body)
        elif not head.startswith("@"):
            found.append((" ".join(head.split()), body))
        i = end
    return found


def declarations(body: str) -> list[tuple[str, str]]:
    return [
        (name.strip(), value.strip())
        for name, _, value in (d.partition(":") for d in body.split(";"))
        if value
    ]


def view_css() -> dict[str, str]:
    return {name: css for name, css in css_files().items() if name not in ("app.css", "css/tokens.css")}


def test_app_css_imports_every_stylesheet_once_and_holds_nothing_else() -> None:
    app = without_comments(css_files()["app.css"])
    imported = re.findall(r'@import url\("([^"]+)"\);', app)
    assert re.sub(r'@import url\("[^"]+"\);', "", app).strip() == ""
    assert imported[:2] == ["css/tokens.css", "css/base.css"]
    assert Counter(imported) == Counter(name for name in css_files() if name != "app.css")


def test_there_are_at_most_six_type_sizes_and_every_size_is_one_of_them() -> None:
    sizes = re.findall(r"^\s*(--text-[\w-]+):", css_files()["css/tokens.css"], re.M)
    assert 0 < len(sizes) <= 6
    for name, css in view_css().items():
        for selector, body in rules(css):
            for prop, value in declarations(body):
                if prop == "font-size":
                    assert re.fullmatch(r"var\((--text-[\w-]+)\)", value) and value[4:-1] in sizes, (
                        name,
                        selector,
                    )


def test_spacing_radii_and_colours_come_from_the_tokens() -> None:
    tokens = css_files()["css/tokens.css"]
    spaces = set(re.findall(r"^\s*(--space-\w+):", tokens, re.M))
    radii = set(re.findall(r"^\s*(--radius-\w+):", tokens, re.M))
    for name, css in view_css().items():
        assert not re.search(r"#[0-9a-fA-F]{3,8}\b|\b(rgba?|hsla?)\(", without_comments(css)), (
            f"{name}: a colour"
        )
        for selector, body in rules(css):
            for prop, value in declarations(body):
                where = f"{name} {selector} {prop}: {value}"
                if re.fullmatch(r"(margin|padding|gap|row-gap|column-gap)(-[a-z-]+)?", prop):
                    outside_calc = re.sub(r"calc\([^()]*(\([^()]*\)[^()]*)*\)", "calc", value)
                    assert not re.search(r"\d(px|rem|em)\b", outside_calc), where
                    assert set(re.findall(r"--space-\w+", value)) <= spaces, where
                if prop.endswith("radius"):
                    assert re.fullmatch(r"((var\(--radius-\w+\)|50%|0)\s?)+", value), where
                    assert set(re.findall(r"--radius-\w+", value)) <= radii, where


def used_words() -> tuple[set[str], set[str]]:
    """Class and id names the page can use: from index.html's attributes and every string in the modules."""
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    words = {word for value in re.findall(r'(?:class|id)="([^"]*)"', page) for word in value.split()}
    for source in modules().values():
        words |= {
            word for literal in re.findall(r"'((?:[^'\\\n]|\\.)*)'", source) for word in literal.split()
        }
    attributes = set(re.findall(r"\s([a-z-]+)(?:=|\s|>)", page))
    for source in modules().values():
        attributes |= {
            "data-" + re.sub(r"[A-Z]", lambda m: "-" + m.group().lower(), key)
            for key in re.findall(r"dataset\.(\w+)", source)
        }
        attributes |= set(re.findall(r"'([a-z][a-z-]*)'", source))
    return words, attributes


def test_no_stylesheet_has_a_selector_for_something_the_page_never_shows() -> None:
    words, attributes = used_words()
    unused = set()
    for name, css in view_css().items():
        for selector, _ in rules(css):
            bare = re.sub(r'\[[^\]]*\]|"[^"]*"', "", selector)
            unused |= {(name, f".{c}") for c in re.findall(r"\.([A-Za-z_][\w-]*)", bare) if c not in words}
            unused |= {(name, f"#{i}") for i in re.findall(r"#([A-Za-z_][\w-]*)", bare) if i not in words}
            for attribute, value in re.findall(r'\[([\w-]+)(?:[~|^$*]?="([^"]*)")?\]', selector):
                if attribute not in attributes or (value and value not in words):
                    unused.add((name, f"[{attribute}={value}]"))
    assert unused == set()


def test_the_unused_selector_check_sees_an_unused_class() -> None:
    words, _ = used_words()
    assert "topic-title" in words and "held-banner" in words
    assert "never-on-this-page" not in words
