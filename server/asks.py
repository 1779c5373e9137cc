"""Requests that only credential holders make, and their answers: the facilitator's and the operator's side
of the protocol, beside the commands that change a retro.

A `request` carries an `ask`; the server replies with an `answer` carrying the result under the same id, or
with an `error`. None of them is open to phones.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from retro.history import HistoryRow
from retro.outcome import RetroOutcome
from retro.settings import RetroSettings
from retro.templates import Template
from retro.text import CleanLine
from server.pulse_asks import (
    PULSE_ASKS,
    PulseActionAsk,
    PulseActionResult,
    PulseActionStatusAsk,
    PulseCloseAsk,
    PulseClosed,
    PulseOpenAsk,
    PulseOpened,
    PulseTrend,
    PulseTrendAsk,
    PulseWatchAsk,
)

RetroRef = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
"""A retro id from history, or its start, or `latest`."""
TeamName = Annotated[CleanLine, Field(min_length=1, max_length=60)]


class _Ask(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OpenAsk(_Ask):
    """Open a new retro for the credential's team; this connection then facilitates it."""

    kind: Literal["open"] = "open"
    title: Annotated[CleanLine, Field(min_length=1, max_length=200)]
    template: Template | None = None
    """The template, already read by the client (a built-in name or a TOML file); None for the default."""
    settings: RetroSettings | None = None


class ResumeAsk(_Ask):
    """Facilitate an open retro of the team: the one named, else the latest. Also how a client reconnects."""

    kind: Literal["resume"] = "resume"
    retro_id: RetroRef | None = None


class TrendAsk(_Ask):
    """The check-in means of the team's earlier retros, oldest first; None where too few answered."""

    kind: Literal["trend"] = "trend"


class OutcomeAsk(_Ask):
    """A retro's outcome as the team keeps it: the retro this connection facilitates, or one by reference."""

    kind: Literal["outcome"] = "outcome"
    retro: RetroRef | None = None


class HistoryAsk(_Ask):
    kind: Literal["history"] = "history"


class ForgetAsk(_Ask):
    kind: Literal["forget"] = "forget"
    retro: RetroRef


class ImportAsk(_Ask):
    kind: Literal["import"] = "import"
    outcome: RetroOutcome


class TeamAddAsk(_Ask):
    """Operator only: register a team and issue its facilitator token, shown once."""

    kind: Literal["team_add"] = "team_add"
    name: TeamName


class TeamListAsk(_Ask):
    kind: Literal["team_list"] = "team_list"


class TeamRevokeAsk(_Ask):
    kind: Literal["team_revoke"] = "team_revoke"
    name: TeamName


Ask = Annotated[
    OpenAsk
    | ResumeAsk
    | TrendAsk
    | OutcomeAsk
    | HistoryAsk
    | ForgetAsk
    | ImportAsk
    | TeamAddAsk
    | TeamListAsk
    | TeamRevokeAsk
    | PulseOpenAsk
    | PulseWatchAsk
    | PulseCloseAsk
    | PulseTrendAsk
    | PulseActionAsk
    | PulseActionStatusAsk,
    Field(discriminator="kind"),
]
OPERATOR_ASKS = (TeamAddAsk, TeamListAsk, TeamRevokeAsk)
TEAM_ASKS = (OpenAsk, ResumeAsk, TrendAsk, OutcomeAsk, HistoryAsk, ForgetAsk, ImportAsk, *PULSE_ASKS)


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Opened(_Result):
    """This connection now facilitates the retro: facilitator views follow, and commands apply to it."""

    kind: Literal["opened"] = "opened"
    retro_id: str
    resumed: bool
    public_url: str
    """The base URL phones use; the join link is this plus the `join_path` of each facilitator view."""


class Trend(_Result):
    kind: Literal["trend"] = "trend"
    means: tuple[float | None, ...]


class OutcomeResult(_Result):
    kind: Literal["outcome"] = "outcome"
    outcome: RetroOutcome


class History(_Result):
    kind: Literal["history"] = "history"
    rows: tuple[HistoryRow, ...]


class Forgotten(_Result):
    kind: Literal["forgotten"] = "forgotten"
    outcome: RetroOutcome


class Imported(_Result):
    kind: Literal["imported"] = "imported"
    outcome: RetroOutcome


class TeamAdded(_Result):
    kind: Literal["team_added"] = "team_added"
    name: str
    token: str
    """The team's facilitator token: shown this once; the server keeps only its hash."""


class TeamEntry(_Result):
    kind: Literal["team"] = "team"
    name: str
    revoked: bool
    open_retros: int


class Teams(_Result):
    kind: Literal["teams"] = "teams"
    teams: tuple[TeamEntry, ...]


class TeamRevoked(_Result):
    kind: Literal["team_revoked"] = "team_revoked"
    name: str


Result = Annotated[
    Opened
    | Trend
    | OutcomeResult
    | History
    | Forgotten
    | Imported
    | TeamAdded
    | Teams
    | TeamRevoked
    | PulseOpened
    | PulseClosed
    | PulseTrend
    | PulseActionResult,
    Field(discriminator="kind"),
]
