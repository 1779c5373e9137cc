"""A team's own pulse bank in TOML: it loads, every mistake is named with the file and the line, and no
text at all makes the loader fail in any other way."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from retro.pulse.bank_files import BankError, load_bank
from retro.pulse.lifecycle import open_pulse
from retro.pulse.questions import Need
from retro.sqlite_store import SqliteStore

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
GOOD = '[[question]]\nid = "rota-fair"\ntext = "The rota this week was fair."\nneed = "workload"\n'
SECOND = '\n[[question]]\nid = "{id}"\ntext = "{text}"\nneed = "{need}"\n'


def written(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bank.toml"
    path.write_text(text, encoding="utf-8", newline="")
    return path


def test_a_teams_own_bank_loads_and_a_pulse_asks_from_it(tmp_path: Path, store: SqliteStore) -> None:
    bank = load_bank(
        written(tmp_path, GOOD + SECOND.format(id="breaks-covered", text="Breaks: covered", need="support"))
    )
    assert [(q.id, q.need, q.low, q.high) for q in bank] == [
        ("rota-fair", Need.WORKLOAD, 1, 5),
        ("breaks-covered", Need.SUPPORT, 1, 5),
    ]
    record = open_pulse(store.pulses, team="Ward 7", now=MONDAY, bank=bank, pinned="breaks-covered")
    assert [q.id for q in record.questions] == ["motivation", "breaks-covered", "rota-fair"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            GOOD + SECOND.format(id="rota", text="Rota", need="weather"),
            ":9: question[2].need: Input should be ",
        ),
        (GOOD + '\n[[question]]\nid = "rota"\nneed = "support"\n', ":6: question[2].text: Field required."),
        (GOOD + "colour = 'blue'\n", ":5: question[1].colour: Extra inputs are not permitted."),
        (GOOD + "high = 11\n", ":5: question[1].high: Input should be less than or equal to 10."),
        (
            GOOD + SECOND.format(id="rota-fair", text="Again", need="support"),
            ":7: question[2].id: 'rota-fair' is used",
        ),
        (
            SECOND.format(id="motivation", text="Motivated?", need="support"),
            ":3: question[1].id: motivation and help",
        ),
        (
            SECOND.format(id="help", text="Help?", need="support"),
            ":3: question[1].id: motivation and help are",
        ),
        (
            SECOND.format(id="Not A Slug", text="Fine", need="support"),
            ":3: question[1].id: String should match",
        ),
        (
            SECOND.format(id="blank", text="\u200b ", need="support"),
            ":4: question[1].text: String should have",
        ),
        ("# the ward's bank\n\n[question]\nid = 'a'\n", ":3: write each question under its own [[question]]"),
        ("question = [{id = 'a', text = 't', need = 'nope'}]\n", ":1: question[1].need: Input should be "),
        ("title = 'ours'\n", ": question: Field required."),
        ("question = []\n", ":1: question: Tuple should have at least 1 item"),
        ("# fine\n\n[[question]\n", ":3: not valid TOML: "),
        (
            "# a line\u2028separator\n" + SECOND.format(id="x", text="X", need="weather"),
            ":6: question[1].need: ",
        ),
    ],
    ids=[
        "unknown need",
        "missing text",
        "extra key",
        "scale too long",
        "repeated id",
        "motivation is taken",
        "help is taken",
        "id not a slug",
        "invisible text",
        "single brackets",
        "inline tables",
        "no questions",
        "empty list",
        "broken TOML",
        "only newlines break lines",
    ],
)
def test_each_mistake_is_named_with_the_file_and_the_line(tmp_path: Path, text: str, expected: str) -> None:
    path = written(tmp_path, text)
    with pytest.raises(BankError) as error:
        load_bank(path)
    assert str(error.value).startswith(f"{path}{expected}")


def test_a_file_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    with pytest.raises(BankError, match=r"missing\.toml: cannot read the questions: No such file"):
        load_bank(tmp_path / "missing.toml")
    latin = tmp_path / "latin.toml"
    latin.write_bytes(GOOD.replace("fair", "f\xe4ir").encode("latin-1"))
    with pytest.raises(BankError, match=r"latin\.toml: cannot read the questions: it is not UTF-8 text\."):
        load_bank(latin)
    deep = written(tmp_path, "question = " + "[" * 5000 + "]" * 5000)
    with pytest.raises(BankError, match="nested too deeply"):
        load_bank(deep)


FRAGMENTS = st.sampled_from(
    [
        "[[question]]\n",
        "[question]\n",
        "[[question.scale]]\n",
        "[other]\n",
        'id = "rota-fair"\n',
        'id = "motivation"\n',
        "id = 7\n",
        'text = "The rota was fair."\n',
        'text = """two\nlines"""\n',
        "text = ''\n",
        'need = "workload"\n',
        'need = "weather"\n',
        "low = 0\n",
        "high = 10\n",
        "high = -1\n",
        "low_label = 'Never'\n",
        "question = []\n",
        "question = [{id = 'a', text = 't', need = 'support'}]\n",
        "question = 'x'\n",
        "x.y.z = 1\n",
        "# comment\u2028\n",
        "\r\n",
        "[[",
        '"',
    ]
)
TOML_ISH = st.lists(FRAGMENTS | st.text(max_size=12), max_size=16).map("".join)
ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=300)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(TOML_ISH | ANY_TEXT)
@example("question = " + "{a = " * 3000 + "1" + "}" * 3000)
@example(GOOD)
def test_no_text_makes_the_loader_fail_but_with_its_own_error(tmp_path: Path, text: str) -> None:
    path = written(tmp_path, text)
    try:
        bank = load_bank(path)
    except BankError as error:
        assert str(error).startswith(str(path)) and str(error).endswith(".")
    else:
        assert bank and len({question.id for question in bank}) == len(bank)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200))
def test_no_bytes_make_the_loader_fail_but_with_its_own_error(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "bank.toml"
    path.write_bytes(raw)
    try:
        load_bank(path)
    except BankError as error:
        assert str(error).startswith(str(path))
