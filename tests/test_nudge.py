"""The gentle blame nudge: shared rules, measured on a labelled set of retro items, same answers in JS."""

import json
import re
import shutil
import subprocess
from importlib.resources import files
from pathlib import Path

import pytest
from pydantic import ValidationError

from retro import nudge

DATA = Path(__file__).parent / "data" / "blame_items.jsonl"
RULES_PATH = Path(str(files("retro").joinpath(nudge.RULES_FILE)))
HELD_OUT_EVERY = 5  # every 5th item (index 4, 9, 14, ...) was kept out of tuning


def _items() -> list[tuple[str, bool, str]]:
    rows: list[tuple[str, bool, str]] = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        assert set(row) == {"text", "blame", "domain"}
        assert isinstance(row["text"], str) and isinstance(row["blame"], bool)
        assert row["domain"] in {"health", "software"}
        rows.append((row["text"], row["blame"], row["domain"]))
    return rows


ITEMS = _items()
HELD_OUT = [item for index, item in enumerate(ITEMS) if index % HELD_OUT_EVERY == HELD_OUT_EVERY - 1]


def _precision_recall(items: list[tuple[str, bool, str]]) -> tuple[float, float]:
    predicted = [(nudge.points_at_person(text), blame) for text, blame, _ in items]
    true_pos = sum(1 for guess, blame in predicted if guess and blame)
    false_pos = sum(1 for guess, blame in predicted if guess and not blame)
    false_neg = sum(1 for guess, blame in predicted if not guess and blame)
    return true_pos / (true_pos + false_pos), true_pos / (true_pos + false_neg)


ISSUE_EXAMPLES = [
    "Sam forgot the release again",
    "whose fault was",
    "you always",
    "someone should have",
]

LEARNING_FRAMED = [
    "Thanks to Priya for covering the night shift",
    "Sam's checklist saved us",
    "We forgot the release notes — a checklist would help",
    "I should have asked for help earlier",
    "Nobody knew who owned the pager; let's name an owner",
    "The deploy failed because the config was missing",
    "the monitor failed",
    "Handover ran late",
    "What's the learning here?",
]


@pytest.mark.parametrize("text", ISSUE_EXAMPLES)
def test_the_issue_examples_are_flagged(text: str) -> None:
    assert nudge.points_at_person(text)
    assert nudge.flags(text)


@pytest.mark.parametrize("text", LEARNING_FRAMED)
def test_learning_framed_items_are_not_flagged(text: str) -> None:
    assert nudge.flags(text) == []
    assert not nudge.points_at_person(text)


def test_curly_apostrophes_from_phone_keyboards_are_read_like_straight_ones() -> None:
    assert nudge.flags("Sam didn’t check the obs") == nudge.flags("Sam didn't check the obs") != []
    assert nudge.points_at_person("Management doesn’t care about nights")


def test_unframed_items_keeps_only_the_flagged_ones_in_order() -> None:
    texts = ["Handover ran late", "Sam forgot the release again", "you always", "Sam's checklist saved us"]
    assert nudge.unframed_items(texts) == ["Sam forgot the release again", "you always"]
    assert nudge.unframed_items([]) == []


def test_the_suggestion_is_kind_and_asks_the_question() -> None:
    assert "What's the learning here?" in nudge.suggestion()
    assert nudge.suggestion() == nudge.load_rules().suggestion


def test_the_labelled_set_is_big_enough_and_mixed() -> None:
    assert len(ITEMS) >= 200
    assert len({text for text, _, _ in ITEMS}) == len(ITEMS)
    share_blaming = sum(blame for _, blame, _ in ITEMS) / len(ITEMS)
    assert 0.3 <= share_blaming <= 0.5
    for domain in ("health", "software"):
        in_domain = [blame for _, blame, item_domain in ITEMS if item_domain == domain]
        assert len(in_domain) >= 80 and any(in_domain) and not all(in_domain)


def test_precision_and_recall_on_the_whole_labelled_set() -> None:
    precision, recall = _precision_recall(ITEMS)
    assert precision >= 0.85, precision
    assert recall >= 0.75, recall


def test_precision_and_recall_on_the_held_out_part() -> None:
    assert len(HELD_OUT) >= 40
    precision, recall = _precision_recall(HELD_OUT)
    assert precision >= 0.85, precision
    assert recall >= 0.75, recall


def test_the_rules_file_validates_against_the_model() -> None:
    raw = RULES_PATH.read_bytes()
    rules = nudge.parse_rules(raw)
    assert rules == nudge.load_rules()
    assert rules.version == 1
    assert len(rules.rules) == len(json.loads(raw)["rules"])


@pytest.mark.parametrize(
    ("change", "value"),
    [
        ("pattern", "(?<=Sam) forgot"),
        ("pattern", "(?P<who>Sam) forgot"),
        ("pattern", "(?i)sam forgot"),
        ("pattern", "forgot$"),
        ("pattern", "(unclosed"),
        ("flags", "g"),
        ("id", "Has Spaces"),
    ],
)
def test_the_model_rejects_rules_python_and_javascript_read_differently(change: str, value: str) -> None:
    rule = {"id": "sam", "pattern": "Sam forgot", "flags": "", "why": "test"}
    rule[change] = value
    with pytest.raises(ValidationError):
        nudge.parse_rules(json.dumps({"version": 1, "suggestion": "Reframe?", "rules": [rule]}))


def test_the_model_rejects_duplicate_ids_and_unknown_versions() -> None:
    rule = {"id": "sam", "pattern": "Sam forgot", "flags": "", "why": "test"}
    with pytest.raises(ValidationError):
        nudge.parse_rules(json.dumps({"version": 1, "suggestion": "Reframe?", "rules": [rule, rule]}))
    with pytest.raises(ValidationError):
        nudge.parse_rules(json.dumps({"version": 2, "suggestion": "Reframe?", "rules": [rule]}))


def test_every_pattern_compiles_in_python() -> None:
    for rule in nudge.load_rules().rules:
        assert isinstance(rule.compiled(), re.Pattern), rule.id


# Texts beyond the labelled set that probe where the two engines could differ: curly quotes, line breaks,
# letters outside ASCII, case, and an empty string.
ENGINE_PROBES = [
    "",
    "Zoë forgot the release again",
    "Renée didn’t check the obs",
    "Ãlex forgot",
    "SAM FORGOT THE RELEASE",
    "sam forgot the release",
    "Handover ran late.\nSomeone should have rung the bed manager",
    "Someone should have\n",
    "Thanks\nyou always make it fun",
    "As always, thanks to the porters",
    "It was a typical busy Monday on the ward",
    "typical.",
    "Straße: the monitor failed",
    "Whose fault was it?\r\nNot mine",
    "you  always",
    "YOU NEVER answer",
]

NODE_SCRIPT = r"""
const fs = require("fs");
const rules = JSON.parse(fs.readFileSync(process.argv[1], "utf8")).rules;
const texts = JSON.parse(fs.readFileSync(0, "utf8"));
const compiled = rules.map((rule) => [rule.id, new RegExp(rule.pattern, rule.flags)]);
const out = texts.map((text) => compiled.filter(([, re]) => re.test(text)).map(([id]) => id));
process.stdout.write(JSON.stringify(out));
"""


def test_javascript_gives_the_same_answers_as_python() -> None:
    node = shutil.which("node")
    assert node is not None, "node is needed to check the phone's side of the rules"
    texts = [text for text, _, _ in ITEMS] + ENGINE_PROBES
    result = subprocess.run(
        [node, "-e", NODE_SCRIPT, str(RULES_PATH)],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        timeout=60,
    )
    in_javascript: list[list[str]] = json.loads(result.stdout)
    assert len(in_javascript) == len(texts)
    differences = [
        (text, python_ids, js_ids)
        for text, js_ids in zip(texts, in_javascript, strict=True)
        if (python_ids := nudge.flags(text)) != js_ids
    ]
    assert differences == []
    # The check is not vacuous: both sides flag plenty, and JS agrees item by item on the decision.
    assert sum(bool(ids) for ids in in_javascript) >= 80
