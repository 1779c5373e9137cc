"""The event store interface. SQLite is the embedded default; PostgreSQL (`retro.postgres`) implements the
same, for several processes on one database. `retro.stores.open_store` picks one."""

from contextlib import AbstractContextManager
from datetime import date
from typing import NamedTuple, Protocol

from retro.events import Event
from retro.presence_store import PresenceStore
from retro.pulse.store import PulseStore
from retro.records import RetroRecord


class StoredCredential(NamedTuple):
    kind: str
    """A `retro.credentials.CredentialKind` value."""
    team: str | None
    """The team a facilitator credential belongs to; None for the operator's."""
    revoked: bool
    """True once the credential or its team has been revoked."""


class SequenceConflict(Exception):
    """Another writer (another process on the same database) appended to the retro's log after the sequence
    this append expected to follow: nothing was written; catch up and decide again."""

    def __init__(self, retro_id: str, expected: int, found: int) -> None:
        super().__init__(f"retro {retro_id}: expected to follow event {expected}, the log is at {found}")
        self.expected = expected
        self.found = found


class RegisteredTeam(NamedTuple):
    team: str
    created_on: date
    revoked: bool


class EventStore(Protocol):
    @property
    def pulses(self) -> PulseStore:
        """The team's pulses (retro.pulse), kept in the same store."""
        ...

    @property
    def presence(self) -> PresenceStore:
        """The phones each process serving this store has connected now (retro.presence_store)."""
        ...

    def group(self) -> AbstractContextManager[None]:
        """Every write inside the block becomes durable together, in one transaction and one sync, when the
        outermost group ends; nothing of it does if that block raises. A group inside another is one step of
        it: undone alone if its own block raises, durable with the rest otherwise. Every other write method
        is such a step when called inside a group."""
        ...

    def create_retro(self, record: RetroRecord, first_events: list[Event]) -> None: ...

    def append(
        self, retro_id: str, events: list[Event], message_id: str | None, after: int | None = None
    ) -> bool:
        """Append durably, once per message id. Returns False when the message id was already applied
        (whichever process applied it). Given `after`, the sequence the caller has applied, the events are
        written only on top of it: raises SequenceConflict, writing nothing, when the log has moved on."""
        ...

    def was_applied(self, retro_id: str, message_id: str) -> bool: ...

    def events(self, retro_id: str) -> list[Event]: ...

    def last_seq(self, retro_id: str) -> int:
        """The sequence number of the retro's newest event; 0 when it has none."""
        ...

    def events_since(self, retro_id: str, seq: int) -> list[tuple[int, Event]]:
        """The retro's events numbered after `seq`, with their numbers, in order: what a process that has
        seen up to `seq` must catch up on."""
        ...

    def record(self, retro_id: str) -> RetroRecord | None: ...

    def latest_open_retro(self, team: str | None = None) -> RetroRecord | None:
        """The most recently opened retro that has not closed; only the team's when a team is given."""
        ...

    def open_retros(self, team: str) -> list[RetroRecord]:
        """The team's retros that have not closed, oldest first."""
        ...

    def retro_for_token(self, join_token: str) -> RetroRecord | None:
        """The retro whose current or retired join token this is."""
        ...

    def retros(self, team: str | None = None) -> list[RetroRecord]:
        """Every retro, oldest first; only the team's when a team is given."""
        ...

    def save_imported(self, retro_id: str, team: str, created_on: date, body: str) -> bool:
        """Keep an imported outcome (JSON) in history. False when that retro is already known."""
        ...

    def imported(self, team: str | None = None) -> list[str]:
        """Imported outcomes as JSON, oldest first; only the team's when a team is given."""
        ...

    def set_join_token(self, retro_id: str, join_token: str) -> None:
        """Give the retro a new join token; the old one is kept as retired."""
        ...

    def retired_tokens(self, retro_id: str) -> set[str]: ...

    def remember_phone(self, retro_id: str, ballot: str) -> None:
        """A phone (by pseudonym) has joined: it may come back when joining is locked. Erased at the end."""
        ...

    def known_phones(self, retro_id: str) -> set[str]: ...

    def remember_port(self, retro_id: str, port: int) -> None: ...

    def forget_pseudonyms(self, retro_id: str) -> None:
        """At the end, in one step: erase every pseudonym and per-person record (shared presence included),
        the per-retro key, the owner hashes, withdrawn items and what any item said before a rewrite; leave
        the items in an order that says nothing about when they were written; keep totals; leave no trace
        in the file."""
        ...

    def forget_raw(self, retro_id: str, team: str, created_on: date, outcome_body: str) -> None:
        """In one step, replace everything kept about a retro (its events, record, tokens and keys) by its
        outcome (JSON), which the caller has already stripped of participants' words; leave no trace."""
        ...

    def retention(self, team: str) -> str | None:
        """The team's retention policy, if one was set."""
        ...

    def set_retention(self, team: str, keep: str) -> None: ...

    def save_operator_credential(self, secret_hash: str, created_on: date) -> bool:
        """Keep the operator credential's hash, durably. False, changing nothing, when one is kept already."""
        ...

    def has_operator(self) -> bool: ...

    def save_team_credential(self, team: str, secret_hash: str, created_on: date) -> bool:
        """In one step, register the team (or lift its revocation) and keep its new facilitator credential's
        hash. False, changing nothing, when the team is registered and not revoked."""
        ...

    def find_credential(self, secret_hash: str) -> StoredCredential | None: ...

    def registered_teams(self) -> list[RegisteredTeam]:
        """Every team ever registered, revoked ones included, by name."""
        ...

    def revoke_team_credentials(self, team: str) -> bool:
        """Revoke the team and every credential it was ever given, in one step; its retros stay.
        False when no such team is registered."""
        ...

    def is_reachable(self) -> bool:
        """Whether a cheap real read succeeds now: what /readyz answers."""
        ...

    def close(self) -> None: ...
