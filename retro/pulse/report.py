"""What a team's pulse report holds: the trend of every question it has asked, the latest results behind the
threshold, and "you said, we did". The exports render this one model."""

from pydantic import BaseModel, ConfigDict

from retro.pulse.actions import you_said_we_did
from retro.pulse.models import PulseAction
from retro.pulse.results import PulseResults, results
from retro.pulse.store import PulseStore
from retro.pulse.trend import TrendPoint, trend


class QuestionTrend(BaseModel):
    model_config = ConfigDict(frozen=True)

    question_id: str
    text: str
    high: int
    points: tuple[TrendPoint, ...]


class PulseReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    team: str
    trends: tuple[QuestionTrend, ...]
    """Motivation first, then each statement in the order the team was first asked it."""
    latest: PulseResults | None
    actions: tuple[PulseAction, ...]


def pulse_report(pulses: PulseStore, team: str, weeks: int = 12) -> PulseReport:
    closed = [record for record in pulses.pulses(team) if record.closed]
    asked: dict[str, QuestionTrend] = {}
    for record in closed:
        for question in record.questions:
            if question.id not in asked:
                points = trend(pulses, team, question.id, weeks)
                asked[question.id] = QuestionTrend(
                    question_id=question.id, text=question.text, high=question.high, points=points
                )
    return PulseReport(
        team=team,
        trends=tuple(asked.values()),
        latest=results(pulses, closed[-1].pulse_id) if closed else None,
        actions=you_said_we_did(pulses, team),
    )
