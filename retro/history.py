"""A team's history: its retros (hosted here or imported), its open actions and its check-in trend;
finding one retro's outcome, importing one, and forgetting one's raw items."""

from dataclasses import dataclass
from datetime import date

from pydantic import ValidationError

from retro.commands import ReviewOutcome
from retro.events import ReviewItem
from retro.outcome import OUTCOME_ADAPTER, ActionStatus, RetroOutcome, outcome_of
from retro.retention import Keep, forget_outcome, retention_of, stripped
from retro.state import RetroState, replay
from retro.store import EventStore
from retro.templates import MOTIVATION


class NoSuchRetro(Exception):
    pass


class BadImport(Exception):
    pass


@dataclass(frozen=True)
class HistoryRow:
    retro_id: str
    created_on: date
    title: str
    team: str
    items: int
    check_in_mean: float | None
    """None when fewer than the retro's minimum responses answered."""
    actions_open: int
    actions_done: int
    kept: str
    """'raw' while the raw items are kept, 'outcome' once they have been forgotten."""


def past_outcomes(store: EventStore, team: str | None) -> list[RetroOutcome]:
    """Every retro's outcome as it stood when it was last changed, oldest first."""
    hosted = [
        outcome_of(record.retro_id, replay(record.retro_id, store.events(record.retro_id)))
        for record in store.retros(team)
    ]
    imported = [OUTCOME_ADAPTER.validate_json(body) for body in store.imported(team)]
    return sorted([*hosted, *imported], key=lambda outcome: outcome.date)


def review_decisions(outcomes: list[RetroOutcome]) -> dict[str, ReviewOutcome]:
    """The latest review outcome of every action that a later retro reviewed, by reference."""
    decisions: dict[str, ReviewOutcome] = {}
    for outcome in outcomes:
        decisions.update({item.ref: item.outcome for item in outcome.review if item.outcome is not None})
    return decisions


def action_statuses(store: EventStore, retro_id: str, team: str) -> dict[str, ActionStatus]:
    """What later retros decided about one retro's actions, by action id."""
    statuses: dict[str, ActionStatus] = {}
    for ref, decision in review_decisions(past_outcomes(store, team)).items():
        origin, _, action_id = ref.partition("/")
        if origin == retro_id:
            statuses[action_id] = _status(decision)
    return statuses


def _status(decision: ReviewOutcome | None) -> ActionStatus:
    if decision is ReviewOutcome.DONE:
        return ActionStatus.DONE
    if decision is ReviewOutcome.DROPPED:
        return ActionStatus.DROPPED
    return ActionStatus.OPEN


def open_actions(store: EventStore, team: str) -> tuple[ReviewItem, ...]:
    """Actions of the team's earlier retros that nobody has marked done or dropped."""
    outcomes = past_outcomes(store, team)
    decisions = review_decisions(outcomes)
    return tuple(
        ReviewItem(
            ref=f"{outcome.retro_id}/{action.action_id}",
            text=action.text,
            owner=action.owner,
            due=action.due,
            from_title=outcome.title,
            from_date=outcome.date,
        )
        for outcome in outcomes
        for action in outcome.actions
        if _status(decisions.get(f"{outcome.retro_id}/{action.action_id}")) is ActionStatus.OPEN
    )


def check_in_mean(outcome: RetroOutcome) -> float | None:
    return next((summary.mean for summary in outcome.check_in if summary.question_id == MOTIVATION.id), None)


def check_in_trend(store: EventStore, team: str, leave_out: str | None = None) -> list[float | None]:
    """The team's motivation mean per retro, oldest first; None where too few answered."""
    return [check_in_mean(outcome) for outcome in past_outcomes(store, team) if outcome.retro_id != leave_out]


def history_rows(store: EventStore, team: str | None = None) -> list[HistoryRow]:
    outcomes = past_outcomes(store, team)
    decisions = review_decisions(outcomes)
    hosted = {record.retro_id for record in store.retros(team)}
    rows = []
    for outcome in outcomes:
        statuses = [_status(decisions.get(f"{outcome.retro_id}/{a.action_id}")) for a in outcome.actions]
        rows.append(
            HistoryRow(
                retro_id=outcome.retro_id,
                created_on=outcome.date,
                title=outcome.title,
                team=outcome.team,
                items=outcome.items,
                check_in_mean=check_in_mean(outcome),
                actions_open=statuses.count(ActionStatus.OPEN),
                actions_done=statuses.count(ActionStatus.DONE),
                kept="raw" if outcome.retro_id in hosted else "outcome",
            )
        )
    return rows


def hosted_outcome(store: EventStore, retro_id: str, state: RetroState) -> RetroOutcome:
    """A retro hosted here, as the team keeps it: with what later retros decided about its actions, and once a
    retro of a keep-outcome team has ended, without any participant's words (even while its state, in a
    session's memory or in a file an end cut short, still holds them)."""
    statuses = action_statuses(store, retro_id, state.team) if state.team else None
    outcome = outcome_of(retro_id, state, statuses)
    if state.ended and retention_of(store, state.team) is Keep.OUTCOME:
        return stripped(outcome)
    return outcome


def find_outcome(store: EventStore, ref: str, team: str | None = None) -> RetroOutcome:
    """`latest`, a retro id, or an unambiguous start of one (as `retro history` shows them); only among the
    team's retros when a team is given."""
    hosted = store.retros(team)
    if ref == "latest":
        if not hosted:
            raise NoSuchRetro("There are no retros yet; run `retro host` to start one.")
        return _replayed_outcome(store, hosted[-1].retro_id)
    matches = [record for record in hosted if record.retro_id.startswith(ref)] if len(ref) >= 4 else []
    if len(matches) == 1:
        return _replayed_outcome(store, matches[0].retro_id)
    imported = [o for o in past_outcomes(store, team) if o.retro_id.startswith(ref)] if len(ref) >= 4 else []
    if not matches and len(imported) == 1:
        return imported[0]
    if matches or len(imported) > 1:
        raise NoSuchRetro(f"{ref!r} matches more than one retro; give more of its id (see `retro history`).")
    raise NoSuchRetro(f"No retro {ref!r}; `retro history` lists them, or use `latest`.")


def _replayed_outcome(store: EventStore, retro_id: str) -> RetroOutcome:
    return hosted_outcome(store, retro_id, replay(retro_id, store.events(retro_id)))


def import_outcome(store: EventStore, raw: bytes) -> RetroOutcome:
    try:
        outcome = OUTCOME_ADAPTER.validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "file"
        raise BadImport(f"not a retro JSON export: {where}: {first['msg']}") from exc
    if not store.save_imported(outcome.retro_id, outcome.team, outcome.date, outcome.model_dump_json()):
        raise BadImport(f"retro {outcome.retro_id} ({outcome.title!r}) is already in this history.")
    return outcome


def forget_retro(store: EventStore, ref: str, team: str | None = None) -> RetroOutcome:
    """`retro forget`: the retro's raw items and secrets go for good, in one step; its outcome stays."""
    return forget_outcome(store, find_outcome(store, ref, team))
