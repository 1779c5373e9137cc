"""No English left in the phone page's code: every word a phone shows comes from the catalogue
(server/static/locales/en.json). The page's HTML carries message ids, never words; the modules' string
literals are ids, class names, test ids, CSS values and event names, never sentences.

A literal fails when it reads as words (a capitalised word, or anything with letters handed straight to
the page: text, aria-label, title, placeholder, setText, showError, announce, a DOM builder's children)."""

import json
import re
from html.parser import HTMLParser

from tests.support.js_literals import Literal, literals
from tests.support.static_files import STATIC, modules

CATALOGUE = json.loads((STATIC / "locales" / "en.json").read_text(encoding="utf-8"))

SINKS = re.compile(
    r"(?:\b(?:text|title|placeholder)\s*:|'aria-label'\s*[:,]|\.textContent\s*=|document\.title\s*=|"
    r"\b(?:setText\([^()]*,|showError\(|announce\(|createTextNode\(|replaceChildren\((?:[^()]*,)?)|"
    r"\bel\('\w+',\s*(?:null|\{\}|\{[^{}]*\}),(?:[^()]*,)?)\s*(?:[^()]*\?\s*)?(?:[^()]*:\s*)?$"
)
"""Code just before a literal that hands it to the page as words."""
WORDY = re.compile(r"\b[A-Z][a-z]{2,}\b")
"""A capitalised word: prose, not an id, a class list or a CSS value."""
ALLOWED = {
    "Enter",  # a key name
    "TEXTAREA",  # a tag name
}
"""Literals that read as words but are names the code uses, each with its reason."""
READERS = {"blame_model.js", "language_guess.js"}
"""Modules that read text and never show any: their literals are English words they look for."""


def is_key(value: str) -> bool:
    return value in CATALOGUE or any(key.startswith(value) for key in CATALOGUE if value.endswith("."))


def english(literal: Literal) -> bool:
    value = literal.value
    if value in ALLOWED or is_key(value) or not re.search(r"[A-Za-z]", value):
        return False
    if WORDY.search(value):
        return True
    handed_to_page = SINKS.search(literal.before) is not None
    return handed_to_page


def english_in(source: str) -> list[str]:
    return [f"line {lit.line}: {lit.value!r}" for lit in literals(source) if english(lit)]


def test_no_module_hands_the_page_an_english_literal() -> None:
    found = {name: english_in(source) for name, source in modules().items() if name not in READERS}
    assert {name: lines for name, lines in found.items() if lines} == {}


def test_the_check_finds_english_where_the_page_shows_it() -> None:
    offending = """
import { $, el, setText } from '../dom.js';
const OUTCOMES = { done: 'Done', open: 'Not yet reviewed' };
export function render() {
  setText($('status'), ready ? 'Connected' : 'connecting');
  el('button', { type: 'button', class: 'button quiet', text: 'withdraw' });
  node.replaceChildren(userText(owner), ' · due ' + date);
  setAttr(row, 'aria-label', 'Discard: ' + text);
  showError('that looks empty');
  // A comment may say anything: 'Not sent'
  const ok = /it's fine/.test(x) && $('text-' + id) && t('status.connected');
}
"""
    assert english_in(offending) == [
        "line 3: 'Done'",
        "line 3: 'Not yet reviewed'",
        "line 5: 'Connected'",
        "line 6: 'withdraw'",
        "line 8: 'Discard: '",
        "line 9: 'that looks empty'",
    ]


class _Words(HTMLParser):
    """Text and word-bearing attributes of the page, outside comments, <script> and <style>."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self.keys: list[str] = []
        self._skip = 0
        self._title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._title = tag == "title"
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder", "alt") and value:
                self.words.append(f"{tag}[{name}]={value!r}")
            if name.startswith("data-i18n") and value:
                self.keys.append(value)

    def handle_data(self, data: str) -> None:
        # The <title> is the product's name until the page's own script sets it from the catalogue.
        if data.strip() and data.strip() != "{{languages}}" and not (self._title and data.strip() == "Retro"):
            self.words.append(repr(data.strip()))


def page_words() -> _Words:
    parser = _Words()
    parser.feed((STATIC / "index.html").read_text(encoding="utf-8"))
    return parser


def test_the_page_holds_message_ids_and_no_words() -> None:
    page = page_words()
    assert page.words == []
    assert [key for key in page.keys if key not in CATALOGUE] == []
    assert len(page.keys) > 40


def test_every_message_id_the_modules_name_is_in_the_catalogue() -> None:
    named = {
        (name, match.group(1))
        for name, source in modules().items()
        for match in re.finditer(r"\bt(?:Nodes)?\('([a-z_.0-9]+)'", source)
    }
    assert {(name, key) for name, key in named if key not in CATALOGUE and not key.endswith(".")} == set()
