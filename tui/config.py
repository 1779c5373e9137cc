"""Command-line configuration for `retro host` and `retro serve`, validated by pydantic."""

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

from retro.paths import default_db_path
from retro.retention import Keep


class RunConfig(BaseModel):
    model_config = ConfigDict(frozen=True)

    db: Path = Field(default_factory=default_db_path)
    title: str = Field(default="Team retro", min_length=1, max_length=80)
    team: str = Field(default="", max_length=60)
    template: str = Field(default="compassionate", min_length=1)
    host: str = "0.0.0.0"
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
