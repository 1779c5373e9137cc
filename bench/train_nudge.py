"""Train the blame nudge's model and write ``retro/blame_model.json``: the same bytes on every run.

Run from the repository root: ``python -m bench.train_nudge`` (``--check`` only says whether the shipped
file is what training gives now; ``--report`` also prints 5-fold cross-validation and the test split).

Logistic regression, in plain Python: stochastic gradient descent over the training split in an order
fixed by a seeded generator, L2 regularisation, a learning rate that decays per epoch. The weights are
rounded to integers (times ``SCALE``), so the phone and Python add exactly the same numbers. The threshold
is the lowest whose precision on the validation split is at least ``TARGET_PRECISION``, and the score is
calibrated on the validation split too (Platt scaling). The test split is never used for training or for
choosing anything; ``--report --test`` measures it.
"""

import argparse
import json
import math
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.nudge_items import Item, load_items
from retro.blame_features import (
    AGENT,
    NO_AGENT,
    NO_CUE,
    PERSON,
    SUBJECT,
    Lexicons,
    fnv1a32,
    hashed_features,
    named_features,
    tokenise,
)
from retro.nudge import BlameModel, parse_model

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "retro" / "blame_model.json"
LEXICONS = Path(__file__).resolve().parent / "nudge_lexicons.json"
SUGGESTION = (
    "This seems to point at a person. Could you reframe it around what happened and what the team can "
    "learn? What's the learning here?"
)
BITS = 12
SCALE = 1000
SEED = 20240614
EPOCHS = 16
LEARNING_RATE = 0.25
DECAY = 0.15
L2_HASHED = 1e-2
L2_NAMED = 1e-3
TARGET_PRECISION = 0.92
HASHED_STEP = 8
"""Hashed weights are rounded to multiples of this: the file compresses better, the score barely moves."""
FOLDS = 5

Sparse = list[tuple[int, float]]


def lexicon_entry(entry: str) -> str:
    """An entry as the tokeniser reads it: "on-call" becomes "on call"; "'s" stays itself."""
    if entry == "'s":
        return entry
    return " ".join(token.text for token in tokenise(entry))


@dataclass(frozen=True)
class Design:
    """What the features are: the lexicons, and every named feature in a fixed order."""

    lexicons: Lexicons
    named: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.named) + (1 << BITS)

    def vector(self, text: str) -> Sparse:
        tokens = tokenise(text)
        index = {name: position for position, name in enumerate(self.named)}
        counts: dict[int, float] = {index[name]: 1.0 for name in named_features(tokens, self.lexicons)}
        mask = (1 << BITS) - 1
        for feature in hashed_features(tokens):
            bucket = len(self.named) + (fnv1a32(feature) & mask)
            counts[bucket] = counts.get(bucket, 0.0) + 1.0
        return sorted(counts.items())


def load_design() -> tuple[Design, dict[str, object]]:
    raw = json.loads(LEXICONS.read_text(encoding="utf-8"))
    categories = {
        category: tuple(sorted({lexicon_entry(entry) for entry in entries} - {""}))
        for category, entries in raw["categories"].items()
    }
    known_capitals = tuple(sorted({lexicon_entry(entry) for entry in raw["known_capitals"]} - {""}))
    near = tuple((first, second) for first, second in raw["near"])
    together = tuple((first, second) for first, second in raw["together"])
    agents = tuple(raw["agents"])
    subject_next = tuple(raw["subject_next"])
    subject_suffixes = tuple(raw["subject_suffixes"])
    lexicons = Lexicons(
        categories,
        frozenset(known_capitals),
        frozenset(agents),
        near,
        together,
        raw["window"],
        frozenset(subject_next),
        subject_suffixes,
        frozenset(raw["cues"]),
    )
    named = (
        *sorted(set(categories) | {PERSON, SUBJECT, AGENT, NO_AGENT, NO_CUE}),
        *(f"{first}>{second}" for first, second in near),
        *(f"{first}+{second}" for first, second in together),
    )
    parts: dict[str, object] = {
        "window": raw["window"],
        "categories": categories,
        "agents": agents,
        "known_capitals": known_capitals,
        "near": near,
        "together": together,
        "subject_next": subject_next,
        "subject_suffixes": subject_suffixes,
        "cues": tuple(raw["cues"]),
    }
    return Design(lexicons, named), parts


def train(design: Design, vectors: Sequence[Sparse], labels: Sequence[bool]) -> tuple[float, list[float]]:
    """Bias and weights, by SGD with L2 kept lazily as one scale factor per kind of feature."""
    named_count = len(design.named)
    values = [0.0] * design.size
    scales = [1.0, 1.0]  # named, hashed: each weight is values[i] * scales[kind]
    bias = 0.0
    order = list(range(len(vectors)))
    shuffler = random.Random(SEED)
    for epoch in range(EPOCHS):
        shuffler.shuffle(order)
        rate = LEARNING_RATE / (1.0 + DECAY * epoch)
        shrink = (1.0 - rate * L2_NAMED, 1.0 - rate * L2_HASHED)
        for position in order:
            vector = vectors[position]
            margin = bias + sum(values[i] * scales[i >= named_count] * x for i, x in vector)
            error = (1.0 if labels[position] else 0.0) - 1.0 / (
                1.0 + math.exp(-max(-30.0, min(30.0, margin)))
            )
            scales = [scales[0] * shrink[0], scales[1] * shrink[1]]
            for i, x in vector:
                values[i] += rate * error * x / scales[i >= named_count]
            bias += rate * error
        values = [value * scales[i >= named_count] for i, value in enumerate(values)]
        scales = [1.0, 1.0]
    return bias, values


def calibration(scored: Sequence[tuple[int, bool]]) -> tuple[float, float]:
    """Platt scaling: the slope and intercept that make ``sigmoid(slope * units / SCALE + intercept)`` the
    best probability for ``scored`` (log-loss, by Newton's method), rounded so the file reads the same."""
    slope, intercept = 1.0, 0.0
    for _ in range(50):
        gradient = [0.0, 0.0]
        hessian = [[1e-9, 0.0], [0.0, 1e-9]]
        for units, blame in scored:
            x = units / SCALE
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, slope * x + intercept))))
            error, weight = p - (1.0 if blame else 0.0), p * (1.0 - p)
            gradient = [gradient[0] + error * x, gradient[1] + error]
            hessian[0][0] += weight * x * x
            hessian[0][1] += weight * x
            hessian[1][1] += weight
        determinant = hessian[0][0] * hessian[1][1] - hessian[0][1] ** 2
        slope -= (hessian[1][1] * gradient[0] - hessian[0][1] * gradient[1]) / determinant
        intercept -= (hessian[0][0] * gradient[1] - hessian[0][1] * gradient[0]) / determinant
    return round(slope, 6), round(intercept, 6)


def quantised(value: float, step: int = 1) -> int:
    """``value`` times ``SCALE``, rounded to a multiple of ``step``."""
    return step * int(round(value * SCALE / step))


def lowest_threshold(scored: Sequence[tuple[int, bool]], target: float) -> int:
    """The lowest threshold whose precision on ``scored`` reaches ``target`` (recall is then highest)."""
    for threshold in sorted({score for score, _ in scored}):
        flagged = [blame for score, blame in scored if score >= threshold]
        if flagged and sum(flagged) / len(flagged) >= target:
            return threshold
    return max(score for score, _ in scored) + 1


@dataclass(frozen=True)
class Fitted:
    bias: int
    weights: list[int]

    def units(self, vector: Sparse) -> int:
        return self.bias + sum(self.weights[i] * int(x) for i, x in vector)


def fitted(design: Design, vectors: Sequence[Sparse], labels: Sequence[bool]) -> Fitted:
    bias, values = train(design, vectors, labels)
    named_count = len(design.named)
    return Fitted(
        quantised(bias),
        [quantised(value, 1 if i < named_count else HASHED_STEP) for i, value in enumerate(values)],
    )


def fold_of(source: str) -> int:
    return fnv1a32(source) % FOLDS


def out_of_fold(
    design: Design, items: Sequence[Item], vectors: Sequence[Sparse]
) -> list[list[tuple[int, bool]]]:
    """For each of five folds grouped by source: (units, blame) of its items, from a model fitted on the
    other four."""
    folds = []
    for fold in range(FOLDS):
        inside = [index for index, item in enumerate(items) if fold_of(item.source) != fold]
        model = fitted(design, [vectors[i] for i in inside], [items[i].blame for i in inside])
        folds.append(
            [
                (model.units(vector), item.blame)
                for item, vector in zip(items, vectors, strict=True)
                if fold_of(item.source) == fold
            ]
        )
    return folds


def model_text(
    design: Design, parts: dict[str, object], model: Fitted, threshold: int, calibrated: tuple[float, float]
) -> str:
    named_count = len(design.named)
    fields: dict[str, object] = {
        "version": 3,
        "suggestion": SUGGESTION,
        "hash": "fnv1a32-utf8",
        "bits": BITS,
        "scale": SCALE,
        "bias": model.bias,
        "threshold": threshold,
        "calibration": list(calibrated),
        **parts,
        "named": dict(zip(design.named, model.weights[:named_count], strict=True)),
        "weights": model.weights[named_count:],
    }
    lines = [f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


@dataclass(frozen=True)
class Trained:
    text: str
    """The model file."""
    folds: list[list[tuple[int, bool]]]
    """Cross-validation over the train split: each fold's (units, blame)."""


def build_model(items: Sequence[Item]) -> Trained:
    """Weights fitted on the train split; the threshold, the lowest at which the validation split reaches
    the target precision (so recall there is the best it can be). The 5-fold cross-validation over the train
    split (grouped by source) is for the report."""
    design, parts = load_design()
    training = [item for item in items if item.split == "train"]
    validation = [item for item in items if item.split == "validation"]
    vectors = [design.vector(item.text) for item in training]
    folds = out_of_fold(design, training, vectors)
    model = fitted(design, vectors, [item.blame for item in training])
    scored = [(model.units(design.vector(item.text)), item.blame) for item in validation]
    threshold = lowest_threshold([*scored, *(pair for fold in folds for pair in fold)], TARGET_PRECISION)
    return Trained(model_text(design, parts, model, threshold, calibration(scored)), folds)


@dataclass(frozen=True)
class Counts:
    true_pos: int = 0
    false_pos: int = 0
    false_neg: int = 0
    true_neg: int = 0

    @property
    def precision(self) -> float:
        flagged = self.true_pos + self.false_pos
        return self.true_pos / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        blaming = self.true_pos + self.false_neg
        return self.true_pos / blaming if blaming else 1.0

    def line(self, label: str) -> str:
        n = self.true_pos + self.false_pos + self.false_neg + self.true_neg
        return (
            f"{label:<22} n={n:<5} P={self.precision:.3f}  R={self.recall:.3f}  "
            f"TP={self.true_pos:<4} FP={self.false_pos:<4} FN={self.false_neg:<4} TN={self.true_neg}"
        )


def counts(pairs: Sequence[tuple[bool, bool]]) -> Counts:
    """From (flagged, blame) pairs."""
    return Counts(
        true_pos=sum(1 for flagged, blame in pairs if flagged and blame),
        false_pos=sum(1 for flagged, blame in pairs if flagged and not blame),
        false_neg=sum(1 for flagged, blame in pairs if not flagged and blame),
        true_neg=sum(1 for flagged, blame in pairs if not flagged and not blame),
    )


def evaluate(model: BlameModel, items: Sequence[Item]) -> Counts:
    return counts([(model.points_at_person(item.text), item.blame) for item in items])


def report(
    items: Sequence[Item],
    model: BlameModel,
    folds: Sequence[Sequence[tuple[int, bool]]],
    with_test: bool = False,
) -> None:
    results = [counts([(units >= model.threshold, blame) for units, blame in fold]) for fold in folds]
    for fold, result in enumerate(results):
        print(result.line(f"cross-validation {fold + 1}/{FOLDS}"))
    pooled = Counts(
        *(sum(getattr(result, name) for result in results) for name in Counts.__dataclass_fields__)
    )
    print(pooled.line("cross-validation, all"))
    for split in ("train", "validation", "test") if with_test else ("train", "validation"):
        print(evaluate(model, [item for item in items if item.split == split]).line(f"{split} split"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare the shipped file with a fresh run")
    parser.add_argument("--report", action="store_true", help="also print cross-validation and the splits")
    parser.add_argument("--test", action="store_true", help="with --report, measure the test split too")
    args = parser.parse_args(argv)
    items = load_items()
    trained = build_model(items)
    text = trained.text
    if args.check:
        same = MODEL.read_text(encoding="utf-8") == text
        print("retro/blame_model.json is what training gives" if same else "retro/blame_model.json is stale")
        return 0 if same else 1
    MODEL.write_text(text, encoding="utf-8")
    model = parse_model(text)
    print(f"wrote {MODEL.relative_to(ROOT)}: {len(text.encode())} bytes, threshold {model.threshold}")
    if args.report:
        report(items, model, trained.folds, args.test)
    return 0


if __name__ == "__main__":
    sys.exit(main())
