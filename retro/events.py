"""Events: the facts a retro is made of. The store appends them; replay rebuilds state from them.

No event carries an author, a time or a network address.
"""

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from retro.phases import Phase
from retro.settings import RetroSettings
from retro.templates import Template


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RetroStarted(_Event):
    type: Literal["retro_started"] = "retro_started"
    title: str
    team: str
    created_on: date
    template: Template
    settings: RetroSettings


class ItemAdded(_Event):
    type: Literal["item_added"] = "item_added"
    item_id: str
    prompt_id: str
    text: str
    owner_hash: str


class ItemWithdrawn(_Event):
    type: Literal["item_withdrawn"] = "item_withdrawn"
    item_id: str


class PhaseChanged(_Event):
    type: Literal["phase_changed"] = "phase_changed"
    to: Phase


class ItemsRevealed(_Event):
    type: Literal["items_revealed"] = "items_revealed"
    order: tuple[str, ...]
    """The shuffled order every surface shows, fixed here so that replay reproduces it."""


class VoteCast(_Event):
    type: Literal["vote_cast"] = "vote_cast"
    item_id: str
    ballot: str
    """The voter's per-retro pseudonym; erased when the retro closes."""


class VoteRetracted(_Event):
    type: Literal["vote_retracted"] = "vote_retracted"
    item_id: str
    ballot: str


class BallotsErased(_Event):
    """Voting is over for good: the per-person tallies go, the totals stay."""

    type: Literal["ballots_erased"] = "ballots_erased"


class ActionRecorded(_Event):
    type: Literal["action_recorded"] = "action_recorded"
    action_id: str
    text: str
    owner: str
    due: date


Event = Annotated[
    RetroStarted
    | ItemAdded
    | ItemWithdrawn
    | PhaseChanged
    | ItemsRevealed
    | VoteCast
    | VoteRetracted
    | BallotsErased
    | ActionRecorded,
    Field(discriminator="type"),
]

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
