"""Tests talk to a real PostgreSQL: the embedded server under ./var/ by default, or the server
at TEST_DATABASE_URL. Each run creates a database of its own and drops it at the end, so runs
never collide; each test starts from an empty log."""

from __future__ import annotations

import os
import sys
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
import structlog
from fastapi.testclient import TestClient

from api.main import create_app
from domain.actors import Actor
from kanalarkiv.adapters.database import drop_database, ensure_database, start_embedded_server
from kanalarkiv.application.context import acting_as
from kanalarkiv.config import Settings
from kanalarkiv.runtime import Runtime

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def background_logs_to_stderr() -> None:
    """Projection workers log from their threads while CliRunner swaps sys.stdout; unconfigured,
    structlog would print into whatever command output is being captured at that moment."""
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(sys.__stderr__))


class FakeClock:
    """A clock the test moves by hand; every call returns a distinct, later instant."""

    def __init__(self, start: datetime = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)):
        self.now = start
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            self.now += timedelta(microseconds=1)
            return self.now

    def advance(self, **delta: float) -> None:
        with self._lock:
            self.now += timedelta(**delta)


@pytest.fixture(scope="session")
def server_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return start_embedded_server(REPO / "var" / "test-postgres")


@pytest.fixture(scope="session")
def database_url(server_url: str) -> Iterator[str]:
    name = f"kanalarkiv_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    url = ensure_database(server_url, name)
    yield url
    drop_database(server_url, name)


@pytest.fixture(scope="session")
def settings() -> Settings:
    # The live sources' poller is started by the tests that want it (``Runtime.open(run_poller=True)``).
    return Settings.from_env(
        {"KANALARKIV_DATA_DIR": str(REPO / "var"), "KANALARKIV_POOL_SIZE": "4", "KANALARKIV_RUN_POLLER": "false"}
    )


def empty_database(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public'"
                " AND tablename NOT LIKE '%\\_tracking'"
            )
        ]
        if tables:
            conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY")
        for (tracking,) in conn.execute(
            "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE '%\\_tracking'"
        ).fetchall():
            # The library keeps its schema-migration marker in the tracking table; keep it.
            conn.execute(f"DELETE FROM {tracking} WHERE application_name <> '__migration__'")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def open_runtime(database_url: str, settings: Settings, clock: FakeClock) -> Iterator:
    """Opens runtimes on the test database (with or without projection workers); closes them after."""
    opened: list[Runtime] = []

    def open_(run_projections: bool = True) -> Runtime:
        runtime = Runtime.open(settings, run_projections=run_projections, clock=clock, url=database_url)
        opened.append(runtime)
        return runtime

    empty_database(database_url)
    yield open_
    for runtime in opened:
        runtime.close()


@pytest.fixture
def runtime(open_runtime) -> Runtime:
    return open_runtime(True)


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime=runtime)) as test_client:
        yield test_client


OPERATOR = Actor.operator("test-operator")


def register_organisation(
    runtime: Runtime, slug: str = "valdemarsvik", name: str = "Valdemarsviks kommun", number: str = "212000-0522"
) -> uuid.UUID:
    with acting_as(OPERATOR):
        return runtime.app.register_organisation(slug, name, number).id


def issue_token(runtime: Runtime, slug: str = "valdemarsvik", role: str = "manager", name: str = "Anna Chef") -> dict:
    return staff(runtime, slug, role, name).headers


@dataclass(frozen=True)
class Staff:
    """Someone holding a token: ``id`` is their actor id, ``headers`` authenticate them."""

    id: str
    name: str
    headers: dict


def staff(runtime: Runtime, slug: str = "valdemarsvik", role: str = "manager", name: str = "Anna Chef") -> Staff:
    with acting_as(OPERATOR):
        issued = runtime.app.issue_token(slug, role, name)
    runtime.views.wait_for("access_tokens", issued.position)
    return Staff(f"actor:{issued.token_id}", name, {"Authorization": f"Bearer {issued.secret}"})


FACEBOOK_PAGE = {
    "platform": "facebook",
    "name": "Valdemarsviks kommun",
    "url": "https://www.facebook.com/valdemarsvikskommun",
    "owning_unit": "Kommunledningskontoret",
    "responsible": "Kommunchef",
    "purpose": "Information och dialog med invånarna.",
}
