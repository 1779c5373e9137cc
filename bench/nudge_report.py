"""How well the blame nudge does on its labelled retro items.

Run from the repository root: ``python -m bench.nudge_report``. Prints precision and recall on train and
validation, on the first 256 items alone, per domain and per kind of source, and every miss and false nudge
on the validation split with the features that weighed most. ``--test`` does the same on the test split,
which played no part in training or in choosing anything: run it once, at the end.
``python -m bench.train_nudge --report`` prints the 5-fold cross-validation.

The two independently written sets the issue quotes (125 and 300 items) are not in this repository, so
they cannot be reported here.
"""

import sys
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


def main(argv: Sequence[str] | None = None) -> None:
    shown = "test" if "--test" in (sys.argv[1:] if argv is None else argv) else "validation"
    model = load_model()
    items = load_items()
    print(f"blame nudge: {len(items)} labelled items ({sum(item.blame for item in items)} blaming)")
    print(f"threshold {model.threshold} (log-odds x {model.scale}); suggestion: {model.suggestion}")
    print()
    for split in ("train", "validation", "test") if shown == "test" else ("train", "validation"):
        print(measured(model, [item for item in items if item.split == split]).line(f"{split} split"))
    print(
        measured(model, [item for item in items if item.source.startswith("first:")]).line("first 256 items")
    )
    print()
    part = [item for item in items if item.split == shown]
    for domain in DOMAINS:
        print(measured(model, [item for item in part if item.domain == domain]).line(f"{shown}: {domain}"))
    kinds = (
        ("test-template", "test-free")
        if shown == "test"
        else ("template", "free", "first", "round2-template", "round2-free")
    )
    for kind in kinds:
        of_kind = [item for item in part if item.source.startswith(kind + ":")]
        print(measured(model, of_kind).line(f"{shown}: {kind} items"))
    sections = ((f"false nudges on the {shown} split", False), (f"misses on the {shown} split", True))
    for title, wanted in sections:
        wrong = [
            item for item in part if model.points_at_person(item.text) != item.blame and item.blame == wanted
        ]
        print()
        print(f"{title}: {len(wrong)}")
        for item in wrong:
            print(f"  - ({item.source}) {item.text}  [{why(model, item.text)}]")


if __name__ == "__main__":
    main()
