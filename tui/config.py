"""Command-line configuration for `retro host` and `retro serve`, validated by pydantic."""

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

from retro.paths import default_db_path


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
    certfile: Path | None = None
    keyfile: Path | None = None

    @field_validator("certfile", "keyfile")
    @classmethod
    def _must_exist(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no such file: {value}")
        return value
