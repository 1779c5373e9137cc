"""The throwaway PostgreSQL cluster a bench measures against: started on a free loopback port by the test
suite's own support (tests/support/postgres.py), and stopped however the bench ends."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from bench.multi_retro import BenchFailed

if TYPE_CHECKING:
    from tests.support.postgres import Cluster


@contextmanager
def throwaway_cluster() -> Iterator["Cluster"]:
    from tests.support.postgres import INSTALL, binaries, start_cluster

    if binaries() is None:
        raise BenchFailed(f"PostgreSQL's binaries are not installed: {INSTALL}")
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.stop()
