"""What each role may see. Views are pure functions of state; the anonymity rules live here.

No view carries an owner hash, a pseudonym, a time, or items before the reveal.
"""

from datetime import date

from pydantic import BaseModel, ConfigDict

from retro.phases import FLOW, Phase
from retro.state import RetroState


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class PhaseStep(_View):
    phase: Phase
    label: str


class PromptView(_View):
    prompt_id: str
    text: str
    hint: str


class ItemView(_View):
    item_id: str
    prompt_id: str
    text: str
    votes: int | None
    """None until voting closes: totals stay hidden from everyone while people vote."""


class ActionView(_View):
    action_id: str
    text: str
    owner: str
    due: date


class BoardView(_View):
    """The shared board: identical for every phone, and what the projected screen may show."""

    title: str
    team: str
    phase: Phase
    phase_label: str
    instruction: str
    steps: tuple[PhaseStep, ...]
    prompts: tuple[PromptView, ...]
    counts: dict[str, int]
    """Items per prompt; before the reveal this is all anyone learns."""
    revealed: bool
    voting_closed: bool
    items: tuple[ItemView, ...]
    actions: tuple[ActionView, ...]
    votes_per_person: int
    max_votes_per_item: int


class PrivateView(_View):
    """The small per-participant extra: this phone's own dots. Sent to that phone only."""

    dots_left: int
    my_votes: dict[str, int]


class FacilitatorView(_View):
    board: BoardView
    hint: str
    total_items: int


def board_view(state: RetroState) -> BoardView:
    assert state.template is not None
    counts = {prompt.id: 0 for prompt in state.template.prompts}
    for item in state.items.values():
        counts[item.prompt_id] += 1
    return BoardView(
        title=state.title,
        team=state.team,
        phase=state.phase,
        phase_label=state.phase.label,
        instruction=state.phase.instruction,
        steps=tuple(PhaseStep(phase=phase, label=phase.label) for phase in FLOW),
        prompts=tuple(PromptView(prompt_id=p.id, text=p.text, hint=p.hint) for p in state.template.prompts),
        counts=counts,
        revealed=state.revealed,
        voting_closed=state.voting_closed,
        items=_visible_items(state),
        actions=tuple(
            ActionView(action_id=a.action_id, text=a.text, owner=a.owner, due=a.due) for a in state.actions
        ),
        votes_per_person=state.settings.votes_per_person,
        max_votes_per_item=state.settings.max_votes_per_item,
    )


def _visible_items(state: RetroState) -> tuple[ItemView, ...]:
    if not state.revealed:
        return ()
    shown = [
        ItemView(
            item_id=item_id,
            prompt_id=state.items[item_id].prompt_id,
            text=state.items[item_id].text,
            votes=state.votes[item_id] if state.voting_closed else None,
        )
        for item_id in state.revealed_order
        if item_id in state.items
    ]
    if state.voting_closed:
        shown.sort(key=lambda item: -(item.votes or 0))
    return tuple(shown)


def private_view(state: RetroState, ballot: str) -> PrivateView:
    mine = state.ballot(ballot)
    return PrivateView(
        dots_left=max(0, state.settings.votes_per_person - state.dots_used(ballot)),
        my_votes={item_id: count for item_id, count in mine.items() if count > 0},
    )


def facilitator_view(state: RetroState) -> FacilitatorView:
    return FacilitatorView(
        board=board_view(state),
        hint=state.phase.hint,
        total_items=len(state.items),
    )
