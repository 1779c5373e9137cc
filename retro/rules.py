"""The rules: given the state, who is asking and what, decide which events follow, or refuse."""

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from retro.actors import Actor, Facilitator, Participant
from retro.commands import (
    AddItem,
    AddNote,
    AnswerCheckIn,
    AnswerRoti,
    CastVote,
    ChangePhase,
    ClaimItem,
    Command,
    DeleteAction,
    EditAction,
    ExtendTimer,
    HoldItem,
    LockJoining,
    MergeTopics,
    RecordAction,
    ReleaseItem,
    RenameTopic,
    RetractVote,
    ReviewAction,
    RewriteItem,
    RotateJoinToken,
    StartDiscussion,
    Ungroup,
    WithdrawItem,
)
from retro.errors import ErrorCode, RuleViolation
from retro.events import (
    ActionDeleted,
    ActionEdited,
    ActionRecorded,
    ActionReviewed,
    BallotsErased,
    CheckInAnswered,
    DiscussionStarted,
    Event,
    ItemAdded,
    ItemClaimed,
    ItemHeld,
    ItemReleased,
    ItemRewritten,
    ItemsRevealed,
    ItemWithdrawn,
    JoiningLocked,
    JoinTokenRotated,
    NoteAdded,
    PhaseChanged,
    RotiAnswered,
    TimerExtended,
    TopicRenamed,
    TopicsMerged,
    TopicUngrouped,
    VoteCast,
    VoteRetracted,
)
from retro.phases import ORDER, STEPS_BACK, Phase, is_forward, is_past
from retro.secrets import new_id, owner_hash
from retro.state import Item, RetroState, Topic


@dataclass(frozen=True)
class Rule:
    """Who may ask for a command, in which phases, and how a refusal names what was asked."""

    by: type[Facilitator] | type[Participant]
    phases: tuple[Phase, ...]
    doing: str


_ANY_PHASE = tuple(ORDER)

RULEBOOK: dict[type[Command], Rule] = {
    AnswerCheckIn: Rule(Participant, (Phase.CHECK_IN,), "Checking in"),
    AddItem: Rule(Participant, (Phase.WRITE,), "Writing items"),
    WithdrawItem: Rule(Participant, (Phase.WRITE,), "Withdrawing items"),
    RewriteItem: Rule(Participant, (Phase.WRITE,), "Rewriting a held item"),
    ClaimItem: Rule(Participant, (Phase.DISCUSS,), "Claiming an item"),
    CastVote: Rule(Participant, (Phase.VOTE,), "Voting"),
    RetractVote: Rule(Participant, (Phase.VOTE,), "Taking back a dot"),
    AnswerRoti: Rule(Participant, (Phase.CLOSE,), "Rating the retro"),
    HoldItem: Rule(Facilitator, (Phase.WRITE,), "Holding an item"),
    ReleaseItem: Rule(Facilitator, (Phase.WRITE,), "Releasing a held item"),
    LockJoining: Rule(Facilitator, _ANY_PHASE, "Locking joining"),
    RotateJoinToken: Rule(Facilitator, _ANY_PHASE, "A new join link"),
    ChangePhase: Rule(Facilitator, _ANY_PHASE, "Changing phase"),
    ReviewAction: Rule(Facilitator, (Phase.REVIEW,), "Reviewing earlier actions"),
    MergeTopics: Rule(Facilitator, (Phase.GROUP,), "Grouping"),
    RenameTopic: Rule(Facilitator, (Phase.GROUP, Phase.DISCUSS), "Naming topics"),
    Ungroup: Rule(Facilitator, (Phase.GROUP,), "Ungrouping"),
    StartDiscussion: Rule(Facilitator, (Phase.DISCUSS,), "Discussing a topic"),
    ExtendTimer: Rule(Facilitator, (Phase.DISCUSS,), "Adding time"),
    AddNote: Rule(Facilitator, (Phase.DISCUSS,), "Taking notes"),
    RecordAction: Rule(Facilitator, (Phase.DISCUSS, Phase.ACTIONS), "Recording actions"),
    EditAction: Rule(Facilitator, (Phase.DISCUSS, Phase.ACTIONS, Phase.CLOSE), "Editing actions"),
    DeleteAction: Rule(Facilitator, (Phase.DISCUSS, Phase.ACTIONS, Phase.CLOSE), "Deleting actions"),
}
_REFUSED_ROLE = {
    Facilitator: "Only the facilitator can do that.",
    Participant: "Only a participant's phone can do that.",
}

_shuffler = random.SystemRandom()


def decide(state: RetroState, actor: Actor, command: Command, now: datetime) -> list[Event]:
    rule = RULEBOOK[type(command)]
    if not isinstance(actor, rule.by):
        raise RuleViolation(ErrorCode.FORBIDDEN, _REFUSED_ROLE[rule.by])
    _check_phase(state, command, rule)
    match command:
        case AnswerCheckIn():
            return _answer_check_in(state, _ballot(actor), command)
        case AddItem():
            return _add_item(state, command)
        case WithdrawItem():
            _check_owner(_existing_item(state, command.item_id), command.item_secret, "withdraw")
            return [ItemWithdrawn(item_id=command.item_id)]
        case RewriteItem():
            return _rewrite_item(state, command)
        case ClaimItem():
            return _claim_item(state, command)
        case HoldItem():
            _existing_item(state, command.item_id)
            return [ItemHeld(item_id=command.item_id, reason_code=command.reason_code, reason=command.reason)]
        case ReleaseItem():
            if command.item_id not in state.held:
                raise RuleViolation(ErrorCode.NOT_FOUND, "That item is not held.")
            return [ItemReleased(item_id=command.item_id)]
        case LockJoining():
            if command.locked is state.joining_locked:
                raise RuleViolation(
                    ErrorCode.INVALID, f"Joining is already {'locked' if command.locked else 'open'}."
                )
            return [JoiningLocked(locked=command.locked)]
        case RotateJoinToken():
            return [JoinTokenRotated()]
        case CastVote():
            return _cast_vote(state, _ballot(actor), command)
        case RetractVote():
            return _retract_vote(state, _ballot(actor), command)
        case AnswerRoti():
            return [RotiAnswered(value=command.value, ballot=_ballot(actor))]
        case ChangePhase():
            return _change_phase(state, command)
        case ReviewAction():
            return _review_action(state, command)
        case MergeTopics():
            return _merge_topics(state, command)
        case RenameTopic():
            _existing_topic(state, command.topic_id)
            return [TopicRenamed(topic_id=command.topic_id, title=command.title)]
        case Ungroup():
            return _ungroup(state, command)
        case StartDiscussion():
            _existing_topic(state, command.topic_id)
            ends_at = now + timedelta(seconds=state.settings.discuss_seconds)
            return [DiscussionStarted(topic_id=command.topic_id, ends_at=ends_at)]
        case ExtendTimer():
            return _extend_timer(state, now)
        case AddNote():
            _existing_topic(state, command.topic_id)
            return [NoteAdded(note_id=new_id(), topic_id=command.topic_id, text=command.text)]
        case RecordAction():
            _check_action_topic(state, command.topic_id)
            fields = command.model_dump(exclude={"kind"})
            return [ActionRecorded(action_id=new_id(), **fields)]
        case EditAction():
            _existing_action(state, command.action_id)
            _check_action_topic(state, command.topic_id)
            return [ActionEdited(**command.model_dump(exclude={"kind"}))]
        case DeleteAction():
            _existing_action(state, command.action_id)
            return [ActionDeleted(action_id=command.action_id)]


def _check_phase(state: RetroState, command: Command, rule: Rule) -> None:
    if state.phase is Phase.ENDED and not isinstance(command, ChangePhase):
        raise RuleViolation(ErrorCode.WRONG_PHASE, "The retro has ended; nothing more can change.")
    if state.phase not in rule.phases:
        names = " and ".join(phase.label for phase in rule.phases)
        raise RuleViolation(
            ErrorCode.WRONG_PHASE,
            f"{rule.doing} is open during {names}; the retro is in {state.phase.label} now.",
        )


def _ballot(actor: Actor) -> str:
    assert isinstance(actor, Participant)
    return actor.pseudonym


def _answer_check_in(state: RetroState, ballot: str, command: AnswerCheckIn) -> list[Event]:
    assert state.template is not None
    question = state.template.question(command.question_id)
    if question is None:
        raise RuleViolation(
            ErrorCode.NOT_FOUND, f"This retro asks no question called {command.question_id!r}."
        )
    if not question.low <= command.value <= question.high:
        raise RuleViolation(ErrorCode.INVALID, f"Answer between {question.low} and {question.high}.")
    return [CheckInAnswered(question_id=question.id, value=command.value, ballot=ballot)]


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


def _existing_topic(state: RetroState, topic_id: str) -> Topic:
    topic = state.topics.get(topic_id)
    if topic is None:
        raise RuleViolation(ErrorCode.NOT_FOUND, "That topic no longer exists.")
    return topic


def _existing_action(state: RetroState, action_id: str) -> None:
    if action_id not in state.actions:
        raise RuleViolation(ErrorCode.NOT_FOUND, "That action no longer exists.")


def _check_action_topic(state: RetroState, topic_id: str | None) -> None:
    if topic_id is not None:
        _existing_topic(state, topic_id)


def _check_owner(item: Item, item_secret: str, verb: str) -> None:
    if not item.owner_hash or not secrets.compare_digest(item.owner_hash, owner_hash(item_secret)):
        raise RuleViolation(ErrorCode.NOT_OWNER, f"Only the phone that wrote an item can {verb} it.")


def _rewrite_item(state: RetroState, command: RewriteItem) -> list[Event]:
    item = _existing_item(state, command.item_id)
    _check_owner(item, command.item_secret, "rewrite")
    if item.item_id not in state.held:
        raise RuleViolation(
            ErrorCode.INVALID, "Only a held item is rewritten; withdraw it and write it again."
        )
    return [ItemRewritten(item_id=item.item_id, text=command.text)]


def _claim_item(state: RetroState, command: ClaimItem) -> list[Event]:
    item = _existing_item(state, command.item_id)
    _check_owner(item, command.item_secret, "claim")
    if item.item_id in state.claimed:
        raise RuleViolation(ErrorCode.INVALID, "You have already said this one was yours.")
    if state.topic_of(item.item_id) is None:
        raise RuleViolation(ErrorCode.NOT_FOUND, "That item was not revealed.")
    return [ItemClaimed(item_id=item.item_id, name=command.name)]


def _cast_vote(state: RetroState, ballot: str, command: CastVote) -> list[Event]:
    _existing_topic(state, command.topic_id)
    settings = state.settings
    if state.dots_used(ballot) >= settings.votes_per_person:
        raise RuleViolation(ErrorCode.NO_DOTS_LEFT, f"You have used all {settings.votes_per_person} dots.")
    if state.ballot(ballot)[command.topic_id] >= settings.max_votes_per_topic:
        raise RuleViolation(
            ErrorCode.LIMIT, f"At most {settings.max_votes_per_topic} of your dots can go on one topic."
        )
    return [VoteCast(topic_id=command.topic_id, ballot=ballot)]


def _retract_vote(state: RetroState, ballot: str, command: RetractVote) -> list[Event]:
    if state.ballot(ballot)[command.topic_id] <= 0:
        raise RuleViolation(ErrorCode.NOT_FOUND, "You have no dot on that topic to take back.")
    return [VoteRetracted(topic_id=command.topic_id, ballot=ballot)]


def _review_action(state: RetroState, command: ReviewAction) -> list[Event]:
    if all(item.ref != command.ref for item in state.review):
        raise RuleViolation(ErrorCode.NOT_FOUND, "That action is not in this retro's review.")
    return [ActionReviewed(ref=command.ref, outcome=command.outcome)]


def _merge_topics(state: RetroState, command: MergeTopics) -> list[Event]:
    if len(set(command.topic_ids)) != len(command.topic_ids):
        raise RuleViolation(ErrorCode.INVALID, "Each topic can be merged only once.")
    for topic_id in command.topic_ids:
        _existing_topic(state, topic_id)
    return [TopicsMerged(topic_id=new_id(), merged=command.topic_ids, title=command.title)]


def _ungroup(state: RetroState, command: Ungroup) -> list[Event]:
    topic = _existing_topic(state, command.topic_id)
    if len(topic.item_ids) < 2:
        raise RuleViolation(ErrorCode.INVALID, "That topic holds one item; there is nothing to ungroup.")
    return [TopicUngrouped(topic_id=command.topic_id)]


def _extend_timer(state: RetroState, now: datetime) -> list[Event]:
    if state.discussing is None or state.timer_ends_at is None:
        raise RuleViolation(ErrorCode.INVALID, "No topic is being discussed; start one first.")
    base = max(state.timer_ends_at, now)
    return [TimerExtended(ends_at=base + timedelta(seconds=state.settings.extend_seconds))]


def _change_phase(state: RetroState, command: ChangePhase) -> list[Event]:
    current, target = state.phase, command.to
    if target is current:
        raise RuleViolation(ErrorCode.INVALID, f"The retro is already in {target.label}.")
    if current is Phase.ENDED:
        raise RuleViolation(ErrorCode.WRONG_PHASE, "The retro has ended; it cannot be reopened.")
    if not is_forward(current, target):
        _check_step_back(state, current, target)
    events: list[Event] = []
    shown = {item_id for topic in state.topics.values() for item_id in topic.item_ids}
    if not state.revealed and is_past(target, Phase.WRITE):
        order = [item_id for item_id in state.items if item_id not in state.held]
        _shuffler.shuffle(order)
        events.append(ItemsRevealed(order=tuple(order)))
        shown = set(order)
    events.append(PhaseChanged(to=target))
    if target is Phase.ENDED:
        events += [ItemWithdrawn(item_id=item_id) for item_id in state.items if item_id not in shown]
        events.append(_erase_ballots(state))
    return events


def _check_step_back(state: RetroState, current: Phase, target: Phase) -> None:
    if (current, target) not in STEPS_BACK:
        raise RuleViolation(
            ErrorCode.INVALID,
            f"{current.label} cannot step back to {target.label}: what was shown stays shown.",
        )
    if current is Phase.VOTE and any(state.votes.values()):
        raise RuleViolation(ErrorCode.INVALID, "Dots have been cast; regrouping now would lose them.")


def _erase_ballots(state: RetroState) -> BallotsErased:
    assert state.template is not None
    return BallotsErased(
        votes={topic_id: count for topic_id, count in state.votes.items() if count},
        check_in={q.id: tuple(sorted(state.check_in_values(q.id))) for q in state.template.questions},
        roti=tuple(sorted(state.roti_values())),
    )
