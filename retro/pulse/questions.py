"""What a pulse asks: the motivation question every time, statements from a bank, one free-text question."""

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from retro.templates import CheckInQuestion, Slug
from retro.text import CLEANED_LINE


class Need(StrEnum):
    """The core needs of the compassionate-leadership work, and three more a team's week turns on."""

    AUTONOMY = "autonomy"
    BELONGING = "belonging"
    CONTRIBUTION = "contribution"
    WORKLOAD = "workload"
    SUPPORT = "support"
    SPEAK_UP = "speak_up"


class PulseQuestion(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Slug
    text: Annotated[str, Field(min_length=1, max_length=120), CLEANED_LINE]
    need: Need
    low: int = Field(default=1, ge=0, le=1)
    high: int = Field(default=5, ge=2, le=10)
    low_label: Annotated[str, Field(max_length=30), CLEANED_LINE] = "Strongly disagree"
    high_label: Annotated[str, Field(max_length=30), CLEANED_LINE] = "Strongly agree"

    def as_scale(self) -> CheckInQuestion:
        """The same question as the retro's answer summaries take it."""
        return CheckInQuestion(
            id=self.id,
            text=self.text,
            low=self.low,
            high=self.high,
            low_label=self.low_label,
            high_label=self.high_label,
        )


MOTIVATION_QUESTION = PulseQuestion(
    id="motivation",
    text="How motivated do you feel about work this week?",
    need=Need.CONTRIBUTION,
    low=1,
    high=10,
    low_label="Not at all",
    high_label="Very",
)
"""Asked first in every pulse, as in every retro: the trend is drawn from it."""


class FreeTextQuestion(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Slug = "help"
    text: Annotated[str, Field(min_length=1, max_length=120), CLEANED_LINE] = "What would help?"
