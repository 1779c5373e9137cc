"""Roll-ups of a week's pulses across teams, such as a directorate: shown only for a group at or above the
threshold, and refused when it differs from a group already shown by fewer respondents than the threshold,
since subtracting one from the other would reveal them. Each team's own results count as shown."""

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from retro.aggregates import AnswerSummary, summarise
from retro.pulse.models import PulseRecord, PulseRefused
from retro.pulse.questions import MOTIVATION_QUESTION
from retro.pulse.store import PulseStore


class Rollup(BaseModel):
    model_config = ConfigDict(frozen=True)

    week: str
    teams: tuple[str, ...]
    answered: int
    motivation: AnswerSummary


def rollup(pulses: PulseStore, teams: Iterable[str], week: str) -> Rollup:
    group = frozenset(teams)
    if len(group) < 2:
        raise PulseRefused("invalid", "A roll-up takes two teams or more; one team's results are its own.")
    latest = _latest_closed(pulses, group, week)
    counts = {team: pulses.answer_count(record.pulse_id) for team, record in latest.items()}
    threshold = max((record.min_responses for record in latest.values()), default=0)
    answered = sum(counts.values())
    if not latest or answered < threshold:
        raise PulseRefused("limit", f"Too few answers in {week} across these teams to show a roll-up.")
    shown_before = pulses.released_rollups(week) + [
        frozenset({team}) for team, count in counts.items() if count >= latest[team].min_responses
    ]
    for earlier in shown_before:
        apart = _respondents(pulses, group ^ earlier, week)
        if 0 < apart < threshold:
            raise PulseRefused(
                "limit",
                "This roll-up differs from one already shown by fewer people than the threshold; "
                "subtracting one from the other would reveal their answers.",
            )
    values = [
        one.value
        for record in latest.values()
        for one in pulses.stored_answers(record.pulse_id)
        if one.question_id == MOTIVATION_QUESTION.id and one.value is not None
    ]
    pulses.release_rollup(week, group)
    return Rollup(
        week=week,
        teams=tuple(sorted(latest)),
        answered=answered,
        motivation=summarise(MOTIVATION_QUESTION.as_scale(), values, threshold),
    )


def _respondents(pulses: PulseStore, teams: frozenset[str], week: str) -> int:
    """How many answered the teams' pulses of the week, however many of the teams are in this roll-up."""
    return sum(
        pulses.answer_count(record.pulse_id) for record in _latest_closed(pulses, teams, week).values()
    )


def _latest_closed(pulses: PulseStore, group: frozenset[str], week: str) -> dict[str, PulseRecord]:
    latest: dict[str, PulseRecord] = {}
    for team in sorted(group):
        for record in pulses.pulses(team):
            if record.closed and record.week == week:
                latest[team] = record
    return latest
