"""Who a credential makes a connection: the operator, a team's facilitator, or the in-process host."""

from dataclasses import dataclass

from retro.credentials import OperatorCredential, TeamCredential


@dataclass(frozen=True)
class LocalHost:
    """`retro host` on this machine: its TUI holds an in-memory secret that may facilitate any retro in its
    own store. It is never written anywhere and dies with the process."""


Principal = OperatorCredential | TeamCredential | LocalHost


def may_facilitate(principal: Principal, team: str) -> bool:
    """Teams reach only their own retros; the operator manages teams and reaches no retro at all."""
    if isinstance(principal, LocalHost):
        return True
    return isinstance(principal, TeamCredential) and principal.team == team


def team_of(principal: Principal) -> str | None:
    """The one team a principal is confined to; None for the in-process host, which sees every team."""
    return principal.team if isinstance(principal, TeamCredential) else None
