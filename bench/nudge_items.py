"""The blame nudge's labelled items: templates filled with each domain's words, hand-written items, and the
first 256 items, in one JSONL file with each item's source and split.

Run from the repository root: ``python -m bench.nudge_items`` rewrites ``tests/data/nudge/items.jsonl``
(the same bytes every time). Every item carries its source: a template's id, or a hand-written item's own
id.

The test split has files of its own (``test_templates.txt``, ``test_slots.json``, ``test_free.txt``), written
before any tuning (the third such split; the second, spent once measured, is now development data as
``round2_*``): its templates, slot words and names are its own, so no template is shared with the
development data. The development data (everything else) is split into train and validation by source, so
the filled-in copies of one template are all on one side: near-duplicates never straddle the split.
"""

import hashlib
import json
import random
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
NUDGE = DATA / "nudge"
ITEMS = NUDGE / "items.jsonl"
FIRST_SET = DATA / "blame_items.jsonl"
DOMAINS = (
    "health",
    "software",
    "school",
    "retail",
    "call-centre",
    "lab",
    "construction",
    "hospitality",
    "charity",
    "public-service",
)
COPIES = {True: 8, False: 12}
"""How many filled-in copies of a blaming and of a well-framed template."""
TEST_COPIES = {True: 6, False: 7}
VALIDATION_SHARE = 1
VALIDATION_OF = 4
"""Of every four development sources (by a salted hash), one is validation; the rest train."""
TEST_PREFIX = "test-"
_SLOT = re.compile(r"\{(\w+)\}")
_LINE = re.compile(r"^([+-]) ([\w-]+) \| (.+)$")

Split = Literal["train", "validation", "test"]


@dataclass(frozen=True)
class Item:
    text: str
    blame: bool
    domain: str
    source: str
    split: Split


def split_of(source: str) -> Split:
    if source.startswith(TEST_PREFIX):
        return "test"
    bucket = int.from_bytes(hashlib.sha256(f"development:{source}".encode()).digest()[:4], "big")
    return "validation" if bucket % VALIDATION_OF < VALIDATION_SHARE else "train"


def _rows(path: Path) -> list[tuple[bool, str, str]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise ValueError(f"{path.name}:{number}: not '<+|-> <id> | <text>'")
        rows.append((match.group(1) == "+", match.group(2), match.group(3)))
    return rows


def _capitalised(text: str) -> str:
    return text[0].upper() + text[1:]


def _filled(template: str, words: dict[str, list[str]], chooser: random.Random) -> str:
    return _SLOT.sub(lambda slot: chooser.choice(words[slot.group(1)]), template)


def templated(
    seen: set[str],
    templates: Path = NUDGE / "templates.txt",
    slot_file: Path = NUDGE / "slots.json",
    kind: str = "template",
    copies: dict[bool, int] = COPIES,
) -> list[Item]:
    slots = json.loads(slot_file.read_text(encoding="utf-8"))
    items = []
    for blame, template_id, template in _rows(templates):
        source = f"{kind}:{template_id}"
        chooser = random.Random(source)
        first_domain = chooser.randrange(len(DOMAINS))
        made = 0
        for attempt in range(copies[blame] * 5):
            if made == copies[blame]:
                break
            domain = DOMAINS[(first_domain + attempt) % len(DOMAINS)]
            words = slots["domains"][domain] | {"name": slots["name"]}
            text = _capitalised(_filled(template, words, chooser))
            if text not in seen:
                seen.add(text)
                items.append(Item(text, blame, domain, source, split_of(source)))
                made += 1
    return items


def hand_written(seen: set[str], path: Path = NUDGE / "free.txt", kind: str = "free") -> list[Item]:
    items = []
    for number, (blame, domain, text) in enumerate(_rows(path), 1):
        if domain not in DOMAINS:
            raise ValueError(f"{path.name} item {number}: unknown domain {domain}")
        source = f"{kind}:{number:03d}"
        if text not in seen:
            seen.add(text)
            items.append(Item(text, blame, domain, source, split_of(source)))
    return items


def first_set(seen: set[str]) -> list[Item]:
    items = []
    for number, line in enumerate(FIRST_SET.read_text(encoding="utf-8").splitlines(), 1):
        row = json.loads(line)
        source = f"first:{number:03d}"
        if row["text"] not in seen:
            seen.add(row["text"])
            items.append(Item(row["text"], row["blame"], row["domain"], source, split_of(source)))
    return items


def test_items(seen: set[str]) -> list[Item]:
    """The untouched test split: its own templates, slot words and hand-written items."""
    made = templated(
        seen, NUDGE / "test_templates.txt", NUDGE / "test_slots.json", TEST_PREFIX + "template", TEST_COPIES
    )
    return made + hand_written(seen, NUDGE / "test_free.txt", TEST_PREFIX + "free")


def round_two(seen: set[str]) -> list[Item]:
    """The second test split, measured once and then moved into development: a test split is spent once
    its misses have been read."""
    made = templated(
        seen, NUDGE / "round2_templates.txt", NUDGE / "round2_slots.json", "round2-template", TEST_COPIES
    )
    return made + hand_written(seen, NUDGE / "round2_free.txt", "round2-free")


def build_items() -> list[Item]:
    seen: set[str] = set()
    development = templated(seen) + hand_written(seen) + first_set(seen) + round_two(seen)
    return development + test_items(seen)


def as_jsonl(items: list[Item]) -> str:
    return "".join(json.dumps(asdict(item), ensure_ascii=False) + "\n" for item in items)


def load_items(path: Path = ITEMS) -> list[Item]:
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        items.append(Item(row["text"], row["blame"], row["domain"], row["source"], row["split"]))
    return items


def main() -> None:
    items = build_items()
    ITEMS.write_text(as_jsonl(items), encoding="utf-8")
    blaming = sum(item.blame for item in items)
    print(f"{len(items)} items ({blaming} blaming) from {len({item.source for item in items})} sources")
    for split in ("train", "validation", "test"):
        part = [item for item in items if item.split == split]
        print(f"  {split:<10} {len(part):>5} items, {sum(item.blame for item in part):>4} blaming")


if __name__ == "__main__":
    main()
