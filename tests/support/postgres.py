"""A throwaway PostgreSQL cluster the test suite starts itself: initdb into a fresh directory, pg_ctl start on
a free loopback port with its socket beside the data, fsync on; a fresh database per test, copied from a
migrated template. Run as root, the cluster's commands run as the `postgres` user, as PostgreSQL demands.

Without the binaries (Debian's `postgresql` package) the PostgreSQL tests skip, saying how to install them;
with RETRO_REQUIRE_POSTGRES=1 (as CI sets) they fail instead."""

import itertools
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from retro.postgres.store import PostgresStore

INSTALL = "apt-get install postgresql"
REQUIRE = "RETRO_REQUIRE_POSTGRES"
ROLE = "retro"
TEMPLATE = "retro_template"
SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "on",
    "synchronous_commit": "on",
    # A checkpoint deletes the WAL segments it no longer needs rather than renaming them for reuse, so that
    # the anonymity proof sees what checkpoints leave once they have run (docs/anonymity.md).
    "wal_recycle": "off",
    "max_wal_size": "64MB",
    "min_wal_size": "32MB",
    "shared_buffers": "32MB",
    "max_connections": "100",
}


def binaries() -> Path | None:
    """The newest installed PostgreSQL's bin directory."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda path: int(path.parent.parent.name)
    )
    return found[-1].parent if found else None


def unavailable(reason: str) -> None:
    """Skip, saying how to install PostgreSQL; or, where it is required, fail."""
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"PostgreSQL is required here ({REQUIRE}=1): {reason}")
    pytest.skip(f"{reason}: {INSTALL}")


@dataclass
class Cluster:
    bin: Path
    root: Path
    port: int
    password: str = field(repr=False)
    _names: Iterator[int] = field(default_factory=itertools.count)

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str) -> str:
        return f"postgresql://{ROLE}:{self.password}@127.0.0.1:{self.port}/{database}"

    def admin(self, database: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        """The superuser, over the cluster's own socket."""
        return psycopg.connect(
            host=str(self.root), port=self.port, user="postgres", dbname=database, autocommit=True
        )

    def new_database(self) -> str:
        """A fresh, migrated database of its own; its URL."""
        name = f"test_{os.getpid()}_{next(self._names)}"
        with self.admin() as admin:
            admin.execute(f"CREATE DATABASE {name} OWNER {ROLE} TEMPLATE {TEMPLATE}")
        return self.url(name)

    def forget_old_wal(self) -> None:
        """What an operator's routine checkpoints do in time: close the WAL segment being written, checkpoint,
        twice over, so that every segment written before is deleted (wal_recycle is off)."""
        with self.admin() as admin:
            for _ in range(2):
                admin.execute("SELECT pg_switch_wal()")
                admin.execute("CHECKPOINT")

    def files(self, database_url: str) -> dict[str, bytes]:
        """Every file of the data directory, WAL included, except other tests' databases."""
        with psycopg.connect(database_url) as own:
            row = own.execute("SELECT oid FROM pg_database WHERE datname = current_database()").fetchone()
        assert row is not None
        ours = self.data / "base" / str(row[0])
        found: dict[str, bytes] = {}
        for path in self.data.rglob("*"):
            other_database = path.parent.parent == self.data / "base" and path.parent != ours
            if path.is_file() and not other_database:
                found[str(path.relative_to(self.data))] = path.read_bytes()
        return found

    def stop(self) -> None:
        _run(self, "pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster() -> Cluster:
    bin_dir = binaries()
    if bin_dir is None:
        unavailable("PostgreSQL's binaries are not in /usr/lib/postgresql/*/bin")
        raise AssertionError("unreachable")
    root = Path(tempfile.mkdtemp(prefix="retro-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    cluster = Cluster(bin_dir, root, _free_port(), secrets.token_urlsafe(18))
    password_file = root / "password"
    password_file.write_text(cluster.password)
    if os.geteuid() == 0:
        shutil.chown(password_file, "postgres", "postgres")
    _run(
        cluster, "initdb", "-D", str(cluster.data), "-U", "postgres", "-E", "UTF8", "--locale=C",
        "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={password_file}",
    )  # fmt: skip
    options = " ".join(f"-c {name}={value}" for name, value in SETTINGS.items())
    _run(
        cluster, "pg_ctl", "-D", str(cluster.data), "-l", str(root / "server.log"), "-w", "start",
        "-o", f"{options} -c port={cluster.port} -c unix_socket_directories={root}",
    )  # fmt: skip
    with cluster.admin() as admin:
        admin.execute(
            sql.SQL("CREATE ROLE {} LOGIN CREATEDB PASSWORD {}").format(
                sql.Identifier(ROLE), sql.Literal(cluster.password)
            )
        )
        admin.execute(f"CREATE DATABASE {TEMPLATE} OWNER {ROLE}")
    PostgresStore(cluster.url(TEMPLATE)).close()
    return cluster


def _run(cluster: Cluster, program: str, *args: str) -> None:
    command = [str(cluster.bin / program), *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    done = subprocess.run(command, capture_output=True, text=True, cwd=cluster.root, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr or done.stdout}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
