"""Answering a facilitator's pulse requests (server.pulse_asks): each checked against who asks, then done
through the pulse's one path (retro.pulse.lifecycle).

Refusals are `Refused` with a code and one sentence; nothing here raises for any request a client can send.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from retro.credentials import OperatorCredential
from retro.pulse.actions import record_action, set_status, you_said_we_did
from retro.pulse.bank import BUILT_IN_BANK
from retro.pulse.lifecycle import close_pulse, open_pulse
from retro.pulse.models import PulseRecord, PulseRefused
from retro.pulse.results import results
from retro.pulse.trend import trend
from server.access import Principal, may_facilitate, team_of
from server.answering import NOT_FOR_OPERATOR, Limits, Refused
from server.asks import Result
from server.protocol import RefusalCode
from server.pulse_asks import (
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
from server.pulse_rooms import PulseRoom, PulseRooms

PulseAsk = (
    PulseOpenAsk | PulseWatchAsk | PulseCloseAsk | PulseTrendAsk | PulseActionAsk | PulseActionStatusAsk
)
NAME_THE_TEAM = Refused(RefusalCode.INVALID, "Name the team: this connection may reach every team.")
ITS_OWN_TEAM = Refused(RefusalCode.FORBIDDEN, "A team's token reaches its own team's pulses only.")


@dataclass(frozen=True)
class Watching:
    """A `pulse_open` that succeeded: the asking connection gets the pulse's count from now on."""

    room: PulseRoom
    result: PulseOpened


class PulseAnswering:
    def __init__(self, rooms: PulseRooms, limits: Limits, public_url: Callable[[], str]) -> None:
        self.rooms = rooms
        self.pulses = rooms.store.pulses
        self.limits = limits
        self.public_url = public_url
        self._opened: dict[tuple[str, str], str] = {}
        """Pulses opened by (team, request id): an open sent again after a lost connection opens no second."""

    def answer(self, principal: Principal, ask: PulseAsk, request_id: str) -> Result | Watching | Refused:
        if isinstance(principal, OperatorCredential):
            return NOT_FOR_OPERATOR
        try:
            if isinstance(ask, PulseOpenAsk):
                return self._open(principal, ask, request_id)
            if isinstance(ask, PulseWatchAsk):
                return self._watch(principal, ask)
            if isinstance(ask, PulseCloseAsk):
                return self._close(principal, ask)
            if isinstance(ask, PulseTrendAsk):
                return self._trend(principal, ask)
            return self._act(principal, ask)
        except PulseRefused as refused:
            return Refused(refused.code, refused.message)

    def _open(self, principal: Principal, ask: PulseOpenAsk, request_id: str) -> Watching | Refused:
        team = _team(principal, ask.team)
        if isinstance(team, Refused):
            return team
        before = self._opened.get((team, request_id))
        record = self.pulses.pulse(before) if before is not None else None
        if record is None:
            open_now = [pulse for pulse in self.pulses.pulses(team) if not pulse.closed]
            if len(open_now) >= self.limits.max_open_retros_per_team:
                sentence = (
                    f"Team {team!r} already has {len(open_now)} pulses open, the most this server allows; "
                    "close one first."
                )
                return Refused(RefusalCode.LIMIT, sentence)
            record = open_pulse(
                self.pulses,
                team=team,
                now=datetime.now(UTC),
                title=ask.title,
                closes_at=ask.closes_at,
                pinned=ask.pinned,
                free_text=ask.free_text,
                min_responses=ask.min_responses,
                bank=ask.bank if ask.bank is not None else BUILT_IN_BANK,
            )
            self._opened[(team, request_id)] = record.pulse_id
        return Watching(self.rooms.room_of(record), self._opened_result(record))

    def _watch(self, principal: Principal, ask: PulseWatchAsk) -> Watching | Refused:
        if ask.pulse_id is None:
            team = _team(principal, ask.team)
            if isinstance(team, Refused):
                return team
            open_now = [pulse for pulse in self.pulses.pulses(team) if not pulse.closed]
            if not open_now:
                return Refused(RefusalCode.NOT_FOUND, f"Team {team!r} has no open pulse to watch.")
            record: PulseRecord | None = open_now[-1]
        else:
            record = self.pulses.pulse(ask.pulse_id)
        if record is None or not may_facilitate(principal, record.team):
            return Refused(RefusalCode.NOT_FOUND, f"No pulse {ask.pulse_id!r} for this team.")
        return Watching(self.rooms.room_of(record), self._opened_result(record))

    def _opened_result(self, record: PulseRecord) -> PulseOpened:
        return PulseOpened(
            pulse_id=record.pulse_id,
            team=record.team,
            title=record.title,
            week=record.week,
            questions=record.questions,
            free_text=record.free_text,
            closes_at=record.closes_at,
            min_responses=record.min_responses,
            join_path=f"/j/{record.join_token}",
            public_url=self.public_url(),
        )

    def _close(self, principal: Principal, ask: PulseCloseAsk) -> Result | Refused:
        if ask.pulse_id is not None:
            record = self.pulses.pulse(ask.pulse_id)
            if record is None or not may_facilitate(principal, record.team):
                return Refused(RefusalCode.NOT_FOUND, f"No pulse {ask.pulse_id!r} for this team.")
        else:
            team = _team(principal, ask.team)
            if isinstance(team, Refused):
                return team
            open_now = [pulse for pulse in self.pulses.pulses(team) if not pulse.closed]
            if not open_now:
                return Refused(RefusalCode.NOT_FOUND, f"Team {team!r} has no open pulse to close.")
            record = open_now[-1]
        closed = close_pulse(self.pulses, record.pulse_id)
        self.rooms.show_closed(closed.pulse_id)
        return PulseClosed(results=results(self.pulses, closed.pulse_id))

    def _trend(self, principal: Principal, ask: PulseTrendAsk) -> Result | Refused:
        team = _team(principal, ask.team)
        if isinstance(team, Refused):
            return team
        closed = [pulse for pulse in self.pulses.pulses(team) if pulse.closed]
        latest = results(self.pulses, closed[-1].pulse_id) if closed else None
        points = trend(self.pulses, team, ask.question_id, ask.weeks)
        return PulseTrend(team=team, question_id=ask.question_id, points=points, latest=latest)

    def _act(self, principal: Principal, ask: PulseActionAsk | PulseActionStatusAsk) -> Result | Refused:
        if isinstance(ask, PulseActionStatusAsk):
            found = self.pulses.action(ask.action_id)
            if found is None or not may_facilitate(principal, found.team):
                return Refused(RefusalCode.NOT_FOUND, f"No pulse action {ask.action_id!r} for this team.")
            action = set_status(self.pulses, ask.action_id, ask.status)
        else:
            record = self._acted_on(principal, ask)
            if isinstance(record, Refused):
                return record
            action = record_action(
                self.pulses,
                pulse_id=record.pulse_id,
                text=ask.text,
                owner=ask.owner,
                due=ask.due,
                responds_to=ask.responds_to,
            )
        self.rooms.show_actions(action.team)
        return PulseActionResult(action=action, current=you_said_we_did(self.pulses, action.team))

    def _acted_on(self, principal: Principal, ask: PulseActionAsk) -> PulseRecord | Refused:
        """The pulse named, if this principal reaches it; else the team's latest closed one."""
        if ask.pulse_id is not None:
            record = self.pulses.pulse(ask.pulse_id)
            if record is None or not may_facilitate(principal, record.team):
                return Refused(RefusalCode.NOT_FOUND, f"No pulse {ask.pulse_id!r} for this team.")
            return record
        team = _team(principal, ask.team)
        if isinstance(team, Refused):
            return team
        closed = [pulse for pulse in self.pulses.pulses(team) if pulse.closed]
        if not closed:
            return Refused(RefusalCode.NOT_FOUND, f"Team {team!r} has no closed pulse to act on yet.")
        return closed[-1]


def _team(principal: Principal, named: str | None) -> str | Refused:
    """A team's token asks for its own team; the in-process host, which reaches every team, names one."""
    own = team_of(principal)
    if own is None:
        return NAME_THE_TEAM if named is None else named
    if named is not None and named != own:
        return ITS_OWN_TEAM
    return own
