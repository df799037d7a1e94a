"""The event store: the library's PostgreSQL infrastructure with two changes, both for speed.

**One round trip per save.** The library's recorder pipelines the table lock, the NOTIFY and the
insert, but psycopg's ``conn.transaction()`` in pipeline mode syncs on its own (after ``BEGIN``,
after the statements, after ``COMMIT`` and once more on leaving the pipeline), so one save took
four or five round trips to the server and held the log's EXCLUSIVE lock across two of them. Our
recorder sends ``BEGIN``, ``SET LOCAL lock_timeout``, ``LOCK TABLE … IN EXCLUSIVE MODE``,
``NOTIFY``, ``INSERT … RETURNING notification_id`` and ``COMMIT`` in one pipeline with one Sync.
Everything the library guarantees still holds: the lock is taken before the insert and held until
the commit (commit order = notification order), the NOTIFY is sent on commit, the notification
ids are returned, and if any statement fails the server skips the rest up to the Sync (the
``COMMIT`` too), the transaction is rolled back, and the error is mapped as the library maps it
(a conflict on ``(originator_id, originator_version)`` is ``IntegrityError``, a lost connection
``OperationalError``/``InterfaceError``, retried as the library retries).

A large batch (above ``PIPELINE_LIMIT`` bytes) is inserted without pipeline mode: with many events
(about 800 kB in one insert) the pipeline was seen to stall on a Unix-socket connection (the
embedded server's), with the server waiting for the rest of the statement.

**No ping per borrowed connection.** The library's ``POSTGRES_PRE_PING`` makes the pool send an
empty query before lending every connection: one more round trip on every read and every save.
``Factory`` checks instead, without a round trip, whether anything arrived on an idle
connection's socket since it was returned to the pool. A server that restarts or terminates the
backend closes the socket (after a FATAL message), which makes it readable; only then does the
check ask the server, and a dead connection is discarded and replaced by the pool as before. A
connection that breaks unnoticed (the server's host vanishing without closing the socket) fails
on first use with ``OperationalError``, which the library's recorders retry on a fresh
connection, as they did when a connection broke between the ping and the query."""

from __future__ import annotations

import select
from collections.abc import Sequence
from contextlib import suppress
from typing import Any

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresFactory
from eventsourcing.utils import retry
from psycopg import pq
from psycopg_pool import ConnectionPool

PIPELINE_LIMIT = 64_000
"""Bytes of stored state above which a batch is inserted statement by statement."""

_IDLE = pq.TransactionStatus.IDLE
_OPEN = (pq.TransactionStatus.INTRANS, pq.TransactionStatus.INERROR)


class EventRecorder(PostgresApplicationRecorder):
    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if not stored_events or self.datastore.enable_db_functions:
            return super().insert_events(stored_events, **kwargs)
        if sum(len(event.state) for event in stored_events) > PIPELINE_LIMIT:
            with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
                self._insert_events(curs, stored_events, **kwargs)
                self._insert_stored_events(curs, stored_events, **kwargs)
                return self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        with self.datastore.get_connection() as conn:
            assert conn.autocommit
            return self._insert_in_one_round_trip(conn, stored_events, **kwargs)

    def _insert_in_one_round_trip(
        self, conn: psycopg.Connection[Any], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """BEGIN, lock, NOTIFY, INSERT … RETURNING and COMMIT, sent together with one Sync.

        The connection is in autocommit mode (the library's pool sets it), so psycopg sends no
        BEGIN of its own and this block is the whole transaction. The statements' results arrive
        when the pipeline ends; the first error among them is raised there (psycopg), the server
        having skipped everything after it, the COMMIT included."""
        control = conn.cursor()  # BEGIN and COMMIT; ``curs`` keeps the INSERT's result for the ids
        curs = conn.cursor()
        try:
            with conn.pipeline():
                control.execute(b"BEGIN", prepare=False)
                self._insert_events(curs, stored_events, **kwargs)
                self._insert_stored_events(curs, stored_events, **kwargs)
                control.execute(b"COMMIT", prepare=False)
        except BaseException:
            # A failed statement leaves the transaction aborted (the server skipped the COMMIT);
            # an error raised here before the COMMIT was queued leaves it open. Either way: roll
            # back, so that nothing is stored and the connection goes back to the pool clean.
            _roll_back(conn)
            raise
        if conn.pgconn.transaction_status != _IDLE:  # pragma: no cover (the COMMIT did not end it)
            _roll_back(conn)
            raise psycopg.InternalError(f"the insert's transaction did not end: {control.statusmessage}")
        return self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)


def _roll_back(conn: psycopg.Connection[Any]) -> None:
    if not conn.broken and not conn.closed and conn.pgconn.transaction_status in _OPEN:
        with suppress(psycopg.Error):  # a connection that fails here is discarded by the pool
            conn.rollback()


def check_idle_connection(conn: psycopg.Connection[Any]) -> None:
    """The pool's check before lending a connection: raise if it is known to be unusable.

    No round trip unless something arrived on the socket while the connection sat idle in the
    pool. On a healthy idle connection nothing does; a server that shuts down or terminates the
    backend sends a FATAL error and closes the socket. Then (or on a stray notification or
    parameter report) the pool's full check asks the server, which raises on a dead connection."""
    if conn.broken or conn.closed or conn.pgconn.status != pq.ConnStatus.OK:
        raise psycopg.OperationalError("the connection is closed")
    if _readable(conn.pgconn.socket):
        ConnectionPool.check_connection(conn)


def _readable(fd: int) -> bool:
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


class Factory(PostgresFactory):
    """The library's PostgreSQL factory; its pool checks connections with ``check_idle_connection``
    unless ``POSTGRES_PRE_PING`` asks for the library's ping.

    Name it with ``PERSISTENCE_MODULE=kanalarkiv.store:Factory``."""

    application_recorder_class = EventRecorder

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        pool = self.datastore.pool
        if not self.datastore.pre_ping:
            # psycopg_pool takes the check only as a constructor argument, which the library's
            # PostgresDatastore passes (its ping, or none); set ours in its place.
            assert hasattr(pool, "_check") and pool._check is None, "psycopg_pool changed how it keeps the check"
            pool._check = check_idle_connection
