"""What the store keeps about a pulse, what a phone answers, and how a refusal reads."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from retro.pulse.questions import FreeTextQuestion, PulseQuestion
from retro.templates import Slug
from retro.text import CleanLine, CleanText

MIN_THRESHOLD = 3
"""Results never show for fewer answers than this, whatever a facilitator asks for."""
DEFAULT_THRESHOLD = 5
MAX_COMMENT_CHARS = 500


class PulseRefused(Exception):
    """A pulse change or request that cannot be done: a code for the wire and one sentence for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class PulseRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    pulse_id: str
    team: CleanLine
    title: CleanLine = "Weekly pulse"
    week: str
    """The ISO week it opened in, such as 2026-W49: the trend's unit."""
    opened_at: datetime
    closes_at: datetime | None = None
    closed: bool = False
    join_token: str
    pulse_key: bytes | None
    """Key for the phones' pseudonyms; None once the pulse has closed and forgotten them."""
    min_responses: int = Field(default=DEFAULT_THRESHOLD, ge=MIN_THRESHOLD, le=50)
    questions: tuple[PulseQuestion, ...]
    """The motivation question first, then the rotating statements."""
    free_text: FreeTextQuestion | None = None


class PulseAnswer(BaseModel):
    """One answer from a phone: a value on a question's scale, or the free-text answer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    question_id: Slug
    value: int | None = None
    text: Annotated[CleanText, Field(min_length=1, max_length=MAX_COMMENT_CHARS)] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> "PulseAnswer":
        if (self.value is None) == (self.text is None):
            raise ValueError("an answer has either a value or a text")
        return self


ActionStatus = Literal["open", "done", "dropped"]


class PulseAction(BaseModel):
    """What the team does about a pulse, "you said, we did": owned, dated, tied to the answers it meets."""

    model_config = ConfigDict(frozen=True)

    action_id: str
    team: CleanLine
    pulse_id: str
    text: Annotated[CleanLine, Field(min_length=1, max_length=200)]
    owner: Annotated[CleanLine, Field(min_length=1, max_length=60)]
    due: date
    responds_to: tuple[Slug, ...] = ()
    """The questions whose answers it responds to."""
    status: ActionStatus = "open"
