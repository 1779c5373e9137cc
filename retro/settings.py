"""Per-retro settings chosen when the retro starts."""

from pydantic import BaseModel, ConfigDict, Field


class RetroSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    votes_per_person: int = Field(default=3, ge=1, le=20)
    max_votes_per_item: int = Field(default=3, ge=1, le=20)
    max_items_per_retro: int = Field(default=2000, ge=1)
