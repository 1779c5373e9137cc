"""What a team keeps after a retro: the raw items, or only the outcome.

Forgetting keeps what the team decided and learned in aggregate (topic titles, vote totals, notes,
actions, check-in and ROTI summaries) and drops the raw items. A topic of one item that nobody voted on,
took notes on or attached an action to is dropped whole, since its title is that item's raw text.
"""

from enum import StrEnum

from retro.exports.outcome import ExportedTopic, RetroOutcome
from retro.exports.sources import find_outcome
from retro.store import EventStore


class Keep(StrEnum):
    RAW = "raw"
    OUTCOME = "outcome"


def retention_of(store: EventStore, team: str) -> Keep:
    kept = store.retention(team) if team else None
    return Keep(kept) if kept else Keep.RAW


def stripped(outcome: RetroOutcome) -> RetroOutcome:
    acted_on = {action.topic for action in outcome.actions if action.topic}
    kept = [
        ExportedTopic(
            topic_id=topic.topic_id,
            title=topic.title,
            grouped=topic.grouped,
            votes=topic.votes,
            items=(),
            notes=topic.notes,
        )
        for topic in outcome.topics
        if topic.grouped or topic.votes or topic.notes or topic.title in acted_on
    ]
    return outcome.model_copy(update={"topics": tuple(kept)})


def forget_retro(store: EventStore, ref: str) -> RetroOutcome:
    """Drop a retro's raw items for good; keep its outcome in history."""
    outcome = stripped(find_outcome(store, ref))
    store.forget_raw(outcome.retro_id, outcome.team, outcome.date, outcome.model_dump_json())
    return outcome
