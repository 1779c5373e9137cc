"""Command-line configuration for `retro host`, `retro serve` and `retro history`, validated by pydantic."""

import argparse
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails

from cli.command import CommandFailed
from retro.locales import LOCALES
from retro.paths import default_db_path
from retro.retention import Keep
from retro.settings import RetroSettings
from retro.stores import is_database_url
from retro.template_files import TemplateError, resolve_template
from retro.templates import Template
from retro.text import CLEANED_LINE


class RunConfig(BaseModel):
    model_config = ConfigDict(frozen=True)

    db: Path | str = Field(default_factory=default_db_path)
    """A SQLite file, or a PostgreSQL database's URL (`postgresql://…`), kept as given."""
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
    max_items: int = Field(default=2000, ge=1, le=100_000)
    """The cap on items in one retro, so that no phone can fill the disk."""
    lang: str = ""
    """The retro's default language on phones whose own languages are none of the page's."""

    @model_validator(mode="after")
    def _keep_needs_a_team(self) -> "RunConfig":
        if self.keep is not None and not self.team:
            raise ValueError("--keep sets a team's retention; give the team with --team")
        return self

    def settings(self) -> RetroSettings:
        """The retro's own settings, as these options give them."""
        return RetroSettings(
            votes_per_person=self.votes,
            max_votes_per_topic=self.max_per_topic or self.votes,
            min_responses=self.min_responses,
            max_items_per_retro=self.max_items,
            lang=self.lang,
        )

    def template_chosen(self) -> Template:
        """The template `--template` names, built in or a file; a bad one fails in one line."""
        try:
            return resolve_template(self.template)
        except TemplateError as exc:
            raise CommandFailed(str(exc), code=2) from exc

    @field_validator("db", mode="before")
    @classmethod
    def _file_or_url(cls, value: object) -> object:
        if isinstance(value, str) and not is_database_url(value):
            return Path(value)
        return value

    @field_validator("lang")
    @classmethod
    def _a_page_language(cls, value: str) -> str:
        if value and value not in LOCALES:
            raise ValueError(f"not one of the page's languages: {', '.join(LOCALES)}")
        return value

    @field_validator("certfile", "keyfile")
    @classmethod
    def _must_exist(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no such file: {value}")
        return value


def run_config(args: argparse.Namespace) -> RunConfig:
    """The options given on the command line, checked; each bad one is named on its own line."""
    given = {
        key: value
        for key, value in vars(args).items()
        if key in RunConfig.model_fields and value is not None and value is not False
    }
    try:
        return RunConfig.model_validate(given)
    except ValidationError as exc:
        raise CommandFailed(*(_named(error) for error in exc.errors()), code=2) from exc


def _named(error: ErrorDetails) -> str:
    where = ".".join(str(part) for part in error["loc"]).replace("_", "-")
    message = error["msg"].removeprefix("Value error, ")
    return f"--{where}: {message}" if where else message
