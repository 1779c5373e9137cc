"""What a team keeps after a retro: the raw items, or only the outcome.

Forgetting keeps what the team decided and learned in aggregate (the topic names the facilitator gave,
vote totals, notes, actions, check-in and ROTI summaries) and drops every word a participant wrote. A topic
of one item that nobody named is titled by that item's text, so it keeps its votes and notes under a neutral
title ("Untitled topic 2"); if nobody voted on it, took notes on it or attached an action to it, it goes.
"""

from enum import StrEnum
from itertools import count

from retro.outcome import ExportedAction, RetroOutcome
from retro.store import EventStore


class Keep(StrEnum):
    RAW = "raw"
    OUTCOME = "outcome"


def retention_of(store: EventStore, team: str) -> Keep:
    kept = store.retention(team) if team else None
    return Keep(kept) if kept else Keep.RAW


def stripped(outcome: RetroOutcome) -> RetroOutcome:
    """The outcome without a word any participant wrote: no items, and no topic titled by its item.

    Forgetting an outcome that is already stripped changes nothing."""
    acted_on = {action.topic for action in outcome.actions if action.topic}
    kept = [
        topic
        for topic in outcome.topics
        if topic.grouped or topic.votes or topic.notes or topic.title in acted_on
    ]
    numbers = count(1)
    neutral = {topic.topic_id: f"Untitled topic {next(numbers)}" for topic in kept if not topic.grouped}
    topics = tuple(
        topic.model_copy(update={"title": neutral.get(topic.topic_id, topic.title), "items": ()})
        for topic in kept
    )
    names = {topic.title for topic in kept if topic.grouped}
    renamed: dict[str, str] = {}
    for topic in kept:
        if not topic.grouped:
            renamed.setdefault(topic.title, neutral[topic.topic_id])
    actions = tuple(_under_topic(action, names, renamed) for action in outcome.actions)
    return outcome.model_copy(update={"topics": topics, "actions": actions})


def _under_topic(action: ExportedAction, names: set[str], renamed: dict[str, str]) -> ExportedAction:
    """An action points at its topic by title: keep a name, follow a lone item's topic to its neutral
    title, and drop anything else rather than keep a participant's words."""
    if action.topic is None or action.topic in names:
        return action
    return action.model_copy(update={"topic": renamed.get(action.topic)})


def forget_outcome(store: EventStore, outcome: RetroOutcome) -> RetroOutcome:
    """Drop a retro's raw items and secrets for good, in one step; keep its stripped outcome in history."""
    kept = stripped(outcome)
    store.forget_raw(kept.retro_id, kept.team, kept.date, kept.model_dump_json())
    return kept
