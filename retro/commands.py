"""Commands: requests for change. Every one goes through Session.execute."""

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter

from retro.phases import Phase
from retro.text import MAX_ACTION_CHARS, MAX_ITEM_CHARS, MAX_OWNER_CHARS, clean_text


def _not_blank(value: str) -> str:
    cleaned = clean_text(value)
    if not cleaned:
        raise ValueError("must not be blank")
    return cleaned


ItemText = Annotated[str, Field(max_length=MAX_ITEM_CHARS), AfterValidator(_not_blank)]
ActionText = Annotated[str, Field(max_length=MAX_ACTION_CHARS), AfterValidator(_not_blank)]
OwnerName = Annotated[str, Field(max_length=MAX_OWNER_CHARS), AfterValidator(_not_blank)]
Sha256Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
ItemId = Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")]


class _Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AddItem(_Command):
    kind: Literal["add_item"] = "add_item"
    prompt_id: str = Field(max_length=32)
    text: ItemText
    owner_hash: Sha256Hex
    """SHA-256 of a secret that only the writing phone holds."""


class WithdrawItem(_Command):
    kind: Literal["withdraw_item"] = "withdraw_item"
    item_id: ItemId
    item_secret: str = Field(min_length=16, max_length=128)


class CastVote(_Command):
    kind: Literal["cast_vote"] = "cast_vote"
    item_id: ItemId


class RetractVote(_Command):
    kind: Literal["retract_vote"] = "retract_vote"
    item_id: ItemId


class ChangePhase(_Command):
    kind: Literal["change_phase"] = "change_phase"
    to: Phase


class RecordAction(_Command):
    kind: Literal["record_action"] = "record_action"
    text: ActionText
    owner: OwnerName
    due: date


ParticipantCommand = AddItem | WithdrawItem | CastVote | RetractVote
FacilitatorCommand = ChangePhase | RecordAction
Command = Annotated[ParticipantCommand | FacilitatorCommand, Field(discriminator="kind")]

COMMAND_ADAPTER: TypeAdapter[Command] = TypeAdapter(Command)
FACILITATOR_COMMANDS = (ChangePhase, RecordAction)
