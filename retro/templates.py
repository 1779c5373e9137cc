"""Retro templates: the prompts people write under, and the check-in questions they answer.

Every text is cleaned and kept on one line, whether it comes from a TOML file or an older database.
A prompt or question may carry translations, by language: a phone set to one of them shows it; any other
phone shows the text as written.
"""

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from retro.locales import LocaleCode
from retro.text import CLEANED_LINE

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,31}$")]
"""The id of a template, a prompt or a question: stable, lowercase, safe in a file name or a key."""


def _wording_of(value: Any) -> Any:
    """`cy = "Beth…"` is short for `[….translations.cy] text = "Beth…"`."""
    if isinstance(value, dict):
        return {code: {"text": words} if isinstance(words, str) else words for code, words in value.items()}
    return value


class PromptWording(BaseModel):
    """A prompt in another language."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: Annotated[str, Field(min_length=1, max_length=80), CLEANED_LINE]
    hint: Annotated[str, Field(max_length=120), CLEANED_LINE] = ""


class QuestionWording(BaseModel):
    """A check-in question in another language."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: Annotated[str, Field(min_length=1, max_length=120), CLEANED_LINE]
    low_label: Annotated[str, Field(max_length=30), CLEANED_LINE] = ""
    high_label: Annotated[str, Field(max_length=30), CLEANED_LINE] = ""


class Prompt(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Slug
    """Stable key used by commands and exports."""
    text: Annotated[str, Field(min_length=1, max_length=80), CLEANED_LINE]
    hint: Annotated[str, Field(max_length=120), CLEANED_LINE] = ""
    behaviour: Annotated[str, Field(max_length=20), CLEANED_LINE] = ""
    """Which of the four compassionate behaviours the prompt draws on."""
    translations: Annotated[dict[LocaleCode, PromptWording], Field(max_length=40)] = {}
    """The prompt in other languages, by language tag; a phone in none of them shows `text` as written."""

    @field_validator("translations", mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:
        return _wording_of(value)


class CheckInQuestion(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Slug
    text: Annotated[str, Field(min_length=1, max_length=120), CLEANED_LINE]
    low: int = Field(default=1, ge=0, le=1)
    high: int = Field(default=5, ge=2, le=10)
    low_label: Annotated[str, Field(max_length=30), CLEANED_LINE] = ""
    high_label: Annotated[str, Field(max_length=30), CLEANED_LINE] = ""
    translations: Annotated[dict[LocaleCode, QuestionWording], Field(max_length=40)] = {}
    """The question in other languages, by language tag; a phone in none of them shows it as written."""

    @field_validator("translations", mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:
        return _wording_of(value)


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

    name: Slug
    title: Annotated[str, Field(min_length=1, max_length=60), CLEANED_LINE]
    description: Annotated[str, Field(max_length=200), CLEANED_LINE] = ""
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
