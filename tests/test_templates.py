"""Built-in templates, and a team's own template in TOML with errors that name file, line and fault."""

from pathlib import Path

import pytest

from retro.builtin_templates import BUILT_IN, DEFAULT_TEMPLATE
from retro.template_files import TemplateError, load_template, resolve_template


def test_the_default_is_compassionate_with_the_learning_prompt_at_its_centre() -> None:
    assert DEFAULT_TEMPLATE.name == "compassionate"
    prompts = [(p.text, p.hint) for p in DEFAULT_TEMPLATE.prompts]
    assert prompts == [
        ("What has been hard?", "Notice difficulties, your own and others'."),
        ("What's the learning here?", "Be curious. Withhold blame."),
        ("What would help?", ""),
    ]
    assert DEFAULT_TEMPLATE.questions[0].text == "How motivated do you feel about work this week?"


def test_the_five_built_ins() -> None:
    assert list(BUILT_IN) == ["compassionate", "start-stop-continue", "mad-sad-glad", "4ls", "abc"]
    assert [p.text for p in BUILT_IN["abc"].prompts] == ["Autonomy", "Belonging", "Contribution"]
    assert all(len(t.questions) <= 4 for t in BUILT_IN.values())


GOOD = """
name = "ward-weekly"
title = "Ward weekly"

[[prompts]]
id = "noticed"
text = "What did you notice?"

[[prompts]]
id = "learning"
text = "What's the learning here?"
hint = "Be curious."

[[checkin]]
id = "rested"
text = "How rested do you feel?"
high = 5
"""


def test_a_team_template_loads_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "ward.toml"
    path.write_text(GOOD)
    template = resolve_template(str(path))
    assert template.title == "Ward weekly"
    assert [q.id for q in template.questions] == ["motivation", "rested"]


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (
            GOOD.replace('id = "noticed"', 'id = "Not A Slug"'),
            ":6: prompts[1].id: String should match pattern",
        ),
        (
            GOOD.replace("high = 5", "high = 50"),
            ":17: checkin[1].high: Input should be less than or equal to 10",
        ),
        (GOOD.replace('text = "What did you notice?"\n', ""), ":5: prompts[1].text: Field required"),
        (GOOD.replace('title = "Ward weekly"', 'title = "Ward weekly'), ": not valid TOML: "),
        (GOOD.replace("title =", "colour = 'blue'\ntitle ="), ":3: colour: Extra inputs are not permitted"),
    ],
)
def test_a_bad_template_names_the_file_the_line_and_the_fault(
    tmp_path: Path, broken: str, expected: str
) -> None:
    path = tmp_path / "ward.toml"
    path.write_text(broken)
    with pytest.raises(TemplateError) as refused:
        load_template(path)
    message = str(refused.value)
    assert message.startswith(str(path))
    assert expected in message


def test_an_unknown_name_lists_the_built_ins() -> None:
    with pytest.raises(TemplateError) as refused:
        resolve_template("retro-of-doom")
    assert "compassionate, start-stop-continue, mad-sad-glad, 4ls, abc" in str(refused.value)


def test_the_documented_example_template_loads() -> None:
    example = Path(__file__).parent.parent / "docs" / "examples" / "ward-weekly.toml"
    template = load_template(example)
    assert [q.id for q in template.questions] == ["motivation", "rested"]


def test_a_template_files_text_is_cleaned_and_kept_on_one_line(tmp_path: Path) -> None:
    hostile = (
        GOOD.replace('title = "Ward weekly"', 'title = "\\u001b]0;pwned\\u0007Ward\\nweekly"')
        .replace('"What did you notice?"', '"What did you\\r\\u2028notice?\\u202e"')
        .replace('hint = "Be curious."', 'hint = "Be\\u009b31m curious.\\u0007"')
        .replace('text = "How rested do you feel?"', 'text = "How rested\\u0085do you feel?"')
    )
    path = tmp_path / "ward.toml"
    path.write_text(hostile)
    template = load_template(path)
    assert template.title == "Ward weekly"
    assert [(p.text, p.hint) for p in template.prompts] == [
        ("What did you notice?", ""),
        ("What's the learning here?", "Be curious."),
    ]
    assert template.checkin[0].text == "How rested do you feel?"


def test_a_template_title_of_nothing_but_escapes_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "ward.toml"
    path.write_text(GOOD.replace('title = "Ward weekly"', 'title = "\\u001b[2J\\u0007"'))
    with pytest.raises(TemplateError) as refused:
        load_template(path)
    assert ":3: title: String should have at least 1 character" in str(refused.value)
