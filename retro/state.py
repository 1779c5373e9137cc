"""In-memory state of one retro, rebuilt by applying events in order."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from retro.commands import ReviewOutcome
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
    RetroStarted,
    ReviewItem,
    RotiAnswered,
    TimerExtended,
    TopicRenamed,
    TopicsMerged,
    TopicUngrouped,
    VoteCast,
    VoteRetracted,
)
from retro.phases import Phase, is_past
from retro.pulse.glance import PulseGlance
from retro.settings import RetroSettings
from retro.templates import Template


@dataclass(frozen=True)
class Item:
    item_id: str
    prompt_id: str
    text: str
    owner_hash: str


@dataclass(frozen=True)
class Topic:
    topic_id: str
    title: str
    """Empty for a topic of one item, which is shown by its item's text."""
    item_ids: tuple[str, ...]


@dataclass(frozen=True)
class Note:
    note_id: str
    topic_id: str
    text: str


@dataclass(frozen=True)
class Action:
    action_id: str
    text: str
    owner: str
    due: date
    topic_id: str | None


@dataclass
class RetroState:
    retro_id: str
    title: str = ""
    team: str = ""
    created_on: date = date.min
    template: Template | None = None
    settings: RetroSettings = field(default_factory=RetroSettings)
    phase: Phase = Phase.REVIEW
    review: tuple[ReviewItem, ...] = ()
    pulse: PulseGlance | None = None
    review_outcomes: dict[str, ReviewOutcome] = field(default_factory=dict)
    check_in: dict[str, dict[str, int]] = field(default_factory=dict)
    """Answers per question, keyed by ballot until the retro ends."""
    check_in_final: dict[str, tuple[int, ...]] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    held: dict[str, str] = field(default_factory=dict)
    """Items the facilitator held before the reveal, with the reason only their author's phone sees, as the
    facilitator reads it: a preset's English (retro.hold_reasons.preset_of gives its code back) or their own
    words."""
    claimed: dict[str, str] = field(default_factory=dict)
    """Items whose author chose to say "that was me", with the name they gave (possibly empty)."""
    joining_locked: bool = False
    revealed: bool = False
    topics: dict[str, Topic] = field(default_factory=dict)
    topic_order: list[str] = field(default_factory=list)
    votes: Counter[str] = field(default_factory=Counter)
    ballots: dict[str, Counter[str]] = field(default_factory=dict)
    discussing: str | None = None
    timer_ends_at: datetime | None = None
    discussed: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    actions: dict[str, Action] = field(default_factory=dict)
    roti: dict[str, int] = field(default_factory=dict)
    roti_final: tuple[int, ...] = ()
    ended: bool = False

    @property
    def voting_closed(self) -> bool:
        return is_past(self.phase, Phase.VOTE)

    def ballot(self, ballot: str) -> Counter[str]:
        """One participant's dots per topic; empty for someone who has not voted."""
        return self.ballots.get(ballot) or Counter()

    def dots_used(self, ballot: str) -> int:
        return sum(self.ballot(ballot).values())

    def check_in_values(self, question_id: str) -> list[int]:
        if self.ended:
            return list(self.check_in_final.get(question_id, ()))
        return list(self.check_in.get(question_id, {}).values())

    def roti_values(self) -> list[int]:
        return list(self.roti_final) if self.ended else list(self.roti.values())

    def ordered_topics(self) -> list[Topic]:
        """Most votes first once voting has closed; the shuffled reveal order before that."""
        topics = [self.topics[topic_id] for topic_id in self.topic_order]
        if self.voting_closed:
            topics.sort(key=lambda topic: -self.votes[topic.topic_id])
        return topics

    def topic_of(self, item_id: str) -> str | None:
        return next((t.topic_id for t in self.topics.values() if item_id in t.item_ids), None)

    def apply(self, event: Event) -> None:
        match event:
            case RetroStarted():
                self.title, self.team, self.created_on = event.title, event.team, event.created_on
                self.template, self.settings, self.review = event.template, event.settings, event.review
                self.pulse = event.pulse
            case PhaseChanged():
                self.phase = event.to
                if event.to is not Phase.DISCUSS:
                    self.discussing, self.timer_ends_at = None, None
            case ActionReviewed():
                self.review_outcomes[event.ref] = event.outcome
            case CheckInAnswered():
                self.check_in.setdefault(event.question_id, {})[event.ballot] = event.value
            case ItemAdded():
                self.items[event.item_id] = Item(event.item_id, event.prompt_id, event.text, event.owner_hash)
            case ItemWithdrawn():
                del self.items[event.item_id]
                self.held.pop(event.item_id, None)
            case ItemHeld():
                self.held[event.item_id] = event.words
            case ItemReleased():
                del self.held[event.item_id]
            case ItemRewritten():
                item = self.items[event.item_id]
                self.items[event.item_id] = Item(item.item_id, item.prompt_id, event.text, item.owner_hash)
                self.held.pop(event.item_id, None)
            case ItemClaimed():
                self.claimed[event.item_id] = event.name
            case JoiningLocked():
                self.joining_locked = event.locked
            case JoinTokenRotated():
                pass
            case ItemsRevealed():
                self.revealed = True
                self.topics = {item_id: Topic(item_id, "", (item_id,)) for item_id in event.order}
                self.topic_order = list(event.order)
            case TopicsMerged():
                self._merge(event)
            case TopicRenamed():
                topic = self.topics[event.topic_id]
                self.topics[event.topic_id] = Topic(topic.topic_id, event.title, topic.item_ids)
            case TopicUngrouped():
                self._ungroup(event.topic_id)
            case VoteCast():
                self.votes[event.topic_id] += 1
                self.ballots.setdefault(event.ballot, Counter())[event.topic_id] += 1
            case VoteRetracted():
                self.votes[event.topic_id] -= 1
                self.ballots[event.ballot][event.topic_id] -= 1
            case DiscussionStarted():
                self.discussing, self.timer_ends_at = event.topic_id, event.ends_at
                if event.topic_id not in self.discussed:
                    self.discussed.append(event.topic_id)
            case TimerExtended():
                self.timer_ends_at = event.ends_at
            case NoteAdded():
                self.notes.append(Note(event.note_id, event.topic_id, event.text))
            case ActionRecorded() | ActionEdited():
                self.actions[event.action_id] = Action(
                    event.action_id, event.text, event.owner, event.due, event.topic_id
                )
            case ActionDeleted():
                del self.actions[event.action_id]
            case RotiAnswered():
                self.roti[event.ballot] = event.value
            case BallotsErased():
                self.ended = True
                self.items = {i: Item(i, item.prompt_id, item.text, "") for i, item in self.items.items()}
                self.votes = Counter(event.votes)
                self.ballots, self.check_in, self.roti = {}, {}, {}
                self.check_in_final, self.roti_final = dict(event.check_in), event.roti

    def _merge(self, event: TopicsMerged) -> None:
        position = min(self.topic_order.index(topic_id) for topic_id in event.merged)
        item_ids = tuple(item for topic_id in event.merged for item in self.topics[topic_id].item_ids)
        for topic_id in event.merged:
            del self.topics[topic_id]
        self.topic_order = [topic_id for topic_id in self.topic_order if topic_id not in event.merged]
        self.topics[event.topic_id] = Topic(event.topic_id, event.title, item_ids)
        self.topic_order.insert(position, event.topic_id)

    def _ungroup(self, topic_id: str) -> None:
        position = self.topic_order.index(topic_id)
        topic = self.topics.pop(topic_id)
        self.topic_order.remove(topic_id)
        for offset, item_id in enumerate(topic.item_ids):
            self.topics[item_id] = Topic(item_id, "", (item_id,))
            self.topic_order.insert(position + offset, item_id)


def replay(retro_id: str, events: list[Event]) -> RetroState:
    state = RetroState(retro_id=retro_id)
    for event in events:
        state.apply(event)
    return state
