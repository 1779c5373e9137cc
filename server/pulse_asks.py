"""A facilitator's requests about pulses, and their answers: open one, close one, the trend over weeks, and
the actions taken on the results.

Part of the `request` / `answer` exchange of server.asks. A team's token asks for its own team; the in-process
host (`retro host`), which sees every team, names the team in the ask. The operator asks none of them.
"""

from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from retro.pulse.models import DEFAULT_THRESHOLD, MIN_THRESHOLD, ActionStatus, PulseAction
from retro.pulse.questions import FreeTextQuestion, PulseQuestion
from retro.pulse.results import PulseResults
from retro.pulse.trend import TrendPoint
from retro.templates import Slug
from retro.text import CleanLine

PulseTeam = Annotated[CleanLine, Field(min_length=1, max_length=60)]
PulseRef = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class _PulseAsk(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    team: PulseTeam | None = None
    """Only for the in-process host; a team's token always asks for its own team."""


class PulseOpenAsk(_PulseAsk):
    """Open a pulse for the team. The asking connection then gets `pulse_count` whenever the count changes."""

    kind: Literal["pulse_open"] = "pulse_open"
    title: Annotated[CleanLine, Field(min_length=1, max_length=120)] = "Weekly pulse"
    closes_at: AwareDatetime | None = None
    """When it closes by itself; None for a pulse closed by hand (`pulse_close`)."""
    pinned: Slug | None = None
    """A question of the bank to ask this time, whatever the rotation says."""
    free_text: FreeTextQuestion | None = FreeTextQuestion()
    """The optional open question; null for none."""
    min_responses: int = Field(default=DEFAULT_THRESHOLD, ge=MIN_THRESHOLD, le=50)
    bank: tuple[PulseQuestion, ...] | None = Field(default=None, min_length=3, max_length=500)
    """The team's own bank, already read by the client; None for the built-in one."""


class PulseWatchAsk(_PulseAsk):
    """Watch a pulse already open, as its opener does: the one named (after a lost connection or a server
    restart, the app watches the same pulse again), else the team's latest open one (`retro pulse --resume`).
    Answered like `pulse_open`, with `pulse_opened`."""

    kind: Literal["pulse_watch"] = "pulse_watch"
    pulse_id: PulseRef | None = None


class PulseCloseAsk(_PulseAsk):
    """Close a pulse now: the one named, else the team's latest open one. Closing a closed one is harmless."""

    kind: Literal["pulse_close"] = "pulse_close"
    pulse_id: PulseRef | None = None


class PulseTrendAsk(_PulseAsk):
    """One question's mean over the team's weeks, with gaps, and the latest closed pulse's results."""

    kind: Literal["pulse_trend"] = "pulse_trend"
    question_id: Slug = "motivation"
    weeks: int = Field(default=12, ge=1, le=104)


class PulseActionAsk(_PulseAsk):
    """What the team will do about a closed pulse ("you said, we did"): the one named, else the latest."""

    kind: Literal["pulse_action"] = "pulse_action"
    pulse_id: PulseRef | None = None
    text: Annotated[CleanLine, Field(min_length=1, max_length=200)]
    owner: Annotated[CleanLine, Field(min_length=1, max_length=60)]
    due: date
    responds_to: tuple[Slug, ...] = Field(default=(), max_length=20)
    """The questions whose answers it responds to."""


class PulseActionStatusAsk(_PulseAsk):
    kind: Literal["pulse_action_status"] = "pulse_action_status"
    action_id: PulseRef
    status: ActionStatus


PULSE_ASKS = (PulseOpenAsk, PulseWatchAsk, PulseCloseAsk, PulseTrendAsk, PulseActionAsk, PulseActionStatusAsk)


class _PulseResult(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PulseOpened(_PulseResult):
    kind: Literal["pulse_opened"] = "pulse_opened"
    pulse_id: str
    team: str
    title: str
    week: str
    questions: tuple[PulseQuestion, ...]
    free_text: FreeTextQuestion | None
    closes_at: AwareDatetime | None
    min_responses: int
    join_path: str
    """The phones' link is `public_url` followed by this."""
    public_url: str


class PulseClosed(_PulseResult):
    kind: Literal["pulse_closed"] = "pulse_closed"
    results: PulseResults


class PulseTrend(_PulseResult):
    kind: Literal["pulse_trend"] = "pulse_trend"
    team: str
    question_id: str
    points: tuple[TrendPoint, ...]
    """Oldest first; a week under the threshold has `mean: null`, a gap and never a number."""
    latest: PulseResults | None
    """The latest closed pulse's results behind the threshold; None before the first has closed."""


class PulseActionResult(_PulseResult):
    kind: Literal["pulse_action"] = "pulse_action"
    action: PulseAction
    current: tuple[PulseAction, ...]
    """The team's actions as the next pulse's phones will see them."""
