"""Per-retro settings chosen when the retro starts."""

from pydantic import BaseModel, ConfigDict, Field, field_validator

from retro.locales import LOCALES


class RetroSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    votes_per_person: int = Field(default=3, ge=1, le=20)
    max_votes_per_topic: int = Field(default=3, ge=1, le=20)
    min_responses: int = Field(default=3, ge=1, le=50)
    """An aggregate of per-person answers is shown only once at least this many people answered."""
    discuss_seconds: int = Field(default=300, ge=30, le=3600)
    extend_seconds: int = Field(default=120, ge=30, le=1800)
    max_items_per_retro: int = Field(default=2000, ge=1, le=100_000)
    lang: str = ""
    """The retro's default language on phones (`--lang`): used by a phone whose own languages are none of
    the page's; empty for none (English). A phone's own choice and its languages come first."""

    @field_validator("lang")
    @classmethod
    def _a_shipped_language(cls, value: str) -> str:
        if value and value not in LOCALES:
            raise ValueError(f"{value!r} is not one of the page's languages: {', '.join(LOCALES)}")
        return value
