"""The outcome of a retro: what every export is rendered from, and what `retro import` reads back.

It is versioned and carries no author, pseudonym, owner hash or time of writing; aggregates of
per-person answers are already thresholded here, so no export can show more than the board did.
"""

import json
from datetime import date
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from retro.aggregates import AnswerSummary
from retro.commands import ReviewOutcome
from retro.phases import Phase
from retro.state import RetroState
from retro.views import board_view

OUTCOME_VERSION = 1


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class _Exported(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ExportedTemplate(_Exported):
    name: str
    title: str
    prompts: dict[str, str]
    """Prompt id → prompt text."""


class ExportedReview(_Exported):
    ref: str
    text: str
    owner: str
    due: date
    from_title: str
    from_date: date
    outcome: ReviewOutcome | None


class ExportedItem(_Exported):
    text: str
    prompt_id: str


class ExportedTopic(_Exported):
    topic_id: str
    title: str
    grouped: bool
    votes: int | None
    items: tuple[ExportedItem, ...]
    notes: tuple[str, ...]


class ExportedAction(_Exported):
    action_id: str
    text: str
    owner: str
    due: date
    status: ActionStatus
    topic: str | None


class RetroOutcome(_Exported):
    format: Literal["retro-outcome"] = "retro-outcome"
    version: Literal[1] = 1
    retro_id: str = Field(pattern=r"^[0-9a-f]{16}$")
    title: str
    team: str
    date: date
    template: ExportedTemplate
    phase: Phase
    min_responses: int
    review: tuple[ExportedReview, ...]
    check_in: tuple[AnswerSummary, ...]
    revealed: bool
    counts: dict[str, int]
    topics: tuple[ExportedTopic, ...]
    actions: tuple[ExportedAction, ...]
    roti: AnswerSummary | None

    @property
    def carried_over(self) -> tuple[ExportedReview, ...]:
        return tuple(item for item in self.review if item.outcome is ReviewOutcome.CARRIED_OVER)

    @property
    def items(self) -> int:
        return sum(self.counts.values())


OUTCOME_ADAPTER: TypeAdapter[RetroOutcome] = TypeAdapter(RetroOutcome)


def outcome_of(
    retro_id: str, state: RetroState, statuses: dict[str, ActionStatus] | None = None
) -> RetroOutcome:
    """The outcome as the board shows it now; `statuses` carries what later retros decided."""
    assert state.template is not None
    board = board_view(state)
    statuses = statuses or {}
    return RetroOutcome(
        retro_id=retro_id,
        title=board.title,
        team=board.team,
        date=state.created_on,
        template=ExportedTemplate(
            name=state.template.name,
            title=state.template.title,
            prompts={prompt.id: prompt.text for prompt in state.template.prompts},
        ),
        phase=board.phase,
        min_responses=board.min_responses,
        review=tuple(ExportedReview(**item.model_dump()) for item in board.review),
        check_in=board.check_in,
        revealed=board.revealed,
        counts=board.counts,
        topics=tuple(
            ExportedTopic(
                topic_id=topic.topic_id,
                title=topic.title,
                grouped=topic.grouped,
                votes=topic.votes,
                items=tuple(ExportedItem(text=item.text, prompt_id=item.prompt_id) for item in topic.items),
                notes=tuple(note.text for note in board.notes if note.topic_id == topic.topic_id),
            )
            for topic in board.topics
        ),
        actions=tuple(
            ExportedAction(
                action_id=action.action_id,
                text=action.text,
                owner=action.owner,
                due=action.due,
                status=statuses.get(action.action_id, ActionStatus.OPEN),
                topic=action.topic_title,
            )
            for action in board.actions
        ),
        roti=board.roti,
    )


def outcome_schema() -> dict[str, Any]:
    return OUTCOME_ADAPTER.json_schema()


def outcome_schema_text() -> str:
    return json.dumps(outcome_schema(), indent=2)
