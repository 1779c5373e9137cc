"""A team's history: its retros, its open actions, and its check-in trend."""

from dataclasses import dataclass
from datetime import date

from retro.aggregates import mean_if_enough
from retro.commands import ReviewOutcome
from retro.events import ReviewItem
from retro.records import RetroRecord
from retro.state import RetroState, replay
from retro.store import EventStore
from retro.templates import MOTIVATION


@dataclass(frozen=True)
class PastRetro:
    record: RetroRecord
    state: RetroState


@dataclass(frozen=True)
class HistoryRow:
    created_on: date
    title: str
    team: str
    items: int
    check_in_mean: float | None
    """None when fewer than the retro's minimum responses answered."""
    actions_open: int
    actions_done: int


def past_retros(store: EventStore, team: str | None) -> list[PastRetro]:
    return [
        PastRetro(record, replay(record.retro_id, store.events(record.retro_id)))
        for record in store.retros(team)
    ]


def action_outcomes(retros: list[PastRetro]) -> dict[str, ReviewOutcome]:
    """The latest review outcome of every action that has been reviewed, by reference."""
    outcomes: dict[str, ReviewOutcome] = {}
    for past in retros:
        outcomes.update(past.state.review_outcomes)
    return outcomes


def open_actions(store: EventStore, team: str) -> tuple[ReviewItem, ...]:
    """Actions of the team's earlier retros that nobody has marked done or dropped."""
    retros = past_retros(store, team)
    closed = {
        ref for ref, outcome in action_outcomes(retros).items() if outcome is not ReviewOutcome.CARRIED_OVER
    }
    return tuple(
        ReviewItem(
            ref=f"{past.record.retro_id}/{action.action_id}",
            text=action.text,
            owner=action.owner,
            due=action.due,
            from_title=past.state.title,
            from_date=past.state.created_on,
        )
        for past in retros
        for action in past.state.actions.values()
        if f"{past.record.retro_id}/{action.action_id}" not in closed
    )


def check_in_mean(state: RetroState) -> float | None:
    return mean_if_enough(state.check_in_values(MOTIVATION.id), state.settings.min_responses)


def check_in_trend(store: EventStore, team: str) -> list[float | None]:
    """The team's motivation mean per retro, oldest first; None where too few answered."""
    return [check_in_mean(past.state) for past in past_retros(store, team)]


def history_rows(store: EventStore, team: str | None = None) -> list[HistoryRow]:
    retros = past_retros(store, team)
    outcomes = action_outcomes(retros)
    rows = []
    for past in retros:
        refs = [f"{past.record.retro_id}/{action_id}" for action_id in past.state.actions]
        done = sum(1 for ref in refs if outcomes.get(ref) is ReviewOutcome.DONE)
        dropped = sum(1 for ref in refs if outcomes.get(ref) is ReviewOutcome.DROPPED)
        rows.append(
            HistoryRow(
                created_on=past.state.created_on,
                title=past.state.title,
                team=past.state.team,
                items=len(past.state.items),
                check_in_mean=check_in_mean(past.state),
                actions_open=len(refs) - done - dropped,
                actions_done=done,
            )
        )
    return rows
