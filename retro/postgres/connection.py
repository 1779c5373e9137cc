"""One PostgreSQL connection that the store and its pulses share: opened with commits flushed to disk before
they return, reopened when the server dropped it, and able to VACUUM once no transaction is open. Errors
that reach the operator say where the server is without ever showing the credentials in its URL."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote, urlsplit

import psycopg

from retro.stores import StoreUnavailable

Connection = psycopg.Connection[tuple[Any, ...]]

CHANNEL = "retro_events"
"""What every change to an event log notifies, without a payload: the doorbell, not the news."""
RETRO_LOCKS = 7_000_002
"""The first key of each retro's advisory lock; the second is a hash of its id."""


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self._connection = connect(url)
        self._to_vacuum: set[str] = set()
        self._depth = 0
        """How many transactions (the outermost and its savepoints) are open now."""

    @property
    def db(self) -> Connection:
        """The connection; a new one when the server dropped the last one between two transactions (never
        inside one, whose writes would otherwise land outside it)."""
        if self._connection.closed and not self.in_transaction:
            self._connection.close()  # releases what is left of the broken one
            self._connection = connect(self.url)
        return self._connection

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """BEGIN … COMMIT, or ROLLBACK when the block raises; inside a transaction already open, a savepoint
        instead, undone alone when its block raises. Tables given to `vacuum` meanwhile are vacuumed once
        the outermost transaction has ended."""
        db = self.db
        self._depth += 1
        try:
            with db.transaction():
                yield db
        finally:
            self._depth -= 1
        if not self.in_transaction and self._to_vacuum:
            self._vacuum_now()

    def vacuum(self, *tables: str) -> None:
        """Rewrite the tables without the rows deleted or replaced (VACUUM FULL): at once, or when the
        transaction open now ends, since VACUUM cannot run inside one."""
        self._to_vacuum.update(tables)
        if not self.in_transaction:
            self._vacuum_now()

    def notify(self) -> None:
        """Ring the doorbell; PostgreSQL delivers it when (and only if) the transaction commits."""
        self.db.execute(f"NOTIFY {CHANNEL}")

    def close(self) -> None:
        self._connection.close()

    def _vacuum_now(self) -> None:
        tables, self._to_vacuum = sorted(self._to_vacuum), set()
        self.db.execute(f"VACUUM FULL {', '.join(tables)}")


def connect(url: str) -> Connection:
    """A connection in autocommit, so that each transaction is explicit, with synchronous_commit on: a commit
    returns once it is on disk."""
    if any(ord(character) < 32 or ord(character) == 127 for character in url):
        raise StoreUnavailable("the PostgreSQL URL holds a control character; give it as plain text")
    try:
        connection = psycopg.connect(url, autocommit=True)
        connection.execute("SET synchronous_commit = on")
    except psycopg.ProgrammingError:
        # libpq could not read the URL; its words would quote the part it choked on, password included
        raise StoreUnavailable(f"the PostgreSQL URL for {where(url)} could not be read") from None
    except (psycopg.Error, ValueError) as error:
        raise StoreUnavailable(
            f"the PostgreSQL server at {where(url)} refused: {_reason(error, url)}"
        ) from None
    return connection


def where(url: str) -> str:
    """host:port/database: the URL without its user, password or options."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "localhost", parts.port or 5432
    except ValueError:
        return "the given URL"
    return f"{host}:{port}/{parts.path.lstrip('/') or '(default database)'}"


def _reason(error: Exception, url: str) -> str:
    """The server's own words, first line, without anything the URL's credentials held."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    reason = lines[0].removeprefix("connection failed: ") if lines else type(error).__name__
    try:
        parts = urlsplit(url)
        password = parts.password or ""
        secrets = [url, password, unquote(password)]
    except ValueError:
        secrets = [url]
    for secret in sorted(filter(None, secrets), key=len, reverse=True):
        reason = reason.replace(secret, "…")
    return reason
