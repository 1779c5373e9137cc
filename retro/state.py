"""In-memory state of one retro, rebuilt by applying events in order."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from retro.events import (
    ActionRecorded,
    BallotsErased,
    Event,
    ItemAdded,
    ItemsRevealed,
    ItemWithdrawn,
    PhaseChanged,
    RetroStarted,
    VoteCast,
    VoteRetracted,
)
from retro.phases import Phase
from retro.settings import RetroSettings
from retro.templates import Template


@dataclass(frozen=True)
class Item:
    item_id: str
    prompt_id: str
    text: str
    owner_hash: str


@dataclass(frozen=True)
class Action:
    action_id: str
    text: str
    owner: str
    due: date


@dataclass
class RetroState:
    retro_id: str
    title: str = ""
    team: str = ""
    created_on: date = date.min
    template: Template | None = None
    settings: RetroSettings = field(default_factory=RetroSettings)
    phase: Phase = Phase.WRITE
    items: dict[str, Item] = field(default_factory=dict)
    revealed_order: tuple[str, ...] = ()
    votes: Counter[str] = field(default_factory=Counter)
    ballots: dict[str, Counter[str]] = field(default_factory=dict)
    actions: list[Action] = field(default_factory=list)

    @property
    def revealed(self) -> bool:
        return bool(self.revealed_order) or self.phase is not Phase.WRITE

    @property
    def voting_closed(self) -> bool:
        return self.phase in (Phase.ACTIONS, Phase.CLOSED)

    def ballot(self, ballot: str) -> Counter[str]:
        """One participant's dots per item; empty for someone who has not voted."""
        return self.ballots.get(ballot) or Counter()

    def dots_used(self, ballot: str) -> int:
        return sum(self.ballot(ballot).values())

    def apply(self, event: Event) -> None:
        match event:
            case RetroStarted():
                self.title = event.title
                self.team = event.team
                self.created_on = event.created_on
                self.template = event.template
                self.settings = event.settings
            case ItemAdded():
                self.items[event.item_id] = Item(event.item_id, event.prompt_id, event.text, event.owner_hash)
            case ItemWithdrawn():
                del self.items[event.item_id]
            case PhaseChanged():
                self.phase = event.to
            case ItemsRevealed():
                self.revealed_order = event.order
            case VoteCast():
                self.votes[event.item_id] += 1
                self.ballots.setdefault(event.ballot, Counter())[event.item_id] += 1
            case VoteRetracted():
                self.votes[event.item_id] -= 1
                self.ballots[event.ballot][event.item_id] -= 1
            case BallotsErased():
                self.ballots.clear()
            case ActionRecorded():
                self.actions.append(Action(event.action_id, event.text, event.owner, event.due))


def replay(retro_id: str, events: list[Event]) -> RetroState:
    state = RetroState(retro_id=retro_id)
    for event in events:
        state.apply(event)
    return state
