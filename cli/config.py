"""Command-line configuration for `retro host` and `retro serve`, validated by pydantic."""

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

from retro.paths import default_db_path
from retro.retention import Keep
from retro.text import CLEANED_LINE


class RunConfig(BaseModel):
    model_config = ConfigDict(frozen=True)

    db: Path = Field(default_factory=default_db_path)
    title: Annotated[str, Field(min_length=1, max_length=80), CLEANED_LINE] = "Team retro"
    team: Annotated[str, Field(max_length=60), CLEANED_LINE] = ""
    template: str = Field(default="compassionate", min_length=1)
    host: Annotated[str, CLEANED_LINE] = "0.0.0.0"
    port: int | None = Field(default=None, ge=0, le=65535)
    public_url: HttpUrl | None = None
    resume: bool = False
    votes: int = Field(default=3, ge=1, le=20)
    max_per_topic: int | None = Field(default=None, ge=1, le=20)
    min_responses: int = Field(default=3, ge=1, le=50)
    keep: Keep | None = None
    """The team's retention: raw items, or only the outcome once a retro ends."""
    certfile: Path | None = None
    keyfile: Path | None = None
    max_phones: int = Field(default=1000, ge=1, le=100_000)
    """The cap on phones in one retro; phones already in and the facilitator always get in."""

    @model_validator(mode="after")
    def _keep_needs_a_team(self) -> "RunConfig":
        if self.keep is not None and not self.team:
            raise ValueError("--keep sets a team's retention; give the team with --team")
        return self

    @field_validator("certfile", "keyfile")
    @classmethod
    def _must_exist(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no such file: {value}")
        return value
