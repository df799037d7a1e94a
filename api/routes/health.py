"""Liveness, projection lag and metrics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CollectorRegistry, Gauge, generate_latest

from api.capture_health import connected_sources, source_metrics, sources_summary
from api.deps import RuntimeDep
from api.webhook_metrics import add_webhook_metrics
from kanalarkiv.runtime import Runtime

router = APIRouter(tags=["operations"])


def projection_report(runtime: Runtime) -> dict[str, Any]:
    head = runtime.head()
    workers = runtime.supervisor.statuses() if runtime.supervisor else {}
    report = {}
    for name, position in runtime.views.positions().items():
        worker = workers.get(name)
        report[name] = {
            "position": position,
            "lag": max(head - position, 0),
            "state": worker["state"] if worker else "external",
            "restarts": worker["restarts"] if worker else None,
            "last_error": worker["last_error"] if worker else None,
            "failed_position": worker["failed_position"] if worker else None,
        }
    return {"head": head, "projections": report}


@router.get(
    "/healthz",
    summary="Health: database reachable, projections' positions and lag",
    responses={503: {"description": "The database is unreachable", "content": {"application/json": {}}}},
)
def health(runtime: RuntimeDep) -> JSONResponse:
    """200 only when healthy: the database answers and every projection in this process runs.
    503 when the database cannot be reached (a fresh connection within two seconds) or a projection has
    failed or is restarting (``failing`` names them; each shows its error and failed position).
    ``capture_sources`` counts the live sources connected, failing and stopped: a platform's trouble,
    it never makes the service unhealthy."""
    try:
        if not runtime.database_reachable():
            raise ConnectionError("no connection within 2 s")
        report = projection_report(runtime)
        report["capture_sources"] = sources_summary(connected_sources(runtime))
    except Exception as error:  # noqa: BLE001 - any failure here means the database is unreachable
        return JSONResponse(
            {"status": "unavailable", "database": f"unreachable: {type(error).__name__}"},
            status_code=503,
            headers={"Retry-After": "5"},
        )
    failing = [n for n, p in report["projections"].items() if p["state"] not in ("running", "external")]
    if failing:
        return JSONResponse(
            {"status": "degraded", "database": "reachable", "failing": failing, **report}, status_code=503
        )
    return JSONResponse({"status": "ok", "database": "reachable", **report})


@router.get("/metrics", response_class=PlainTextResponse, summary="Prometheus metrics")
def metrics(runtime: RuntimeDep) -> PlainTextResponse:
    report = projection_report(runtime)
    registry = CollectorRegistry()
    head = Gauge("kanalarkiv_log_head_position", "Position of the newest event in the log", registry=registry)
    head.set(report["head"])
    position = Gauge("kanalarkiv_projection_position", "Last log position applied", ["projection"], registry=registry)
    lag = Gauge(
        "kanalarkiv_projection_lag_events", "Events recorded but not yet applied", ["projection"], registry=registry
    )
    restarts = Gauge(
        "kanalarkiv_projection_restarts", "Worker restarts after failures", ["projection"], registry=registry
    )
    failed = Gauge(
        "kanalarkiv_projection_failed",
        "1 while the projection is stopped on an event it cannot apply",
        ["projection"],
        registry=registry,
    )
    failed_at = Gauge(
        "kanalarkiv_projection_failed_position",
        "Log position of the event it cannot apply (0: none)",
        ["projection"],
        registry=registry,
    )
    for name, p in report["projections"].items():
        position.labels(name).set(p["position"])
        lag.labels(name).set(p["lag"])
        restarts.labels(name).set(p["restarts"] or 0)
        failed.labels(name).set(1 if p["failed_position"] is not None else 0)
        failed_at.labels(name).set(p["failed_position"] or 0)
    source_metrics(registry, connected_sources(runtime))
    add_webhook_metrics(runtime, registry)
    return PlainTextResponse(generate_latest(registry).decode(), media_type="text/plain; version=0.0.4")
