"""The rules: given the state, who is asking and what, decide which events follow, or refuse."""

import random
import secrets

from retro.actors import Actor, Facilitator, Participant
from retro.commands import (
    FACILITATOR_COMMANDS,
    AddItem,
    CastVote,
    ChangePhase,
    Command,
    RecordAction,
    RetractVote,
    WithdrawItem,
)
from retro.errors import ErrorCode, RuleViolation
from retro.events import (
    ActionRecorded,
    BallotsErased,
    Event,
    ItemAdded,
    ItemsRevealed,
    ItemWithdrawn,
    PhaseChanged,
    VoteCast,
    VoteRetracted,
)
from retro.phases import FLOW, Phase, is_forward
from retro.secrets import new_id, owner_hash
from retro.state import Item, RetroState

ALLOWED_PHASES: dict[type[Command], tuple[Phase, ...]] = {
    AddItem: (Phase.WRITE,),
    WithdrawItem: (Phase.WRITE,),
    CastVote: (Phase.VOTE,),
    RetractVote: (Phase.VOTE,),
    ChangePhase: tuple(FLOW),
    RecordAction: (Phase.ACTIONS,),
}

_WHAT = {
    AddItem: "Writing items",
    WithdrawItem: "Withdrawing items",
    CastVote: "Voting",
    RetractVote: "Taking back a dot",
    ChangePhase: "Changing phase",
    RecordAction: "Recording actions",
}

_shuffler = random.SystemRandom()


def decide(state: RetroState, actor: Actor, command: Command) -> list[Event]:
    _check_role(actor, command)
    _check_phase(state, command)
    match command:
        case AddItem():
            return _add_item(state, command)
        case WithdrawItem():
            return _withdraw_item(state, command)
        case CastVote():
            return _cast_vote(state, _ballot(actor), command)
        case RetractVote():
            return _retract_vote(state, _ballot(actor), command)
        case ChangePhase():
            return _change_phase(state, command)
        case RecordAction():
            return [
                ActionRecorded(action_id=new_id(), text=command.text, owner=command.owner, due=command.due)
            ]


def _check_role(actor: Actor, command: Command) -> None:
    if isinstance(command, FACILITATOR_COMMANDS) and not isinstance(actor, Facilitator):
        raise RuleViolation(ErrorCode.FORBIDDEN, "Only the facilitator can do that.")
    if not isinstance(command, FACILITATOR_COMMANDS) and not isinstance(actor, Participant):
        raise RuleViolation(ErrorCode.FORBIDDEN, "Only a participant's phone can do that.")


def _check_phase(state: RetroState, command: Command) -> None:
    allowed = ALLOWED_PHASES[type(command)]
    if state.phase not in allowed:
        names = ", ".join(phase.label for phase in allowed)
        raise RuleViolation(
            ErrorCode.WRONG_PHASE,
            f"{_WHAT[type(command)]} is open during {names}; the retro is in {state.phase.label} now.",
        )


def _ballot(actor: Actor) -> str:
    assert isinstance(actor, Participant)
    return actor.pseudonym


def _add_item(state: RetroState, command: AddItem) -> list[Event]:
    assert state.template is not None
    if state.template.prompt(command.prompt_id) is None:
        raise RuleViolation(ErrorCode.NOT_FOUND, f"This retro has no prompt called {command.prompt_id!r}.")
    if len(state.items) >= state.settings.max_items_per_retro:
        raise RuleViolation(ErrorCode.LIMIT, "This retro has reached its limit of items.")
    item_id = new_id()
    while item_id in state.items:
        item_id = new_id()
    return [
        ItemAdded(
            item_id=item_id, prompt_id=command.prompt_id, text=command.text, owner_hash=command.owner_hash
        )
    ]


def _existing_item(state: RetroState, item_id: str) -> Item:
    item = state.items.get(item_id)
    if item is None:
        raise RuleViolation(ErrorCode.NOT_FOUND, "That item no longer exists.")
    return item


def _withdraw_item(state: RetroState, command: WithdrawItem) -> list[Event]:
    item = _existing_item(state, command.item_id)
    if not secrets.compare_digest(item.owner_hash, owner_hash(command.item_secret)):
        raise RuleViolation(ErrorCode.NOT_OWNER, "Only the phone that wrote an item can withdraw it.")
    return [ItemWithdrawn(item_id=item.item_id)]


def _cast_vote(state: RetroState, ballot: str, command: CastVote) -> list[Event]:
    _existing_item(state, command.item_id)
    settings = state.settings
    if state.dots_used(ballot) >= settings.votes_per_person:
        raise RuleViolation(ErrorCode.NO_DOTS_LEFT, f"You have used all {settings.votes_per_person} dots.")
    if state.ballot(ballot)[command.item_id] >= settings.max_votes_per_item:
        raise RuleViolation(
            ErrorCode.LIMIT, f"At most {settings.max_votes_per_item} of your dots can go on one item."
        )
    return [VoteCast(item_id=command.item_id, ballot=ballot)]


def _retract_vote(state: RetroState, ballot: str, command: RetractVote) -> list[Event]:
    if state.ballot(ballot)[command.item_id] <= 0:
        raise RuleViolation(ErrorCode.NOT_FOUND, "You have no dot on that item to take back.")
    return [VoteRetracted(item_id=command.item_id, ballot=ballot)]


def _change_phase(state: RetroState, command: ChangePhase) -> list[Event]:
    target = command.to
    if target is state.phase:
        raise RuleViolation(ErrorCode.INVALID, f"The retro is already in {target.label}.")
    if state.phase is Phase.CLOSED:
        raise RuleViolation(ErrorCode.WRONG_PHASE, "The retro is closed; it cannot be reopened.")
    if not is_forward(state.phase, target):
        raise RuleViolation(
            ErrorCode.INVALID,
            f"{state.phase.label} cannot step back to {target.label}: what was shown stays shown.",
        )
    events: list[Event] = []
    if not state.revealed:
        order = list(state.items)
        _shuffler.shuffle(order)
        events.append(ItemsRevealed(order=tuple(order)))
    events.append(PhaseChanged(to=target))
    if target is Phase.CLOSED and state.ballots:
        events.append(BallotsErased())
    return events
