"""The templates that ship with retro. Teams add their own as TOML files (retro.template_files).

Their translations live beside them, in builtin_template_translations.json (by language, then template,
then prompt or question id), so that a translator edits one file per language and no Python.
"""

import json
from importlib.resources import files
from typing import Any

from retro.templates import CheckInQuestion, Prompt, Template

TRANSLATIONS_FILE = "builtin_template_translations.json"


def _translations() -> dict[str, Any]:
    data = json.loads(files("retro").joinpath(TRANSLATIONS_FILE).read_text(encoding="utf-8"))
    return {code: by_template for code, by_template in data.items() if not code.startswith("_")}


def translated(template: Template, by_locale: dict[str, Any]) -> Template:
    """The template with every translation the file gives for its prompts and check-in questions."""

    def wordings(kind: str, entry_id: str) -> dict[str, Any]:
        found = {}
        for code, by_template in by_locale.items():
            entry = by_template.get(template.name, {}).get(kind, {}).get(entry_id)
            if entry:
                found[code] = entry
        return found

    data = template.model_dump()
    for prompt in data["prompts"]:
        prompt["translations"] = wordings("prompts", prompt["id"])
    for question in data["checkin"]:
        question["translations"] = wordings("checkin", question["id"])
    return Template.model_validate(data)


_BY_LOCALE = _translations()

COMPASSIONATE = translated(
    Template(
        name="compassionate",
        title="Compassionate",
        description="Difficulties, learning and help, framed by 'What's the learning here?'",
        prompts=(
            Prompt(
                id="hard",
                text="What has been hard?",
                hint="Notice difficulties, your own and others'.",
                behaviour="attending",
            ),
            Prompt(
                id="learning",
                text="What's the learning here?",
                hint="Be curious. Withhold blame.",
                behaviour="understanding",
            ),
            Prompt(id="help", text="What would help?", behaviour="helping"),
        ),
        checkin=(
            CheckInQuestion(
                id="supported",
                text="How supported did you feel by the team?",
                low_label="Alone",
                high_label="Held",
            ),
        ),
    ),
    _BY_LOCALE,
)

START_STOP_CONTINUE = translated(
    Template(
        name="start-stop-continue",
        title="Start / stop / continue",
        description="What to begin, what to drop, what to keep.",
        prompts=(
            Prompt(id="start", text="Start", hint="What should we try?", behaviour="helping"),
            Prompt(id="stop", text="Stop", hint="What gets in our way?", behaviour="understanding"),
            Prompt(
                id="continue", text="Continue", hint="What works that we should keep?", behaviour="attending"
            ),
        ),
    ),
    _BY_LOCALE,
)

MAD_SAD_GLAD = translated(
    Template(
        name="mad-sad-glad",
        title="Mad / sad / glad",
        description="Feelings first: what frustrated, disappointed and pleased us.",
        prompts=(
            Prompt(id="mad", text="Mad", hint="What frustrated you?", behaviour="empathising"),
            Prompt(id="sad", text="Sad", hint="What disappointed you?", behaviour="empathising"),
            Prompt(id="glad", text="Glad", hint="What pleased you?", behaviour="attending"),
        ),
    ),
    _BY_LOCALE,
)

FOUR_LS = translated(
    Template(
        name="4ls",
        title="4Ls",
        description="Liked, learned, lacked, longed for.",
        prompts=(
            Prompt(id="liked", text="Liked", behaviour="attending"),
            Prompt(id="learned", text="Learned", hint="What's the learning here?", behaviour="understanding"),
            Prompt(id="lacked", text="Lacked", behaviour="empathising"),
            Prompt(id="longed-for", text="Longed for", behaviour="helping"),
        ),
    ),
    _BY_LOCALE,
)

ABC_CORE_NEEDS = translated(
    Template(
        name="abc",
        title="ABC core needs",
        description="Autonomy, belonging and contribution (West & Coia 2019).",
        prompts=(
            Prompt(
                id="autonomy",
                text="Autonomy",
                hint="Where did you have control, or lack it?",
                behaviour="helping",
            ),
            Prompt(
                id="belonging",
                text="Belonging",
                hint="When did you feel part of the team?",
                behaviour="attending",
            ),
            Prompt(
                id="contribution",
                text="Contribution",
                hint="Where did your work make a difference?",
                behaviour="understanding",
            ),
        ),
        checkin=(
            CheckInQuestion(id="autonomy", text="How much control did you have over your work?"),
            CheckInQuestion(id="belonging", text="How much did you feel you belong in the team?"),
            CheckInQuestion(id="contribution", text="How much did your work make a difference?"),
        ),
    ),
    _BY_LOCALE,
)


BUILT_IN: dict[str, Template] = {
    template.name: template
    for template in (COMPASSIONATE, START_STOP_CONTINUE, MAD_SAD_GLAD, FOUR_LS, ABC_CORE_NEEDS)
}
DEFAULT_TEMPLATE = COMPASSIONATE
