"""A team's pulse trend over weeks: a week under the threshold is a gap, never a number."""

from pydantic import BaseModel, ConfigDict

from retro.pulse.results import results
from retro.pulse.store import PulseStore


class TrendPoint(BaseModel):
    model_config = ConfigDict(frozen=True)

    week: str
    mean: float | None
    """None when fewer than the threshold answered that week: a gap."""
    answered: int


def trend(
    pulses: PulseStore, team: str, question_id: str = "motivation", weeks: int = 12
) -> tuple[TrendPoint, ...]:
    """One point per week with a closed pulse, the latest `weeks` of them, oldest first. A week with more than
    one pulse takes its latest."""
    latest: dict[str, TrendPoint] = {}
    for record in pulses.pulses(team):
        if not record.closed:
            continue
        summary = next(
            (s for s in results(pulses, record.pulse_id).summaries if s.question_id == question_id), None
        )
        if summary is not None:
            latest[record.week] = TrendPoint(week=record.week, mean=summary.mean, answered=summary.answered)
    return tuple(latest[week] for week in sorted(latest)[-weeks:])
