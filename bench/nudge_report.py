"""How well the blame nudge does on its labelled retro items.

Run from the repository root: ``python -m bench.nudge_report``. Prints precision and recall on each split
(the test split played no part in training or in choosing the threshold), on the first 256 items alone,
per domain and per kind of source, and every miss and false nudge on the test split with the features
that weighed most. ``python -m bench.train_nudge --report`` prints the 5-fold cross-validation.

The two independently written sets the issue quotes (125 and 300 items) are not in this repository, so
they cannot be reported here.
"""

from collections.abc import Sequence

from bench.nudge_items import DOMAINS, Item, load_items
from bench.train_nudge import Counts, counts
from retro.nudge import BlameModel, load_model

STRONGEST = 4


def measured(model: BlameModel, items: Sequence[Item]) -> Counts:
    return counts([(model.points_at_person(item.text), item.blame) for item in items])


def why(model: BlameModel, text: str) -> str:
    heaviest = sorted(model.contributions(text), key=lambda pair: -abs(pair[1]))[:STRONGEST]
    return ", ".join(f"{feature} {weight:+d}" for feature, weight in heaviest)


def main() -> None:
    model = load_model()
    items = load_items()
    print(f"blame nudge: {len(items)} labelled items ({sum(item.blame for item in items)} blaming)")
    print(f"threshold {model.threshold} (log-odds x {model.scale}); suggestion: {model.suggestion}")
    print()
    for split in ("train", "validation", "test"):
        print(measured(model, [item for item in items if item.split == split]).line(f"{split} split"))
    print(
        measured(model, [item for item in items if item.source.startswith("first:")]).line("first 256 items")
    )
    print()
    test = [item for item in items if item.split == "test"]
    for domain in DOMAINS:
        print(measured(model, [item for item in test if item.domain == domain]).line(f"test: {domain}"))
    for kind in ("template", "free", "first"):
        part = [item for item in test if item.source.startswith(kind + ":")]
        print(measured(model, part).line(f"test: {kind} items"))
    sections = (("false nudges on the test split", False), ("misses on the test split", True))
    for title, wanted in sections:
        wrong = [
            item for item in test if model.points_at_person(item.text) != item.blame and item.blame == wanted
        ]
        print()
        print(f"{title}: {len(wrong)}")
        for item in wrong:
            print(f"  - ({item.source}) {item.text}  [{why(model, item.text)}]")


if __name__ == "__main__":
    main()
