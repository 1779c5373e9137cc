"""A team's own pulse statements from TOML, with errors that name the file, the line and the fault.

[[question]]
id = "rota-fair"
text = "The rota this week was fair."
need = "workload"
"""

import re
import tomllib
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from retro.pulse.questions import MOTIVATION_QUESTION, FreeTextQuestion, PulseQuestion
from retro.template_files import describe_location, line_of

RESERVED_IDS = (MOTIVATION_QUESTION.id, FreeTextQuestion().id)
"""Ids every pulse already asks under: a bank statement with one of them could not be told apart."""

_SINGLE_TABLE = re.compile(r"\s*\[\s*question\s*[\].]")
_DECODE_LINE = re.compile(r"\(at line (\d+), column \d+\)$")


class BankError(Exception):
    """A bank file that cannot be used; the message is one sentence for the person who wrote it."""


class _BankFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    question: Annotated[tuple[PulseQuestion, ...], Field(min_length=1, max_length=200)]


def load_bank(path: Path) -> tuple[PulseQuestion, ...]:
    text = _read(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _DECODE_LINE.search(str(exc))
        at = f"{path}:{line[1]}" if line else str(path)
        raise BankError(f"{at}: not valid TOML: {exc}.") from exc
    except RecursionError as exc:
        raise BankError(f"{path}: not valid TOML: arrays or tables nested too deeply.") from exc
    if isinstance(data.get("question"), dict):
        header = next((n for n, line in enumerate(text.split("\n"), 1) if _SINGLE_TABLE.match(line)), None)
        at = f"{path}:{header}" if header else _at(path, text, ("question",))
        raise BankError(f"{at}: write each question under its own [[question]], with double brackets.")
    try:
        bank = _BankFile.model_validate(data).question
    except ValidationError as exc:
        error = exc.errors()[0]
        raise BankError(
            f"{_at(path, text, error['loc'])}: {describe_location(error['loc'])}: {error['msg']}."
        ) from exc
    _check_ids(path, text, bank)
    return bank


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        raise BankError(f"{path}: cannot read the questions: {reason}.") from exc


def _check_ids(path: Path, text: str, bank: tuple[PulseQuestion, ...]) -> None:
    seen: set[str] = set()
    for index, question in enumerate(bank):
        loc = ("question", index, "id")
        if question.id in RESERVED_IDS:
            taken = " and ".join(RESERVED_IDS)
            raise BankError(
                f"{_at(path, text, loc)}: {describe_location(loc)}: {taken} are the pulse's own ids."
            )
        if question.id in seen:
            raise BankError(
                f"{_at(path, text, loc)}: {describe_location(loc)}: {question.id!r} is used twice."
            )
        seen.add(question.id)


def _at(path: Path, text: str, loc: tuple[int | str, ...]) -> str:
    """The file and line an error is about; the line of the key itself when questions are written inline."""
    line = line_of(text, loc) or line_of(text, loc[:1])
    return f"{path}:{line}" if line else str(path)
