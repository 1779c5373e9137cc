"""The service's credentials on a real SQLite file: shown once, kept only as hashes, revocable at once."""

import base64
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from retro.actors import Facilitator
from retro.commands import ChangePhase
from retro.credentials import (
    PREFIXES,
    CredentialKind,
    InvalidTeamName,
    NoSuchTeam,
    OperatorCredential,
    TeamCredential,
    TeamExists,
    TeamInfo,
    add_team,
    authenticate,
    issue_operator_token,
    list_teams,
    new_secret,
    revoke_team,
    secret_hash,
)
from retro.phases import Phase
from retro.session import Session
from retro.sqlite_store import SqliteStore
from tests.support.whole_retro import file_bytes

DAY = date(2026, 11, 27)


def checkpointed_bytes(db_path: Path) -> bytes:
    """The file's bytes once everything in the write-ahead log has been copied into the database."""
    with closing(sqlite3.connect(db_path)) as other:
        other.execute("PRAGMA wal_checkpoint(FULL)")
    return file_bytes(db_path)


def test_the_operator_token_is_issued_once_and_only_its_hash_is_kept(
    store: SqliteStore, db_path: Path
) -> None:
    secret = issue_operator_token(store, DAY)
    assert secret is not None and secret.startswith("rop_")
    assert issue_operator_token(store) is None
    assert authenticate(store, secret) == OperatorCredential()

    raw = checkpointed_bytes(db_path)
    assert secret_hash(secret).encode() in raw
    assert secret.encode() not in raw and secret.removeprefix("rop_").encode() not in raw

    store.close()
    reopened = SqliteStore(db_path)
    assert issue_operator_token(reopened) is None
    assert authenticate(reopened, secret) == OperatorCredential()
    reopened.close()


def test_a_team_token_opens_its_team_until_revoked(store: SqliteStore) -> None:
    first = add_team(store, "Ward 7", DAY)
    assert first.startswith("rtm_")
    assert authenticate(store, first) == TeamCredential("Ward 7")
    assert authenticate(store, first[:-1]) is None
    assert authenticate(store, new_secret(CredentialKind.TEAM)) is None

    revoke_team(store, "Ward 7")
    assert authenticate(store, first) is None

    second = add_team(store, "Ward 7")
    assert second != first
    assert authenticate(store, second) == TeamCredential("Ward 7")
    assert authenticate(store, first) is None


def test_a_revoked_team_keeps_its_retros(store: SqliteStore) -> None:
    add_team(store, "Ward 7", DAY)
    session = Session.start(store, title="Sprint 42", team="Ward 7")
    revoke_team(store, "Ward 7")
    assert [record.retro_id for record in store.retros("Ward 7")] == [session.record.retro_id]
    assert list_teams(store) == [TeamInfo(name="Ward 7", created_on=DAY, revoked=True, open_retros=1)]


def test_a_team_is_added_once_and_only_known_teams_are_revoked(store: SqliteStore) -> None:
    token = add_team(store, "Ward 7")
    with pytest.raises(TeamExists, match="^team 'Ward 7' already exists$"):
        add_team(store, "  Ward\t7 ")
    assert authenticate(store, token) == TeamCredential("Ward 7")
    with pytest.raises(NoSuchTeam, match="there is no team 'Ward 8'"):
        revoke_team(store, "Ward 8")
    assert authenticate(store, token) == TeamCredential("Ward 7")


def test_teams_are_listed_with_their_open_retros(store: SqliteStore) -> None:
    add_team(store, "Ward 7", DAY)
    add_team(store, "Pharmacy", date(2026, 12, 1))
    Session.start(store, title="Open", team="Ward 7")
    ended = Session.start(store, title="Ended", team="Ward 7")
    ended.execute(Facilitator(), ChangePhase(to=Phase.ENDED))
    revoke_team(store, "Pharmacy")
    assert list_teams(store) == [
        TeamInfo(name="Pharmacy", created_on=date(2026, 12, 1), revoked=True, open_retros=0),
        TeamInfo(name="Ward 7", created_on=DAY, revoked=False, open_retros=1),
    ]


@pytest.mark.parametrize("kind", list(CredentialKind))
def test_secrets_carry_at_least_128_random_bits_and_never_repeat(kind: CredentialKind) -> None:
    made = [new_secret(kind) for _ in range(1000)]
    assert len(set(made)) == 1000
    for secret in made:
        assert secret.startswith(PREFIXES[kind])
        random_part = secret.removeprefix(PREFIXES[kind])
        assert len(base64.urlsafe_b64decode(random_part + "=" * (-len(random_part) % 4))) * 8 >= 128
        assert random_part.isascii() and all(char.isalnum() or char in "-_" for char in random_part)


def test_the_operator_and_team_prefixes_differ() -> None:
    assert new_secret(CredentialKind.OPERATOR)[:4] != new_secret(CredentialKind.TEAM)[:4]


def test_a_retro_is_found_by_its_current_or_retired_join_token(store: SqliteStore) -> None:
    session = Session.start(store, title="Sprint 42", team="Ward 7")
    other = Session.start(store, title="Sprint 9", team="Pharmacy")
    first = session.record.join_token
    store.set_join_token(session.record.retro_id, "rotated-join-token")

    for token in (first, "rotated-join-token"):
        found = store.retro_for_token(token)
        assert found is not None and found.retro_id == session.record.retro_id
    found_other = store.retro_for_token(other.record.join_token)
    assert found_other is not None and found_other.retro_id == other.record.retro_id
    assert store.retro_for_token("unknown-token") is None
    assert store.retro_for_token("") is None


def test_open_retros_are_the_teams_unclosed_ones_oldest_first(store: SqliteStore) -> None:
    older = Session.start(store, title="Older", team="Ward 7")
    ended = Session.start(store, title="Ended", team="Ward 7")
    Session.start(store, title="Elsewhere", team="Pharmacy")
    newer = Session.start(store, title="Newer", team="Ward 7")
    ended.execute(Facilitator(), ChangePhase(to=Phase.ENDED))

    assert [record.title for record in store.open_retros("Ward 7")] == ["Older", "Newer"]
    assert store.open_retros("Nobody") == []
    latest = store.latest_open_retro("Ward 7")
    assert latest is not None and latest.retro_id == newer.record.retro_id
    latest_anywhere = store.latest_open_retro()
    assert latest_anywhere is not None and latest_anywhere.retro_id == newer.record.retro_id
    pharmacy = store.latest_open_retro("Pharmacy")
    assert pharmacy is not None and pharmacy.title == "Elsewhere"
    assert store.latest_open_retro("Nobody") is None
    assert older.record.retro_id != newer.record.retro_id


@pytest.mark.parametrize("blank", ["", "   ", "\t\n", "\x1b[31m\x00\u200b"])
def test_a_team_needs_a_visible_name(store: SqliteStore, blank: str) -> None:
    with pytest.raises(InvalidTeamName, match="^a team name needs some visible characters, like 'Ward 7'$"):
        add_team(store, blank)
    assert list_teams(store) == []


def test_a_team_name_has_at_most_60_characters(store: SqliteStore) -> None:
    with pytest.raises(InvalidTeamName, match="at most 60 characters"):
        add_team(store, "x" * 61)
    add_team(store, "x" * 60)
    assert [team.name for team in list_teams(store)] == ["x" * 60]


def test_a_team_name_is_cleaned_of_control_characters(store: SqliteStore) -> None:
    token = add_team(store, "  \x1b[2JWard\x00 7\u202e\n ")
    assert [team.name for team in list_teams(store)] == ["Ward 7"]
    assert authenticate(store, token) == TeamCredential("Ward 7")


@pytest.fixture
def credentialed(store: SqliteStore) -> SqliteStore:
    """A store holding an operator, a team and a revoked team, so that look-ups meet real rows."""
    issue_operator_token(store, DAY)
    add_team(store, "Ward 7", DAY)
    add_team(store, "Pharmacy", DAY)
    revoke_team(store, "Pharmacy")
    return store


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(st.characters(exclude_categories=())))
@example("")
@example("\x00")
@example("rtm_\x00\ud800")
@example("rop_" + "A" * 1_000_000)
@example("' OR 1=1 --")
def test_authenticate_answers_any_text_without_raising(credentialed: SqliteStore, secret: str) -> None:
    assert authenticate(credentialed, secret) is None
