"""The pooled connections every part of the service uses (recorders, views, projections, the key
store): the library's PostgreSQL factory with two changes.

**No ping per borrowed connection.** The library's ``POSTGRES_PRE_PING`` sends an empty query
before lending every connection. ``Factory`` checks instead, without a round trip, whether anything
arrived on an idle connection's socket: a server that restarts or ends the backend closes it, and
only then is the server asked and a dead connection replaced. A connection that breaks unnoticed
fails on first use with ``OperationalError``: the recorders retry on a fresh one; views and the key
store see that error once per such connection.

**No JIT compilation.** PostgreSQL compiles a query's expressions to machine code when its
*estimated* cost passes ``jit_above_cost`` (100,000 by default). The service's statements are
short look-ups, many of them prepared, and a prepared statement's generic plan estimates from the
table's statistics: on a large log whose statistics are stale or missing (autovacuum off, or a
bulk load since its last ANALYZE) reading one aggregate's few events was estimated at 130,000 and
took 40 ms of compilation instead of 0.1 ms of execution — every time. Compilation never pays off
for such queries, so the pool's sessions start with ``jit=off`` (``SESSION_OPTIONS``); one-off
connections (verification, exports) keep the server's setting."""

from __future__ import annotations

import select
from typing import Any

import psycopg
from eventsourcing.postgres import PostgresFactory
from psycopg import pq
from psycopg_pool import ConnectionPool

from kanalarkiv.adapters.availability import FailFastDatastore, retry_dead_connections_at_once
from kanalarkiv.adapters.store import EventRecorder

# libpq's ``options``: settings the server applies as each session starts (no extra round trip).
SESSION_OPTIONS = "-c jit=off"


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
    """Whether anything (data, or the end of the stream) waits to be read on ``fd``, without waiting."""
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))
    return bool(select.select([fd], [], [], 0)[0])  # pragma: no cover (no poll(): Windows)


class Factory(PostgresFactory):
    """The library's PostgreSQL factory; its pool's sessions start with ``SESSION_OPTIONS`` and it
    checks connections with ``check_idle_connection`` unless ``POSTGRES_PRE_PING`` asks for the
    library's ping.

    Name it with ``PERSISTENCE_MODULE=kanalarkiv.adapters.connections:Factory``."""

    application_recorder_class = EventRecorder

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.datastore.__class__ = FailFastDatastore  # the library builds the datastore; ours fails fast
        retry_dead_connections_at_once()
        pool = self.datastore.pool
        # The library passes the pool a dict of connection arguments and opens it later, on first use.
        assert isinstance(pool.kwargs, dict) and not pool._opened, "psycopg_pool changed how it keeps kwargs"
        pool.kwargs["options"] = SESSION_OPTIONS
        if not self.datastore.pre_ping:
            # psycopg_pool takes the check only as a constructor argument, which the library's
            # PostgresDatastore passes (its ping, or none); set ours in its place.
            assert hasattr(pool, "_check") and pool._check is None, "psycopg_pool changed how it keeps the check"
            pool._check = check_idle_connection
