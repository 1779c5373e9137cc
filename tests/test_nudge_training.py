"""The shipped model is what bench/train_nudge.py gives from the labelled items: training is reproducible."""

from bench import train_nudge
from bench.nudge_items import load_items


def test_the_shipped_model_file_is_exactly_what_training_writes() -> None:
    first = train_nudge.build_model(load_items())
    assert train_nudge.MODEL.read_text(encoding="utf-8") == first.text
    assert train_nudge.build_model(load_items()).text == first.text


def test_the_threshold_reaches_the_target_precision_across_the_folds() -> None:
    trained = train_nudge.build_model(load_items())
    pairs = [pair for fold in trained.folds for pair in fold]
    threshold = train_nudge.lowest_threshold(pairs, train_nudge.TARGET_PRECISION)
    flagged = [blame for units, blame in pairs if units >= threshold]
    assert sum(flagged) / len(flagged) >= train_nudge.TARGET_PRECISION
    assert len(trained.folds) == train_nudge.FOLDS
