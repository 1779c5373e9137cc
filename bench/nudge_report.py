"""How well the blame nudge does on the labelled retro items.

Run from the repository root: ``python bench/nudge_report.py``. Prints precision, recall, F1 and the
confusion counts for the whole set, the tuning part and the held-out part (every 5th item, never looked
at while the rules were tuned), per domain, how often each rule fires, and every false positive and false
negative.
"""

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from retro import nudge

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "blame_items.jsonl"
HELD_OUT_EVERY = 5


@dataclass(frozen=True)
class Item:
    index: int
    text: str
    blame: bool
    domain: str
    rule_ids: tuple[str, ...]

    @property
    def held_out(self) -> bool:
        return self.index % HELD_OUT_EVERY == HELD_OUT_EVERY - 1

    @property
    def flagged(self) -> bool:
        return bool(self.rule_ids)


@dataclass(frozen=True)
class Score:
    true_pos: int
    false_pos: int
    false_neg: int
    true_neg: int

    @property
    def precision(self) -> float:
        flagged = self.true_pos + self.false_pos
        return self.true_pos / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        blaming = self.true_pos + self.false_neg
        return self.true_pos / blaming if blaming else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def line(self, label: str) -> str:
        n = self.true_pos + self.false_pos + self.false_neg + self.true_neg
        return (
            f"{label:<10} n={n:<4} P={self.precision:.3f}  R={self.recall:.3f}  F1={self.f1:.3f}  "
            f"TP={self.true_pos:<3} FP={self.false_pos:<3} FN={self.false_neg:<3} TN={self.true_neg}"
        )


def load_items(path: Path = DATA) -> list[Item]:
    items = []
    for index, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        row = json.loads(line)
        text = str(row["text"])
        items.append(Item(index, text, bool(row["blame"]), str(row["domain"]), tuple(nudge.flags(text))))
    return items


def score(items: list[Item]) -> Score:
    return Score(
        true_pos=sum(1 for item in items if item.flagged and item.blame),
        false_pos=sum(1 for item in items if item.flagged and not item.blame),
        false_neg=sum(1 for item in items if not item.flagged and item.blame),
        true_neg=sum(1 for item in items if not item.flagged and not item.blame),
    )


def main() -> None:
    items = load_items()
    rules = nudge.load_rules()
    blaming = sum(item.blame for item in items)
    print(f"blame nudge: {len(rules.rules)} rules, {len(items)} labelled items ({blaming} blaming)")
    print(f"suggestion: {rules.suggestion}")
    print()
    print(score(items).line("overall"))
    print(score([item for item in items if not item.held_out]).line("tuning"))
    print(score([item for item in items if item.held_out]).line("held-out"))
    for domain in ("health", "software"):
        print(score([item for item in items if item.domain == domain]).line(domain))
    print()
    fired = Counter(rule_id for item in items for rule_id in item.rule_ids)
    print("rule hits (on all items):")
    for rule in rules.rules:
        print(f"  {fired[rule.id]:>3}  {rule.id}")
    sections = (("false positives (nudged, but well framed)", False), ("false negatives (missed)", True))
    for title, wanted_blame in sections:
        wrong = [item for item in items if item.flagged != item.blame and item.blame == wanted_blame]
        print()
        print(f"{title}: {len(wrong)}")
        for item in wrong:
            where = "held-out" if item.held_out else "tuning"
            rules_hit = f"  [{', '.join(item.rule_ids)}]" if item.rule_ids else ""
            print(f"  - ({item.domain}, {where}) {item.text}{rules_hit}")


if __name__ == "__main__":
    main()
