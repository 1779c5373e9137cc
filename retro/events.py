"""Events: the facts a retro is made of. The store appends them; replay rebuilds state from them.

No event carries an author, a network address, or a time of writing. The only times are the
discussion timer's end, which belongs to the room, not to a person. Every text is cleaned as it is
validated, so events read from an older database are as clean as new ones.
"""

from datetime import date, datetime
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from retro.commands import ReviewOutcome
from retro.hold_reasons import HoldReasonCode, check_one_reason, read_preset_words, words_of
from retro.phases import Phase
from retro.pulse.glance import PulseGlance
from retro.settings import RetroSettings
from retro.templates import Template
from retro.text import CleanLine, CleanText


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ReviewItem(BaseModel):
    """An open action from an earlier retro of the same team, brought to this one's Review."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ref: str
    text: CleanLine
    owner: CleanLine
    due: date
    from_title: CleanLine
    from_date: date


class RetroStarted(_Event):
    type: Literal["retro_started"] = "retro_started"
    title: CleanLine
    team: CleanLine
    created_on: date
    template: Template
    settings: RetroSettings
    review: tuple[ReviewItem, ...] = ()
    pulse: PulseGlance | None = None
    """The team's latest pulse when the retro started, for its Review."""


class PhaseChanged(_Event):
    type: Literal["phase_changed"] = "phase_changed"
    to: Phase


class ActionReviewed(_Event):
    type: Literal["action_reviewed"] = "action_reviewed"
    ref: str
    outcome: ReviewOutcome


class CheckInAnswered(_Event):
    type: Literal["check_in_answered"] = "check_in_answered"
    question_id: str
    value: int
    ballot: str
    """The answerer's per-retro pseudonym, so a changed answer replaces the first; erased at the end."""


class ItemAdded(_Event):
    type: Literal["item_added"] = "item_added"
    item_id: str
    prompt_id: str
    text: CleanText
    owner_hash: str


class ItemWithdrawn(_Event):
    type: Literal["item_withdrawn"] = "item_withdrawn"
    item_id: str


class ItemHeld(_Event):
    """A preset's code, or the facilitator's own words. An older retro stored a preset as its English:
    it reads back as that preset, so its author's phone words it in its own language too."""

    type: Literal["item_held"] = "item_held"
    item_id: str
    reason_code: HoldReasonCode | None = None
    reason: CleanLine | None = None

    _preset_words = model_validator(mode="before")(read_preset_words)

    @model_validator(mode="after")
    def _one_reason(self) -> Self:
        check_one_reason(self.reason_code, self.reason)
        return self

    @property
    def words(self) -> str:
        """As the facilitator reads it: the preset's English, or their own words."""
        return words_of(self.reason_code, self.reason)


class ItemReleased(_Event):
    type: Literal["item_released"] = "item_released"
    item_id: str


class ItemRewritten(_Event):
    type: Literal["item_rewritten"] = "item_rewritten"
    item_id: str
    text: CleanText


class ItemClaimed(_Event):
    type: Literal["item_claimed"] = "item_claimed"
    item_id: str
    name: CleanLine


class JoiningLocked(_Event):
    type: Literal["joining_locked"] = "joining_locked"
    locked: bool


class JoinTokenRotated(_Event):
    """The session gives the retro a fresh join token; the token itself is kept with the retro's
    secrets, never in the event log."""

    type: Literal["join_token_rotated"] = "join_token_rotated"


class ItemsRevealed(_Event):
    type: Literal["items_revealed"] = "items_revealed"
    order: tuple[str, ...]
    """The shuffled order every surface shows, fixed here so that replay reproduces it.
    Each item starts as a topic of its own, whose id is the item's."""


class TopicsMerged(_Event):
    type: Literal["topics_merged"] = "topics_merged"
    topic_id: str
    merged: tuple[str, ...]
    title: CleanLine


class TopicRenamed(_Event):
    type: Literal["topic_renamed"] = "topic_renamed"
    topic_id: str
    title: CleanLine


class TopicUngrouped(_Event):
    type: Literal["topic_ungrouped"] = "topic_ungrouped"
    topic_id: str


class VoteCast(_Event):
    type: Literal["vote_cast"] = "vote_cast"
    topic_id: str
    ballot: str


class VoteRetracted(_Event):
    type: Literal["vote_retracted"] = "vote_retracted"
    topic_id: str
    ballot: str


class DiscussionStarted(_Event):
    type: Literal["discussion_started"] = "discussion_started"
    topic_id: str
    ends_at: datetime


class TimerExtended(_Event):
    type: Literal["timer_extended"] = "timer_extended"
    ends_at: datetime


class NoteAdded(_Event):
    type: Literal["note_added"] = "note_added"
    note_id: str
    topic_id: str
    text: CleanText


class ActionRecorded(_Event):
    type: Literal["action_recorded"] = "action_recorded"
    action_id: str
    text: CleanLine
    owner: CleanLine
    due: date
    topic_id: str | None = None


class ActionEdited(_Event):
    type: Literal["action_edited"] = "action_edited"
    action_id: str
    text: CleanLine
    owner: CleanLine
    due: date
    topic_id: str | None = None


class ActionDeleted(_Event):
    type: Literal["action_deleted"] = "action_deleted"
    action_id: str


class RotiAnswered(_Event):
    type: Literal["roti_answered"] = "roti_answered"
    value: int
    ballot: str


class BallotsErased(_Event):
    """The retro has ended: per-person answers collapse into anonymous totals, and the store then
    deletes every event that carried a pseudonym. Replay from what is left gives the same state."""

    type: Literal["ballots_erased"] = "ballots_erased"
    votes: dict[str, int]
    check_in: dict[str, tuple[int, ...]]
    roti: tuple[int, ...]


BALLOT_EVENT_TYPES = ("check_in_answered", "vote_cast", "vote_retracted", "roti_answered")

Event = Annotated[
    RetroStarted
    | PhaseChanged
    | ActionReviewed
    | CheckInAnswered
    | ItemAdded
    | ItemWithdrawn
    | ItemHeld
    | ItemReleased
    | ItemRewritten
    | ItemClaimed
    | JoiningLocked
    | JoinTokenRotated
    | ItemsRevealed
    | TopicsMerged
    | TopicRenamed
    | TopicUngrouped
    | VoteCast
    | VoteRetracted
    | DiscussionStarted
    | TimerExtended
    | NoteAdded
    | ActionRecorded
    | ActionEdited
    | ActionDeleted
    | RotiAnswered
    | BallotsErased,
    Field(discriminator="type"),
]

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
