"""Retro templates: the prompts people write under, and the check-in questions they answer."""

from pydantic import BaseModel, ConfigDict, Field, model_validator

Slug = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,31}$")


class Prompt(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Slug
    """Stable key used by commands and exports."""
    text: str = Field(min_length=1, max_length=80)
    hint: str = Field(default="", max_length=120)
    behaviour: str = Field(default="", max_length=20)
    """Which of the four compassionate behaviours the prompt draws on."""


class CheckInQuestion(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Slug
    text: str = Field(min_length=1, max_length=120)
    low: int = Field(default=1, ge=0, le=1)
    high: int = Field(default=5, ge=2, le=10)
    low_label: str = Field(default="", max_length=30)
    high_label: str = Field(default="", max_length=30)


MOTIVATION = CheckInQuestion(
    id="motivation",
    text="How motivated do you feel about work this week?",
    low=1,
    high=10,
    low_label="Not at all",
    high_label="Very",
)
"""Asked in every retro, first: the question the team's trend is drawn from."""


class Template(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Slug
    title: str = Field(min_length=1, max_length=60)
    description: str = Field(default="", max_length=200)
    prompts: tuple[Prompt, ...] = Field(min_length=1, max_length=6)
    checkin: tuple[CheckInQuestion, ...] = Field(default=(), max_length=3)
    """Up to three questions asked after the motivation question."""

    @model_validator(mode="after")
    def _ids_are_unique(self) -> "Template":
        prompt_ids = [prompt.id for prompt in self.prompts]
        if len(set(prompt_ids)) != len(prompt_ids):
            raise ValueError("two prompts share an id")
        question_ids = [question.id for question in self.checkin]
        if len(set(question_ids)) != len(question_ids) or MOTIVATION.id in question_ids:
            raise ValueError(f"check-in question ids must be unique and not {MOTIVATION.id!r}")
        return self

    @property
    def questions(self) -> tuple[CheckInQuestion, ...]:
        return (MOTIVATION, *self.checkin)

    def prompt(self, prompt_id: str) -> Prompt | None:
        return next((p for p in self.prompts if p.id == prompt_id), None)

    def question(self, question_id: str) -> CheckInQuestion | None:
        return next((q for q in self.questions if q.id == question_id), None)
