"""While the database is down, say so at once instead of trying for minutes.

The pool waits at most ``POSTGRES_CONNECT_TIMEOUT`` (3 s, ``kanalarkiv.adapters.database``) for a
connection. When none can be had, the library reports an ``OperationalError``, which its
recorders retry (ten times, each waiting for the pool again: minutes for one request). A pool
that cannot lend a connection is not a connection that broke and may work on a second try: it
is raised here as ``DatabaseUnavailable``, which no retry catches, and answered as 503 with
``Retry-After``. The pool keeps reconnecting in the background, so the service recovers by
itself as soon as the server is back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError, PersistenceError
from eventsourcing.postgres import PostgresDatastore
from psycopg_pool import PoolTimeout
from psycopg_pool.base import AttemptWithBackoff


class DatabaseUnavailable(PersistenceError):
    """No connection to the database could be had in time (it is down or unreachable)."""


DATABASE_ERRORS = (
    DatabaseUnavailable,
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)
"""What a lost or unreachable database raises (the library's errors and psycopg's own)."""


def retry_dead_connections_at_once() -> None:
    """psycopg_pool waits between one failed connection check and the next (1 s, then 2, 4, 8):
    after a server restart, a pool of four dead connections kept the first request waiting 15 s,
    and with the short wait above it failed. The first pause is 50 ms instead (reconnection
    attempts share it: a server that is back is found sooner). ``AttemptWithBackoff`` is the
    pool's own class; its delay is a class attribute, so this holds for every pool in the process."""
    assert hasattr(AttemptWithBackoff, "INITIAL_DELAY"), "psycopg_pool changed how it backs off"
    AttemptWithBackoff.INITIAL_DELAY = 0.05


class FailFastDatastore(PostgresDatastore):
    @contextmanager
    def get_connection(self) -> Iterator[Any]:
        try:
            with super().get_connection() as conn:
                yield conn
        except PersistenceError as error:
            if isinstance(error.__cause__, PoolTimeout):
                raise DatabaseUnavailable(f"the database is unavailable: {error}") from error
            raise
