"""The gentle blame nudge: a linear model in one shared file, measured on labelled retro items."""

import gzip
import json
from collections import Counter

import pytest
from pydantic import ValidationError

from bench.nudge_items import DOMAINS, ITEMS, NUDGE, as_jsonl, build_items, load_items
from retro import nudge
from retro.blame_features import fnv1a32, named_features, tokenise
from server.assets import build_phone_page

ALL = load_items()
TEST = [item for item in ALL if item.split == "test"]

EVERYDAY_BLAME = [
    "Sam forgot the release again",
    "Maria skipped the checklist and the audit failed",
    "pharmacy lost the prescription again",
    "ops ignored the alert",
    "Lee's tests never pass",
    "how come Ana is allowed to leave early?",
    "management has no idea",
    "the lab couldn't care less",
    "he never listens at handover",
    "someone should have",
    "Bartek didn't log the fridge temps",
    "Halfway through the round Oksana just wandered off",
    "The agency staff left us to pick up the pieces",
    "Wonderful job from the banqueting team, said nobody ever",
]

HARD_NEGATIVES = [
    "Thanks to Priya for covering the night shift",
    "Sam's checklist saved us",
    "We forgot the release notes — a checklist would help",
    "I should have asked for help earlier",
    "I forgot the handover and learned to write it down",
    "Nobody knew who owned the pager; let's name an owner",
    "The deploy failed because the config was missing",
    "the monitor failed",
    "Handover ran late",
    "the weekend team had three admissions",
    "What's the learning here?",
    "The rota left us short on Friday",
    "We lost an hour to the printer",
    "Oksana stayed late to help us restock",
]


@pytest.mark.parametrize("text", EVERYDAY_BLAME)
def test_everyday_forms_of_blame_are_flagged(text: str) -> None:
    assert nudge.points_at_person(text)


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_praise_neutral_mentions_self_reflection_and_systems_are_not(text: str) -> None:
    assert not nudge.points_at_person(text)


@pytest.mark.parametrize("text", ["", "   ", "\n", "?!", "—"])
def test_a_text_without_words_never_points_at_anyone(text: str) -> None:
    assert not nudge.points_at_person(text)


def test_curly_apostrophes_from_phone_keyboards_are_read_like_straight_ones() -> None:
    assert nudge.load_model().units("Lee’s tests never pass") == nudge.load_model().units(
        "Lee's tests never pass"
    )
    assert nudge.points_at_person("the lab couldn’t care less")


def test_unframed_items_keeps_only_the_flagged_ones_in_order() -> None:
    texts = [
        "Handover ran late",
        "Sam forgot the release again",
        "ops ignored the alert",
        "Sam's checklist saved us",
    ]
    assert nudge.unframed_items(texts) == ["Sam forgot the release again", "ops ignored the alert"]
    assert nudge.unframed_items([]) == []


def test_the_suggestion_is_kind_asks_the_question_and_names_no_one() -> None:
    text = nudge.suggestion()
    assert "What's the learning here?" in text
    named = {token.text for token in tokenise(text)} & set(nudge.load_model().categories["person"])
    assert named == set()


def test_the_score_is_a_probability_on_the_same_side_as_the_decision() -> None:
    model = nudge.load_model()
    for text in EVERYDAY_BLAME + HARD_NEGATIVES:
        probability = nudge.score(text)
        assert 0.0 < probability < 1.0
        threshold = model.probability(model.threshold)
        assert (probability >= threshold - 1e-12) == model.points_at_person(text), text


def test_fnv1a_matches_the_published_test_vectors() -> None:
    assert fnv1a32("") == 0x811C9DC5
    assert fnv1a32("a") == 0xE40C292C
    assert fnv1a32("foobar") == 0xBF9CF968


def test_tokens_split_possessives_and_mark_mid_sentence_capitals() -> None:
    tokens = tokenise("Honestly, Lee’s “tests” never pass. Maria?")
    assert [token.text for token in tokens] == ["honestly", "lee", "'s", "tests", "never", "pass", "maria"]
    assert [token.capitalised for token in tokens] == [False, True, False, False, False, False, False]
    assert [token.opens_capitalised for token in tokens] == [True, False, False, False, False, False, True]


@pytest.mark.parametrize(
    "text", ["Bartek didn't log the temps", "Ilse flatly refuses", "Oksana's carelessness", "Kelechi again."]
)
def test_an_unknown_name_opening_a_sentence_is_a_person_when_a_deed_follows(text: str) -> None:
    assert {"person", "subject", "agent"} <= named_features(tokenise(text), nudge.load_model().lexicons)


@pytest.mark.parametrize("text", ["Handover ran late", "Halfway through the round", "Bartek.", "Wonderful"])
def test_a_common_word_or_a_lone_word_opening_a_sentence_is_not(text: str) -> None:
    assert "person" not in named_features(tokenise(text), nudge.load_model().lexicons)


def test_us_on_the_receiving_end_is_not_read_as_self_reflection() -> None:
    features = named_features(tokenise("They dumped it on us at five"), nudge.load_model().lexicons)
    assert {"negverb>us", "agent>us"} <= features and "self" not in features


# ---------------------------------------------------------------- the labelled set


def test_the_labelled_set_is_big_mixed_and_covers_the_ten_domains() -> None:
    assert len(ALL) >= 2000
    assert len({item.text for item in ALL}) == len(ALL)
    assert 0.35 <= sum(item.blame for item in ALL) / len(ALL) <= 0.6
    by_domain = Counter(item.domain for item in ALL)
    assert set(by_domain) == set(DOMAINS)
    for domain in DOMAINS:
        labels = {item.blame for item in ALL if item.domain == domain}
        assert by_domain[domain] >= 100 and labels == {True, False}, domain


def test_no_template_or_source_straddles_the_split() -> None:
    splits_of: dict[str, set[str]] = {}
    for item in ALL:
        splits_of.setdefault(item.source, set()).add(item.split)
    assert all(len(splits) == 1 for splits in splits_of.values())
    assert Counter(item.split for item in ALL).keys() == {"train", "validation", "test"}
    assert len({item.source for item in TEST if item.source.startswith("test-template:")}) >= 80


def _template_rows(name: str) -> dict[str, str]:
    rows = {}
    for line in (NUDGE / name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            template_id, template = line[2:].split(" | ", 1)
            rows[template_id] = template
    return rows


def test_the_test_split_is_its_own_writing_shared_with_no_development_template_or_item() -> None:
    """Written before tuning from its own templates and hand-written items: about 45% blaming, every domain,
    and no template id, template text, item text or source in common with train or validation."""
    development = [item for item in ALL if item.split != "test"]
    assert len(TEST) >= 500
    assert 0.40 <= sum(item.blame for item in TEST) / len(TEST) <= 0.50
    assert {item.domain for item in TEST} == set(DOMAINS)
    assert all(item.source.startswith(("test-template:", "test-free:")) for item in TEST)
    assert {item.source for item in TEST}.isdisjoint(item.source for item in development)
    assert {item.text.lower() for item in TEST}.isdisjoint(item.text.lower() for item in development)
    ours, theirs = _template_rows("test_templates.txt"), _template_rows("templates.txt")
    assert set(ours).isdisjoint(theirs) and set(ours.values()).isdisjoint(theirs.values())


def test_the_items_file_is_what_the_templates_and_hand_written_items_give() -> None:
    assert ITEMS.read_text(encoding="utf-8") == as_jsonl(build_items())


def test_precision_and_recall_on_the_untouched_test_split_meet_the_targets() -> None:
    """The issue's targets are precision 0.90 and recall 0.80 on the untouched test split. Measured once,
    after tuning on train and validation only (2026-12-01): precision 0.917, recall 0.832."""
    pairs = [(nudge.points_at_person(item.text), item.blame) for item in TEST]
    true_pos = sum(1 for flagged, blame in pairs if flagged and blame)
    precision = true_pos / sum(1 for flagged, _ in pairs if flagged)
    recall = true_pos / sum(1 for _, blame in pairs if blame)
    assert precision >= 0.90, precision
    assert recall >= 0.80, recall


# ---------------------------------------------------------------- the model file


def test_the_model_file_validates_and_is_small_once_compressed() -> None:
    model = nudge.load_model()
    assert model.version == 3 and len(model.weights) == 1 << model.bits
    packed = build_phone_page().model.gzipped
    assert packed is not None and len(packed) <= 40 * 1024, packed
    served = build_phone_page().model
    assert nudge.parse_model(served.plain) == model


def _raw_model() -> dict[str, object]:
    loaded: dict[str, object] = json.loads(nudge.load_model().model_dump_json())
    return loaded


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("version", 2),
        ("cues", ["nonsense"]),
        ("subject_next", ["nonsense"]),
        ("hash", "md5"),
        ("weights", [0, 1, 2]),
        ("near", [["person", "nonsense"]]),
        ("agents", ["nonsense"]),
        ("categories", {"person": ["Sam"]}),
        ("categories", {"person": ["two  spaces"]}),
        ("bits", 40),
        ("scale", 0),
    ],
)
def test_the_model_refuses_a_file_the_two_sides_could_read_differently(key: str, value: object) -> None:
    raw = _raw_model()
    raw[key] = value
    with pytest.raises(ValidationError):
        nudge.parse_model(json.dumps(raw))


def test_the_served_file_is_the_shipped_one_compacted() -> None:
    served = build_phone_page().model
    assert gzip.decompress(served.gzipped or b"") == served.plain
    assert json.loads(served.plain)["threshold"] == nudge.load_model().threshold
