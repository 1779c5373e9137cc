"""A team's own pulse statements from TOML, with errors that name the file, the line and the fault.

[[question]]
id = "rota-fair"
text = "The rota this week was fair."
need = "workload"
"""

import tomllib
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from retro.pulse.questions import PulseQuestion
from retro.template_files import describe_location, line_of


class BankError(Exception):
    """A bank file that cannot be used; the message is one sentence for the person who wrote it."""


class _BankFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    question: Annotated[tuple[PulseQuestion, ...], Field(min_length=1, max_length=200)]

    @model_validator(mode="after")
    def _ids_are_unique(self) -> "_BankFile":
        ids = [question.id for question in self.question]
        repeated = sorted({question_id for question_id in ids if ids.count(question_id) > 1})
        if repeated:
            raise ValueError(f"question ids must be unique; repeated: {', '.join(repeated)}")
        return self


def load_bank(path: Path) -> tuple[PulseQuestion, ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        raise BankError(f"{path}: cannot read the questions: {reason}.") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BankError(f"{path}: not valid TOML: {exc}.") from exc
    try:
        return _BankFile.model_validate(data).question
    except ValidationError as exc:
        error = exc.errors()[0]
        line = line_of(text, error["loc"])
        at = f"{path}:{line}" if line else str(path)
        raise BankError(f"{at}: {describe_location(error['loc'])}: {error['msg']}.") from exc
