"""Commands: requests for change. Every one goes through Session.execute."""

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from retro.hold_reasons import HoldReasonCode, check_one_reason, read_preset_words
from retro.phases import Phase
from retro.text import (
    CLEANED,
    CLEANED_LINE,
    MAX_ACTION_CHARS,
    MAX_ITEM_CHARS,
    MAX_NOTE_CHARS,
    MAX_OWNER_CHARS,
    MAX_REASON_CHARS,
    MAX_TITLE_CHARS,
)


def _not_blank(cleaned: str) -> str:
    if not cleaned:
        raise ValueError("must not be blank")
    return cleaned


ItemText = Annotated[str, Field(max_length=MAX_ITEM_CHARS), CLEANED, AfterValidator(_not_blank)]
ActionText = Annotated[str, Field(max_length=MAX_ACTION_CHARS), CLEANED_LINE, AfterValidator(_not_blank)]
NoteText = Annotated[str, Field(max_length=MAX_NOTE_CHARS), CLEANED, AfterValidator(_not_blank)]
TopicTitle = Annotated[str, Field(max_length=MAX_TITLE_CHARS), CLEANED_LINE, AfterValidator(_not_blank)]
OwnerName = Annotated[str, Field(max_length=MAX_OWNER_CHARS), CLEANED_LINE, AfterValidator(_not_blank)]
ReasonText = Annotated[str, Field(max_length=MAX_REASON_CHARS), CLEANED_LINE, AfterValidator(_not_blank)]
Sha256Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Id = Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")]
ActionRef = Annotated[str, Field(pattern=r"^[0-9a-f]{16}/[0-9a-f]{16}$")]
"""An action of an earlier retro: '<retro id>/<action id>'."""


class ReviewOutcome(StrEnum):
    DONE = "done"
    CARRIED_OVER = "carried_over"
    DROPPED = "dropped"


class _Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AnswerCheckIn(_Command):
    kind: Literal["answer_check_in"] = "answer_check_in"
    question_id: str = Field(max_length=32)
    value: int = Field(ge=0, le=10, strict=True)


class AddItem(_Command):
    kind: Literal["add_item"] = "add_item"
    prompt_id: str = Field(max_length=32)
    text: ItemText
    owner_hash: Sha256Hex
    """SHA-256 of a secret that only the writing phone holds."""


class WithdrawItem(_Command):
    kind: Literal["withdraw_item"] = "withdraw_item"
    item_id: Id
    item_secret: str = Field(min_length=16, max_length=128)


class RewriteItem(_Command):
    """The author rewrites an item the facilitator held, proving authorship with the item's secret."""

    kind: Literal["rewrite_item"] = "rewrite_item"
    item_id: Id
    item_secret: str = Field(min_length=16, max_length=128)
    text: ItemText


class ClaimItem(_Command):
    """Opt-in, during Discuss: "that was me, happy to talk". Only that item, only by its author."""

    kind: Literal["claim_item"] = "claim_item"
    item_id: Id
    item_secret: str = Field(min_length=16, max_length=128)
    name: Annotated[str, Field(max_length=MAX_OWNER_CHARS), CLEANED_LINE] = ""


class CastVote(_Command):
    kind: Literal["cast_vote"] = "cast_vote"
    topic_id: Id


class RetractVote(_Command):
    kind: Literal["retract_vote"] = "retract_vote"
    topic_id: Id


class AnswerRoti(_Command):
    kind: Literal["answer_roti"] = "answer_roti"
    value: int = Field(ge=1, le=5, strict=True)


class HoldItem(_Command):
    """Screening before the reveal: the item stays out of the reveal until its author rewrites it or
    the facilitator releases it. Only the author's phone learns of it."""

    kind: Literal["hold_item"] = "hold_item"
    item_id: Id
    reason_code: HoldReasonCode | None = None
    """A preset reason (retro.hold_reasons): each author's phone words it in its own language."""
    reason: ReasonText | None = None
    """Or the facilitator's own words, shown to the author as written."""

    _preset_words = model_validator(mode="before")(read_preset_words)

    @model_validator(mode="after")
    def _one_reason(self) -> Self:
        check_one_reason(self.reason_code, self.reason)
        return self


class ReleaseItem(_Command):
    kind: Literal["release_item"] = "release_item"
    item_id: Id


class LockJoining(_Command):
    kind: Literal["lock_joining"] = "lock_joining"
    locked: bool


class RotateJoinToken(_Command):
    """A fresh join link: old links stop working; phones already in stay in."""

    kind: Literal["rotate_join_token"] = "rotate_join_token"


class ChangePhase(_Command):
    kind: Literal["change_phase"] = "change_phase"
    to: Phase


class ReviewAction(_Command):
    kind: Literal["review_action"] = "review_action"
    ref: ActionRef
    outcome: ReviewOutcome


class MergeTopics(_Command):
    kind: Literal["merge_topics"] = "merge_topics"
    topic_ids: tuple[Id, ...] = Field(min_length=2, max_length=100)
    title: TopicTitle


class RenameTopic(_Command):
    kind: Literal["rename_topic"] = "rename_topic"
    topic_id: Id
    title: TopicTitle


class Ungroup(_Command):
    kind: Literal["ungroup"] = "ungroup"
    topic_id: Id


class StartDiscussion(_Command):
    kind: Literal["start_discussion"] = "start_discussion"
    topic_id: Id


class ExtendTimer(_Command):
    kind: Literal["extend_timer"] = "extend_timer"


class AddNote(_Command):
    kind: Literal["add_note"] = "add_note"
    topic_id: Id
    text: NoteText


class RecordAction(_Command):
    kind: Literal["record_action"] = "record_action"
    text: ActionText
    owner: OwnerName
    due: date
    topic_id: Id | None = None


class EditAction(_Command):
    kind: Literal["edit_action"] = "edit_action"
    action_id: Id
    text: ActionText
    owner: OwnerName
    due: date
    topic_id: Id | None = None


class DeleteAction(_Command):
    kind: Literal["delete_action"] = "delete_action"
    action_id: Id


ParticipantCommand = (
    AnswerCheckIn | AddItem | WithdrawItem | RewriteItem | ClaimItem | CastVote | RetractVote | AnswerRoti
)
FacilitatorCommand = (
    ChangePhase
    | HoldItem
    | ReleaseItem
    | LockJoining
    | RotateJoinToken
    | ReviewAction
    | MergeTopics
    | RenameTopic
    | Ungroup
    | StartDiscussion
    | ExtendTimer
    | AddNote
    | RecordAction
    | EditAction
    | DeleteAction
)
Command = Annotated[ParticipantCommand | FacilitatorCommand, Field(discriminator="kind")]
