"""The service's credentials: one operator token, and a facilitator token per team.

Each is a random secret shown once, when it is made; the store keeps only its hash. Join tokens and
facilitator keys belong to each retro (`retro.secrets`), not here.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from retro.store import EventStore
from retro.text import CLEANED_LINE

SECRET_BYTES = 24
"""192 random bits, well above the 128 the security model asks for."""
MAX_TEAM_CHARS = 60


class CredentialKind(StrEnum):
    OPERATOR = "operator"
    TEAM = "team"


PREFIXES = {CredentialKind.OPERATOR: "rop_", CredentialKind.TEAM: "rtm_"}
"""So that an operator can tell the tokens apart at a glance; they carry no secret."""


@dataclass(frozen=True)
class OperatorCredential:
    """The server's administrator: creates, lists and revokes teams; never sees who wrote anything."""


@dataclass(frozen=True)
class TeamCredential:
    """A facilitator of this team: opens and drives the team's retros, and no other team's."""

    team: str


Principal = OperatorCredential | TeamCredential

TeamName = Annotated[str, Field(min_length=1, max_length=MAX_TEAM_CHARS), CLEANED_LINE]
"""One line, cleaned like any user text, then 1 to 60 characters; cleaning trims it."""
_TEAM_NAME: TypeAdapter[str] = TypeAdapter(TeamName)


class TeamInfo(BaseModel):
    """A row of `retro team list`."""

    model_config = ConfigDict(frozen=True)

    name: TeamName
    created_on: date
    revoked: bool
    open_retros: int


class TeamRefused(ValueError):
    """A team operation said no; the message is a sentence for the operator."""


class InvalidTeamName(TeamRefused):
    pass


class TeamExists(TeamRefused):
    pass


class NoSuchTeam(TeamRefused):
    pass


def new_secret(kind: CredentialKind) -> str:
    """A URL-safe random secret with a prefix that says what it is for: `rop_…` or `rtm_…`."""
    return PREFIXES[kind] + secrets.token_urlsafe(SECRET_BYTES)


def secret_hash(secret: str) -> str:
    """SHA-256, hex. A secret of 192 random bits cannot be guessed from its hash, so no slow, salted
    password hash is needed; a fast one lets every request be checked cheaply. Any string hashes, lone
    surrogates included, so that nothing a client sends can make checking it fail."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def team_name(raw: str) -> str:
    """The cleaned name, or InvalidTeamName saying what a name needs."""
    try:
        return _TEAM_NAME.validate_python(raw)
    except ValidationError as error:
        too_long = error.errors()[0]["type"] == "string_too_long"
        problem = f"at most {MAX_TEAM_CHARS} characters" if too_long else "some visible characters"
        raise InvalidTeamName(f"a team name needs {problem}, like 'Ward 7'") from None


def issue_operator_token(store: EventStore, today: date | None = None) -> str | None:
    """On the first start only: the operator's new token, for the caller to show once. None ever after."""
    if store.has_operator():
        return None
    secret = new_secret(CredentialKind.OPERATOR)
    saved = store.save_operator_credential(secret_hash(secret), today or date.today())
    return secret if saved else None


def add_team(store: EventStore, name: str, today: date | None = None) -> str:
    """Register a team and return its new facilitator token, for the caller to show once.

    Re-adding a revoked team lifts the revocation with a fresh token: its retros and history are still
    there, and its old tokens stay dead. Raises TeamExists for a team that is registered and not revoked."""
    team = team_name(name)
    secret = new_secret(CredentialKind.TEAM)
    if not store.save_team_credential(team, secret_hash(secret), today or date.today()):
        raise TeamExists(f"team '{team}' already exists")
    return secret


def revoke_team(store: EventStore, name: str) -> None:
    """Every token the team was given stops working at once; its retros and history stay. Revoking a revoked
    team changes nothing. Raises NoSuchTeam for a team that was never added."""
    team = team_name(name)
    if not store.revoke_team_credentials(team):
        raise NoSuchTeam(f"there is no team '{team}'; `retro team list` shows the teams")


def list_teams(store: EventStore) -> list[TeamInfo]:
    return [
        TeamInfo(
            name=registered.team,
            created_on=registered.created_on,
            revoked=registered.revoked,
            open_retros=len(store.open_retros(registered.team)),
        )
        for registered in store.registered_teams()
    ]


def authenticate(store: EventStore, secret: str) -> Principal | None:
    """Who holds this secret: None for anything unknown or revoked. Never raises on any string; the caller
    caps its length."""
    found = store.find_credential(secret_hash(secret))
    if found is None or found.revoked:
        return None
    if found.kind == CredentialKind.OPERATOR:
        return OperatorCredential()
    if found.kind == CredentialKind.TEAM and found.team is not None:
        return TeamCredential(found.team)
    return None
