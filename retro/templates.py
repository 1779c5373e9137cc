"""Retro templates: the prompts participants write under."""

from pydantic import BaseModel, ConfigDict, Field


class Prompt(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,31}$")
    """Stable key used by commands and exports."""
    text: str = Field(min_length=1, max_length=80)
    hint: str = Field(default="", max_length=120)
    behaviour: str = Field(default="", max_length=20)
    """Which of the four compassionate behaviours the prompt draws on."""


class Template(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,31}$")
    title: str = Field(min_length=1, max_length=60)
    prompts: tuple[Prompt, ...] = Field(min_length=1, max_length=6)

    def prompt(self, prompt_id: str) -> Prompt | None:
        return next((p for p in self.prompts if p.id == prompt_id), None)


COMPASSIONATE = Template(
    name="compassionate",
    title="Compassionate",
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
)

BUILT_IN: dict[str, Template] = {COMPASSIONATE.name: COMPASSIONATE}
