"""Answering a credential holder's request (server.asks): each ask checked against who asks, then done.

Refusals are `Refused` with a code and one sentence; nothing here raises for any request a client can send.
"""

from collections.abc import Callable
from dataclasses import dataclass

from retro.builtin_templates import DEFAULT_TEMPLATE
from retro.credentials import OperatorCredential, TeamRefused, add_team, list_teams, revoke_team, team_name
from retro.history import (
    BadImport,
    NoSuchRetro,
    check_in_trend,
    find_outcome,
    forget_retro,
    history_rows,
    hosted_outcome,
    import_outcome,
)
from retro.launch import start_session
from retro.outcome import RetroOutcome
from retro.settings import RetroSettings
from server.access import Principal, may_facilitate, team_of
from server.asks import (
    Ask,
    ForgetAsk,
    Forgotten,
    History,
    HistoryAsk,
    ImportAsk,
    Imported,
    OpenAsk,
    Opened,
    OutcomeAsk,
    OutcomeResult,
    Result,
    ResumeAsk,
    TeamAddAsk,
    TeamAdded,
    TeamEntry,
    TeamListAsk,
    TeamRevokeAsk,
    TeamRevoked,
    Teams,
    Trend,
)
from server.protocol import RefusalCode
from server.rooms import Room, Rooms


@dataclass(frozen=True)
class Refused:
    code: str
    message: str


@dataclass(frozen=True)
class Limits:
    """What one team may take of a shared server; each refused politely when reached."""

    max_open_retros_per_team: int = 5
    max_items_per_retro: int = 2000


@dataclass(frozen=True)
class Bound:
    """An `open` or `resume` that succeeded: the connection facilitates this room from now on."""

    room: Room
    result: Opened


NOT_FOR_OPERATOR = Refused(RefusalCode.FORBIDDEN, "The operator token manages teams; it reaches no retro.")
ONLY_OPERATOR = Refused(RefusalCode.FORBIDDEN, "Only the operator token manages teams.")
NOT_FACILITATING = Refused(RefusalCode.INVALID, "Open or resume a retro first.")
NO_SUCH_RETRO = "No open retro {ref!r} for this team; `retro history --server` lists the team's retros."


def _retros(count: int) -> str:
    return f"{count} retro" if count == 1 else f"{count} retros"


class Answering:
    def __init__(self, rooms: Rooms, limits: Limits, public_url: Callable[[], str]) -> None:
        self.rooms = rooms
        self.limits = limits
        self.public_url = public_url
        """The base URL phones use, as the server knows it once it listens."""
        self._opened: dict[tuple[str, str], str] = {}
        """Retros opened by (team, request id), for this process's life."""

    def answer(
        self, principal: Principal, ask: Ask, bound: Room | None, request_id: str
    ) -> Result | Bound | Refused:
        if isinstance(ask, TeamAddAsk | TeamListAsk | TeamRevokeAsk):
            return self._team_admin(principal, ask)
        if isinstance(principal, OperatorCredential):
            return NOT_FOR_OPERATOR
        if isinstance(ask, OpenAsk):
            return self._open(principal, ask, request_id)
        if isinstance(ask, ResumeAsk):
            return self._resume(principal, ask)
        if isinstance(ask, OutcomeAsk):
            return self._outcome(principal, ask, bound)
        if isinstance(ask, HistoryAsk):
            return History(rows=tuple(history_rows(self.rooms.store, team_of(principal))))
        if isinstance(ask, ForgetAsk):
            return self._forget(principal, ask)
        if isinstance(ask, ImportAsk):
            return self._import(principal, ask)
        if bound is None:
            return NOT_FACILITATING
        state = bound.session.state
        means = check_in_trend(self.rooms.store, state.team, state.retro_id) if state.team else []
        return Trend(means=tuple(means))

    def _team_admin(
        self, principal: Principal, ask: TeamAddAsk | TeamListAsk | TeamRevokeAsk
    ) -> Result | Refused:
        if not isinstance(principal, OperatorCredential):
            return ONLY_OPERATOR
        store = self.rooms.store
        if isinstance(ask, TeamAddAsk):
            try:
                return TeamAdded(name=team_name(ask.name), token=add_team(store, ask.name))
            except TeamRefused as refused:
                return Refused(RefusalCode.INVALID, str(refused))
        if isinstance(ask, TeamRevokeAsk):
            try:
                revoke_team(store, ask.name)
            except TeamRefused as refused:
                return Refused(RefusalCode.NOT_FOUND, str(refused))
            return TeamRevoked(name=team_name(ask.name))
        entries = (
            TeamEntry(name=info.name, revoked=info.revoked, open_retros=info.open_retros)
            for info in list_teams(store)
        )
        return Teams(teams=tuple(entries))

    def _open(self, principal: Principal, ask: OpenAsk, request_id: str) -> Bound | Refused:
        """Once per request id: a client re-sending its `open` after a lost connection gets the same retro."""
        team = team_of(principal) or ""
        opened_before = self._opened.get((team, request_id))
        if opened_before is not None and (room := self.rooms.by_id(opened_before)) is not None:
            return self._bound(room, resumed=True)
        open_now = self.rooms.open_for_team(team)
        if team and len(open_now) >= self.limits.max_open_retros_per_team:
            return Refused(
                RefusalCode.LIMIT,
                f"Team {team!r} already has {_retros(len(open_now))} open, the most this server allows; "
                "end one, or resume it with --resume.",
            )
        settings = ask.settings or RetroSettings()
        if settings.max_items_per_retro > self.limits.max_items_per_retro:
            settings = settings.model_copy(update={"max_items_per_retro": self.limits.max_items_per_retro})
        session = start_session(
            self.rooms.store,
            title=ask.title,
            team=team,
            template=ask.template or DEFAULT_TEMPLATE,
            settings=settings,
        )
        self._opened[(team, request_id)] = session.record.retro_id
        return self._bound(self.rooms.add(session), resumed=False)

    def _resume(self, principal: Principal, ask: ResumeAsk) -> Bound | Refused:
        if ask.retro_id is None:
            team = team_of(principal)
            open_now = self.rooms.open_for_team(team or "")
            if not open_now:
                return Refused(RefusalCode.NOT_FOUND, "This team has no open retro to resume.")
            retro_id = open_now[-1]
        else:
            retro_id = ask.retro_id
        record = self.rooms.store.record(retro_id)
        if record is None or not may_facilitate(principal, record.team):
            return Refused(RefusalCode.NOT_FOUND, NO_SUCH_RETRO.format(ref=retro_id))
        room = self.rooms.by_id(retro_id)
        if room is None:
            return Refused(RefusalCode.NOT_FOUND, NO_SUCH_RETRO.format(ref=retro_id))
        return self._bound(room, resumed=True)

    def _bound(self, room: Room, resumed: bool) -> Bound:
        opened = Opened(retro_id=room.retro_id, resumed=resumed, public_url=self.public_url())
        return Bound(room, opened)

    def _outcome(self, principal: Principal, ask: OutcomeAsk, bound: Room | None) -> Result | Refused:
        if ask.retro is None:
            if bound is None:
                return NOT_FACILITATING
            session = bound.session
            return OutcomeResult(
                outcome=hosted_outcome(session.store, session.record.retro_id, session.state)
            )
        try:
            return OutcomeResult(outcome=self._find(principal, ask.retro))
        except NoSuchRetro as missing:
            return Refused(RefusalCode.NOT_FOUND, str(missing))

    def _find(self, principal: Principal, ref: str) -> RetroOutcome:
        return find_outcome(self.rooms.store, ref, team_of(principal))

    def _forget(self, principal: Principal, ask: ForgetAsk) -> Result | Refused:
        team = team_of(principal)
        try:
            outcome = find_outcome(self.rooms.store, ask.retro, team)
        except NoSuchRetro as missing:
            return Refused(RefusalCode.NOT_FOUND, str(missing))
        if self.rooms.is_open(outcome.retro_id):
            return Refused(RefusalCode.INVALID, "That retro is still open; end it before forgetting it.")
        self.rooms.discard(outcome.retro_id)
        return Forgotten(outcome=forget_retro(self.rooms.store, outcome.retro_id, team))

    def _import(self, principal: Principal, ask: ImportAsk) -> Result | Refused:
        team = team_of(principal)
        if team is not None and ask.outcome.team != team:
            sentence = (
                f"That outcome is team {ask.outcome.team!r}'s; a team's token imports only its own retros."
            )
            return Refused(RefusalCode.FORBIDDEN, sentence)
        try:
            return Imported(outcome=import_outcome(self.rooms.store, ask.outcome.model_dump_json().encode()))
        except BadImport as bad:
            return Refused(RefusalCode.INVALID, str(bad))
