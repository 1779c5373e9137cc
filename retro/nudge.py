"""The gentle blame nudge: a small linear model that reads whether a text points at a person.

The model is one data file, ``blame_model.json`` beside this module: the lexicons (names, roles, groups,
pronouns, agentive negative verbs, intensifiers...), which of their pairings count, and integer weights for
those features and for hashed word and letter n-grams (see ``retro.blame_features``). The phone's
JavaScript loads the same file and scores the same way while the participant types, so the nudge needs no
round trip and never blocks posting; this side warns, before an export, about items that still point at
people. ``bench/train_nudge.py`` writes the file from the labelled items in ``tests/data/nudge/``.

The score is an integer sum of weights, so both sides add exactly the same numbers: the text points at a
person when the sum reaches ``threshold``; ``score`` maps it to a calibrated probability.
"""

import math
from collections.abc import Iterable
from functools import cache, cached_property
from importlib.resources import files
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

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

MODEL_FILE = "blame_model.json"
MAX_BITS = 16


class BlameModel(BaseModel):
    """The whole model file, shared with the phone page."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[3]
    suggestion: str = Field(min_length=1, max_length=200)
    hash: Literal["fnv1a32-utf8"]
    bits: int = Field(ge=4, le=MAX_BITS)
    scale: int = Field(gt=0)
    bias: int
    threshold: int
    calibration: tuple[float, float]
    """Slope and intercept mapping ``units / scale`` to a calibrated log-odds (Platt scaling)."""
    window: int = Field(ge=1, le=10)
    categories: dict[str, tuple[str, ...]]
    agents: tuple[str, ...]
    known_capitals: tuple[str, ...]
    near: tuple[tuple[str, str], ...]
    together: tuple[tuple[str, str], ...]
    subject_next: tuple[str, ...]
    """Categories of the word after an unknown capitalised sentence opener that make it a subject."""
    subject_suffixes: tuple[str, ...]
    """Endings of that next word that do the same."""
    cues: tuple[str, ...]
    """Categories that say how someone acted: ``nocue`` when none is present."""
    named: dict[str, int]
    """Weights of the named features: a category, ``A>B`` or ``A+B``."""
    weights: tuple[int, ...]
    """Weights of the hashed features, one per bucket."""

    @model_validator(mode="after")
    def _consistent(self) -> "BlameModel":
        if len(self.weights) != 1 << self.bits:
            raise ValueError(f"weights must have 2**bits = {1 << self.bits} entries")
        known = set(self.categories) | {PERSON, SUBJECT, AGENT, NO_AGENT, NO_CUE}
        if not set(self.agents) | set(self.subject_next) | set(self.cues) <= known:
            raise ValueError("agents, subject_next or cues names a category the file does not define")
        for first, second in (*self.near, *self.together):
            if first not in known or second not in known:
                raise ValueError(f"{first}/{second}: a pairing names a category the file does not define")
        for category, entries in self.categories.items():
            for entry in entries:
                if not entry or entry != entry.strip() or "  " in entry or entry != entry.lower():
                    raise ValueError(f"{category}: {entry!r} is not a lowercased word or phrase")
        return self

    @cached_property
    def lexicons(self) -> Lexicons:
        return Lexicons(
            categories=self.categories,
            known_capitals=frozenset(self.known_capitals),
            agents=frozenset(self.agents),
            near=self.near,
            together=self.together,
            window=self.window,
            subject_next=frozenset(self.subject_next),
            subject_suffixes=self.subject_suffixes,
            cues=frozenset(self.cues),
        )

    def contributions(self, text: str) -> list[tuple[str, int]]:
        """Every feature of ``text`` that carries a weight, with it, in a stable order."""
        tokens = tokenise(text)
        named = sorted(named_features(tokens, self.lexicons))
        mask = (1 << self.bits) - 1
        hashed = sorted(hashed_features(tokens))
        found = [(name, self.named[name]) for name in named if name in self.named]
        found.extend((feature, self.weights[fnv1a32(feature) & mask]) for feature in hashed)
        return [(feature, weight) for feature, weight in found if weight]

    def units(self, text: str) -> int:
        """The bias plus every weight of the text's features: the model's log-odds times ``scale``."""
        return self.bias + sum(weight for _, weight in self.contributions(text))

    def probability(self, units: int) -> float:
        """The calibrated probability for a sum of weights."""
        slope, intercept = self.calibration
        return 1.0 / (1.0 + math.exp(-(slope * units / self.scale + intercept)))

    def score(self, text: str) -> float:
        """How likely the text points at a person, between 0 and 1 (calibrated on the validation split)."""
        return self.probability(self.units(text))

    def points_at_person(self, text: str) -> bool:
        """A text with no word never does."""
        return bool(tokenise(text)) and self.units(text) >= self.threshold


def parse_model(raw: str | bytes) -> BlameModel:
    """Validate the text of a model file."""
    return BlameModel.model_validate_json(raw)


@cache
def load_model() -> BlameModel:
    """The model shipped in the ``retro`` package."""
    return parse_model(files("retro").joinpath(MODEL_FILE).read_bytes())


def suggestion() -> str:
    """The kind sentence shown beside text that points at a person: it names no one."""
    return load_model().suggestion


def score(text: str) -> float:
    return load_model().score(text)


def points_at_person(text: str) -> bool:
    """Whether ``text`` seems to point at a person rather than at what the team can learn."""
    return load_model().points_at_person(text)


def unframed_items(texts: Iterable[str]) -> list[str]:
    """The texts that still point at a person, in their original order: the warning before an export, which
    never blocks it (the export is written all the same)."""
    return [text for text in texts if points_at_person(text)]
