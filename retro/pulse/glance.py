"""The latest pulse at a glance, for the next retro's Review: its results behind the threshold, beside the
team's open actions. It is written into the retro when it starts, so the retro shows what was known then."""

from pydantic import BaseModel, ConfigDict

from retro.aggregates import AnswerSummary


class PulseGlance(BaseModel):
    model_config = ConfigDict(frozen=True)

    week: str
    answered: int
    min_responses: int
    summaries: tuple[AnswerSummary, ...]
    """Each question's summary; a mean and a histogram only where that question reached the threshold."""
