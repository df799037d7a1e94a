"""The projections: exactly-once, resumable from their tracking position, rebuildable from
zero to identical rows, supervised when they fail, and visible in health and metrics."""

from __future__ import annotations

from typing import Any

import psycopg
from conftest import FACEBOOK_PAGE, issue_token, register_organisation
from waiting import eventually

from domain.actors import Actor, Role
from kanalarkiv.application.context import acting_as
from kanalarkiv.readside.runner import Projector
from projections.channel_register import ChannelRegisterProjection


def given_a_register_with_history(runtime) -> int:
    org_id = register_organisation(runtime)
    manager = Actor("anna", "Anna Chef", Role.MANAGER, org_id)
    position = 0
    with acting_as(manager):
        for n in range(12):
            channel = runtime.app.register_channel(org_id, **FACEBOOK_PAGE | {"name": f"Kanal {n:02}"})
            runtime.app.activate_channel(channel.id)
            if n % 3 == 0:
                runtime.app.pause_channel(channel.id, "Vilande")
            position = runtime.app.change_channel_purpose(channel.id, f"Syfte {n}").position
    return position


def rows(runtime, table: str, order: str) -> list[dict[str, Any]]:
    with psycopg.connect(runtime.database_url, row_factory=psycopg.rows.dict_row) as conn:
        return conn.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()


def test_catch_up_in_small_batches_writes_one_tracking_position_per_batch(open_runtime):
    runtime = open_runtime(run_projections=False)
    head = given_a_register_with_history(runtime)
    projector = Projector(runtime.app, runtime.views.projection("channel_register"), batch_size=10)

    positions = []
    position, count = 0, 10
    while count == 10:
        position, count = projector.process_next_batch(position)
        positions.append(runtime.views.channel_register.position(runtime.app.name))

    assert positions[-1] == head
    assert positions == sorted(set(positions)) and all(p % 10 == 0 for p in positions[:-1])
    assert len(rows(runtime, "channel_register", "name")) == 12


def test_a_restarted_projection_resumes_from_its_tracking_position(open_runtime):
    runtime = open_runtime(run_projections=False)
    given_a_register_with_history(runtime)
    first = Projector(runtime.app, runtime.views.projection("audit_trail"), batch_size=7)
    first.process_next_batch(0)
    stopped_at = first.position()

    later = Projector(runtime.app, runtime.views.projection("audit_trail"), batch_size=7)
    later.catch_up()

    audit = rows(runtime, "audit_events", "position")
    assert stopped_at == 7
    assert [r["position"] for r in audit] == list(range(1, runtime.head() + 1))  # each event exactly once


def test_a_batch_already_applied_elsewhere_is_refused_whole(open_runtime):
    runtime = open_runtime(run_projections=False)
    given_a_register_with_history(runtime)
    projector = Projector(runtime.app, runtime.views.projection("audit_trail"), batch_size=5)
    projector.process_next_batch(0)
    before = rows(runtime, "audit_events", "position")

    try:
        projector.process_next_batch(2)  # a stale worker re-applying positions 3..7
    except Exception as refused:  # noqa: BLE001
        assert "tracking" in str(refused).lower() or "duplicate" in str(refused).lower()
    else:
        raise AssertionError("re-applying a batch must fail")
    assert rows(runtime, "audit_events", "position") == before


def test_a_rebuild_from_zero_gives_identical_rows(runtime):
    head = given_a_register_with_history(runtime)
    runtime.views.wait_for("channel_register", head)
    runtime.views.wait_for("audit_trail", head)
    before = rows(runtime, "channel_register", "id"), rows(runtime, "audit_events", "position")
    runtime.supervisor.stop()

    for name in ("channel_register", "audit_trail"):
        runtime.views.view(name).reset(runtime.app.name)
        assert runtime.views.view(name).position(runtime.app.name) == 0
        Projector(runtime.app, runtime.views.projection(name), batch_size=4).catch_up()

    assert (rows(runtime, "channel_register", "id"), rows(runtime, "audit_events", "position")) == before


class FailsOnce(ChannelRegisterProjection):
    name = "channel_register"
    failures = 1

    def process_batch(self, events, tracking):
        if FailsOnce.failures:
            FailsOnce.failures -= 1
            raise ConnectionError("lost the connection to the database")
        super().process_batch(events, tracking)


def test_a_failing_projection_is_restarted_and_catches_up(open_runtime):
    runtime = open_runtime(run_projections=False)
    runtime.views._projection_classes["channel_register"] = FailsOnce
    head = given_a_register_with_history(runtime)
    from kanalarkiv.readside.runner import ProjectionSupervisor

    supervisor = ProjectionSupervisor(runtime.app, runtime.views, runtime.database_url)
    supervisor.start()
    try:
        runtime.views.wait_for("channel_register", head, timeout=10)
        status = supervisor.statuses()["channel_register"]
        assert status["restarts"] == 1 and status["state"] == "running"
        assert len(rows(runtime, "channel_register", "id")) == 12
    finally:
        supervisor.stop()


def test_health_and_metrics_show_positions_and_lag(client, open_runtime):
    idle = open_runtime(run_projections=False)
    head = given_a_register_with_history(idle)
    eventually(
        lambda: (
            not any(
                client.get("/healthz").json()["projections"][name]["lag"]
                for name in ("audit_trail", "channel_register")
            )
        )
    )

    health = client.get("/healthz").json()
    metrics = client.get("/metrics").text

    assert health["status"] == "ok" and health["database"] == "reachable" and health["head"] == head
    assert health["projections"]["channel_register"] == {
        "position": head,
        "lag": 0,
        "state": "running",
        "restarts": 0,
        "last_error": None,
        "failed_position": None,
    }
    assert f'kanalarkiv_projection_position{{projection="audit_trail"}} {float(head)}' in metrics
    assert 'kanalarkiv_projection_lag_events{projection="channel_register"} 0.0' in metrics


def test_health_reports_lag_of_projections_run_elsewhere(open_runtime):
    from fastapi.testclient import TestClient

    from api.main import create_app

    runtime = open_runtime(run_projections=False)
    head = given_a_register_with_history(runtime)
    with TestClient(create_app(runtime=runtime)) as client:
        health = client.get("/healthz").json()
    assert health["projections"]["organisations"] == {
        "position": 0,
        "lag": head,
        "state": "external",
        "restarts": None,
        "last_error": None,
        "failed_position": None,
    }


def test_reads_wait_for_the_position_a_command_returned(client, runtime):
    org_id = register_organisation(runtime)
    with acting_as(Actor("anna", "Anna Chef", Role.MANAGER, org_id)):
        channel = runtime.app.register_channel(org_id, **FACEBOOK_PAGE)
    manager = issue_token(runtime)
    for n in range(20):
        done = client.post(f"/v1/channels/{channel.id}/purpose", json={"purpose": f"Syfte {n}"}, headers=manager)
        read = client.get(f"/v1/channels/{channel.id}?wait_for_position={done.json()['position']}", headers=manager)
        assert read.json()["purpose"] == f"Syfte {n}"


def test_a_read_that_cannot_catch_up_in_time_is_503(open_runtime):
    from fastapi.testclient import TestClient

    from api.main import create_app

    runtime = open_runtime(run_projections=False)
    head = given_a_register_with_history(runtime)
    with TestClient(create_app(runtime=runtime)) as client:
        runtime.views.wait_for = lambda name, position, timeout=0.05, _w=runtime.views.wait_for: _w(
            name, position, 0.05
        )
        response = client.get(f"/v1/organisations/valdemarsvik/channels?wait_for_position={head}")
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"
