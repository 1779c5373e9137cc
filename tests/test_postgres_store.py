"""What only the PostgreSQL engine has to show: several processes' stores on one database append in one
sequence per retro and apply a message id once; every change to a log rings NOTIFY retro_events once it has
committed, never before; migrations are versioned, run once, and a newer database is refused; a dropped
connection is replaced between transactions."""

import threading
from datetime import date

import psycopg
import pytest

from retro.events import PhaseChanged
from retro.phases import Phase
from retro.postgres.migrations import MIGRATIONS
from retro.postgres.store import PostgresStore
from retro.records import RetroRecord
from retro.secrets import new_key, new_token
from retro.stores import StoreUnavailable
from tests.support.postgres import Cluster

RECORD = RetroRecord(
    retro_id="a1b2c3d4e5f60718",
    title="Sprint 42",
    team="Ward 7",
    created_on=date(2026, 12, 1),
    join_token=new_token(),
    facilitator_key=new_token(),
    retro_key=new_key(),
)


def notified(listener: psycopg.Connection[tuple[object, ...]]) -> int:
    """How many notifications on retro_events have arrived, without waiting."""
    return sum(
        1 for note in listener.notifies(timeout=0.2) if note.channel == "retro_events" and not note.payload
    )


def test_two_processes_stores_append_to_one_retro_in_one_gapless_sequence_and_apply_an_id_once(
    postgres_url: str,
) -> None:
    stores = [PostgresStore(postgres_url), PostgresStore(postgres_url)]
    stores[0].create_retro(RECORD, [])
    applied: list[bool] = []

    def append_many(store: PostgresStore, offset: int) -> None:
        for n in range(40):
            store.append(RECORD.retro_id, [PhaseChanged(to=Phase.WRITE)], f"own-{offset}-{n}")
            applied.append(store.append(RECORD.retro_id, [PhaseChanged(to=Phase.GROUP)], f"shared-{n}"))

    threads = [threading.Thread(target=append_many, args=(store, n)) for n, store in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(applied) == [False] * 40 + [True] * 40, "each shared id is applied by one process only"
    numbered = stores[1].events_since(RECORD.retro_id, 0)
    assert [seq for seq, _ in numbered] == list(range(1, 121))
    assert stores[0].last_seq(RECORD.retro_id) == 120
    for store in stores:
        store.close()


def test_every_change_to_a_log_rings_once_it_has_committed_and_not_before(
    postgres_url: str,
) -> None:
    store = PostgresStore(postgres_url)
    with psycopg.connect(postgres_url, autocommit=True) as listener:
        listener.execute("LISTEN retro_events")
        store.create_retro(RECORD, [PhaseChanged(to=Phase.REVIEW)])
        assert notified(listener) == 1
        with store.group():
            store.append(RECORD.retro_id, [PhaseChanged(to=Phase.WRITE)], None)
            store.append(RECORD.retro_id, [PhaseChanged(to=Phase.GROUP)], None)
            assert notified(listener) == 0, "nothing rings before the commit"
        assert notified(listener) == 1, "one ring for the group"
        with pytest.raises(RuntimeError), store.group():
            store.append(RECORD.retro_id, [PhaseChanged(to=Phase.VOTE)], None)
            raise RuntimeError("rolled back")
        assert notified(listener) == 0, "a rolled-back change does not ring"
        store.remember_phone(RECORD.retro_id, "ballot")
        assert notified(listener) == 0, "only the log rings"
        store.forget_pseudonyms(RECORD.retro_id)
        assert notified(listener) == 1, "the end rewrites the log: it rings"
    store.close()


def test_migrations_run_once_and_a_database_from_a_newer_retro_is_refused(postgres_url: str) -> None:
    PostgresStore(postgres_url).close()
    PostgresStore(postgres_url).close()
    with psycopg.connect(postgres_url, autocommit=True) as db:
        versions = [row[0] for row in db.execute("SELECT version FROM schema_version ORDER BY version")]
        assert versions == list(range(1, len(MIGRATIONS) + 1))
        db.execute("INSERT INTO schema_version (version) VALUES (%s)", (len(MIGRATIONS) + 1,))
    with pytest.raises(StoreUnavailable, match="newer retro"):
        PostgresStore(postgres_url)


def test_a_connection_the_server_dropped_is_replaced_and_the_store_answers_again(
    postgres_url: str, postgres_cluster: Cluster
) -> None:
    store = PostgresStore(postgres_url)
    store.create_retro(RECORD, [])
    with postgres_cluster.admin() as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE usename = 'retro' AND pid <> pg_backend_pid()"
        )
    assert not store.is_reachable(), "the dropped connection fails once"
    assert store.is_reachable(), "then a new one answers"
    assert store.record(RECORD.retro_id) == RECORD
    store.close()
