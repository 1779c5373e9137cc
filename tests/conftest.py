"""Shared fixtures: a real SQLite file, a session on it, and a server on a real loopback port."""

from collections.abc import AsyncIterator, Iterator
from datetime import date
from pathlib import Path

import pytest

from retro.actors import Facilitator
from retro.builtin_templates import COMPASSIONATE
from retro.commands import ChangePhase
from retro.events import RetroStarted
from retro.phases import Phase
from retro.records import RetroRecord
from retro.session import Session
from retro.settings import RetroSettings
from retro.sqlite_store import SqliteStore
from server.app import RetroServer, ServerConfig
from tests.support.client import Clients, serving

FIXED_JOIN_TOKEN = "JoinToken-ForTests-0001"
FIXED_FACILITATOR_KEY = "FacilitatorKey-ForTests-01"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "retro.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[SqliteStore]:
    opened = SqliteStore(db_path)
    yield opened
    opened.close()


def start_fixed_session(store: SqliteStore, *, title: str = "Sprint 42", team: str = "Ward 7") -> Session:
    """A session whose tokens are fixed, so that URLs and QR codes are the same on every run."""
    record = RetroRecord(
        retro_id="0123456789abcdef",
        title=title,
        team=team,
        created_on=date(2026, 11, 27),
        join_token=FIXED_JOIN_TOKEN,
        facilitator_key=FIXED_FACILITATOR_KEY,
        retro_key=b"k" * 32,
    )
    started = RetroStarted(
        title=title, team=team, created_on=record.created_on, template=COMPASSIONATE, settings=RetroSettings()
    )
    store.create_retro(record, [started])
    return Session.resume(store, record)


@pytest.fixture
def session(store: SqliteStore) -> Session:
    """A retro open for writing: the facilitator has moved past Review and Check-in."""
    started = Session.start(store, title="Sprint 42", team="Ward 7")
    started.execute(Facilitator(), ChangePhase(to=Phase.WRITE))
    return started


@pytest.fixture
async def server(session: Session) -> AsyncIterator[RetroServer]:
    running = RetroServer(session, ServerConfig(host="127.0.0.1", port=0))
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def clients(server: RetroServer) -> AsyncIterator[Clients]:
    """Websocket clients of the server fixture, closed at teardown."""
    pool = Clients(server)
    yield pool
    await pool.close_all()


@pytest.fixture
async def capped(store: SqliteStore) -> AsyncIterator[Clients]:
    """A retro in Write where each phone has 3 dots and at most 2 of them may go on one topic."""
    settings = RetroSettings(votes_per_person=3, max_votes_per_topic=2)
    session = Session.start(store, title="Capped", team="Ward 7", settings=settings)
    session.execute(Facilitator(), ChangePhase(to=Phase.WRITE))
    async with serving(session) as pool:
        yield pool
