"""The shipped model is what bench/train_nudge.py gives from the labelled items: training is reproducible."""

from functools import cache

from bench import train_nudge
from bench.nudge_items import load_items
from retro.nudge import parse_model


@cache
def _trained() -> train_nudge.Trained:
    return train_nudge.build_model(load_items())


def test_the_shipped_model_file_is_exactly_what_training_writes() -> None:
    assert train_nudge.MODEL.read_text(encoding="utf-8") == _trained().text
    assert train_nudge.build_model(load_items()).text == _trained().text


def test_the_threshold_is_the_lowest_at_which_the_folds_and_validation_together_reach_the_target() -> None:
    """Chosen on the out-of-fold scores and the validation split together, not on validation alone."""
    trained = _trained()
    model = parse_model(trained.text)
    validation = [(model.units(item.text), item.blame) for item in load_items() if item.split == "validation"]
    pairs = [pair for fold in trained.folds for pair in fold] + validation
    assert model.threshold == train_nudge.lowest_threshold(pairs, train_nudge.TARGET_PRECISION)
    flagged = [blame for units, blame in pairs if units >= model.threshold]
    assert sum(flagged) / len(flagged) >= train_nudge.TARGET_PRECISION
    assert len(trained.folds) == train_nudge.FOLDS
