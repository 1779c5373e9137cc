"""The outcome of a retro: what every export is rendered from, and what `retro import` reads back.

It is versioned and carries no author, pseudonym, owner hash or time of writing; aggregates of
per-person answers are already thresholded here, so no export can show more than the board did.
Validation cleans every text and checks that the parts fit together, so a crafted file given to
`retro import` is as safe to render as a retro hosted here.
"""

import json
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from retro.aggregates import AnswerSummary
from retro.commands import ActionRef, Id, ReviewOutcome
from retro.phases import Phase
from retro.state import RetroState
from retro.templates import Slug
from retro.text import CleanLine, CleanText, clean_line
from retro.views import board_view


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


def _sound_summary(summary: AnswerSummary) -> AnswerSummary:
    """An aggregate whose histogram fits its scale, with its wording cleaned."""
    if not 0 <= summary.low < summary.high <= 10 or summary.answered < 0:
        raise ValueError("an answer scale runs from 0 or 1 up to at most 10, with answered 0 or more")
    histogram = summary.histogram
    if histogram is not None and (len(histogram) != summary.high - summary.low + 1 or min(histogram) < 0):
        raise ValueError("a histogram has one count, 0 or more, per value of its scale")
    wording = {name: clean_line(getattr(summary, name)) for name in ("text", "low_label", "high_label")}
    return summary.model_copy(update=wording)


Summary = Annotated[AnswerSummary, AfterValidator(_sound_summary)]


class _Exported(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ExportedTemplate(_Exported):
    name: Slug
    title: CleanLine
    prompts: dict[Slug, CleanLine]
    """Prompt id → prompt text."""


class ExportedReview(_Exported):
    ref: ActionRef
    text: CleanLine
    owner: CleanLine
    due: date
    from_title: CleanLine
    from_date: date
    outcome: ReviewOutcome | None


class ExportedItem(_Exported):
    text: CleanText
    prompt_id: Slug


class ExportedTopic(_Exported):
    topic_id: Id
    title: CleanLine
    grouped: bool
    """The facilitator named it (by merging or renaming); otherwise its title is its lone item's text."""
    votes: int | None = Field(ge=0)
    items: tuple[ExportedItem, ...]
    notes: tuple[CleanText, ...]


class ExportedAction(_Exported):
    action_id: Id
    text: CleanLine
    owner: CleanLine
    due: date
    status: ActionStatus
    topic: CleanLine | None


class RetroOutcome(_Exported):
    format: Literal["retro-outcome"] = "retro-outcome"
    version: Literal[1] = 1
    retro_id: Id
    title: CleanLine
    team: CleanLine
    date: date
    template: ExportedTemplate
    phase: Phase
    min_responses: int = Field(ge=1, le=50)
    review: tuple[ExportedReview, ...]
    check_in: tuple[Summary, ...]
    revealed: bool
    counts: dict[Slug, Annotated[int, Field(ge=0)]]
    topics: tuple[ExportedTopic, ...]
    actions: tuple[ExportedAction, ...]
    roti: Summary | None

    @model_validator(mode="after")
    def _items_are_under_known_prompts(self) -> "RetroOutcome":
        prompts = self.template.prompts
        unknown = {item.prompt_id for topic in self.topics for item in topic.items} - set(prompts)
        if unknown:
            raise ValueError(f"items under prompts the template does not have: {', '.join(sorted(unknown))}")
        return self

    @property
    def carried_over(self) -> tuple[ExportedReview, ...]:
        return tuple(item for item in self.review if item.outcome is ReviewOutcome.CARRIED_OVER)

    @property
    def items(self) -> int:
        return sum(self.counts.values())

    @property
    def item_texts(self) -> tuple[str, ...]:
        """What every participant wrote, topic by topic; nothing once the raw items are forgotten."""
        return tuple(item.text for topic in self.topics for item in topic.items)


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


def outcome_schema_text() -> str:
    return json.dumps(OUTCOME_ADAPTER.json_schema(), indent=2)
