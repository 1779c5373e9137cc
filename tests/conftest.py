"""Shared fixtures: a real SQLite file, a session on it, and a server on a real loopback port."""

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from retro.actors import Facilitator
from retro.commands import ChangePhase
from retro.phases import Phase
from retro.session import Session
from retro.settings import RetroSettings
from retro.sqlite_store import SqliteStore
from server.app import RetroServer, ServerConfig
from tests.support.client import Clients, serving
from tests.support.doors import LogWatch
from tests.support.postgres import Cluster, start_cluster


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "retro.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[SqliteStore]:
    opened = SqliteStore(db_path)
    yield opened
    opened.close()


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
async def resealing_server(session: Session) -> AsyncIterator[RetroServer]:
    """As `server`, with held notices sealed again every half second (server.held_seal): a hold reaches its
    author's phone at once instead of at the next 30-second reseal."""
    running = RetroServer(session, ServerConfig(host="127.0.0.1", port=0, reseal_seconds=0.5))
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def shared_server(store: SqliteStore) -> AsyncIterator[RetroServer]:
    """A server for many teams on the store, with no retro of its own: teams open theirs by token."""
    running = RetroServer(None, ServerConfig(host="127.0.0.1", port=0, pulse_count_seconds=0.5), store)
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


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> LogWatch:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.WARNING, logger="websockets")  # the test clients' own frame-by-frame debug
    return LogWatch(caplog, capfd)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """One throwaway PostgreSQL cluster for the whole run (tests/support/postgres.py); skipped, or failed
    under RETRO_REQUIRE_POSTGRES=1, where PostgreSQL is not installed."""
    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster: Cluster) -> str:
    """A fresh, migrated database of the test's own."""
    return postgres_cluster.new_database()
