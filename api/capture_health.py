"""The live sources in /healthz (how many are failing: a platform's trouble, not the service's,
so it never makes the service unhealthy) and in /metrics (per source: failing, last good capture,
throttled answers and seconds waited for them, from the poller's table; polls by kind and outcome,
from the log's runs and the poller's count of unchanged feeds)."""

from __future__ import annotations

from collections import Counter as Tally
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge

from kanalarkiv.runtime import Runtime


def connected_sources(runtime: Runtime) -> list[dict[str, Any]]:
    return [row for row in runtime.views.capture_sources.listing(None) if row["connected"]]


def sources_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    failing = [row for row in rows if row["state"] == "failing"]
    return {
        "connected": len(rows),
        "failing": len(failing),
        "stopped": sum(1 for row in rows if row["suspended_reason"] is not None),
        "failing_sources": [str(row["source_id"]) for row in failing][:100],
    }


def source_metrics(registry: CollectorRegistry, rows: list[dict[str, Any]]) -> None:
    labels = ["source_id", "kind", "channel_id"]
    failing = Gauge(
        "kanalarkiv_capture_source_failing", "1 while the live source is failing", labels, registry=registry
    )
    success = Gauge(
        "kanalarkiv_capture_source_last_success_timestamp",
        "Unix time of the live source's last good capture (0: none yet)",
        labels,
        registry=registry,
    )
    throttled = Counter(
        "kanalarkiv_capture_source_throttled_responses",
        "Answers in which the platform throttled the live source's polls (429, Graph 4, 17, 32, 613 …)",
        labels,
        registry=registry,
    )
    throttled_seconds = Counter(
        "kanalarkiv_capture_source_throttled_seconds",
        "Seconds the live source's polls waited for the platform's throttling",
        labels,
        registry=registry,
    )
    polls = Counter("kanalarkiv_capture_polls", "Polls of the live sources", ["kind", "outcome"], registry=registry)
    tally: Tally[tuple[str, str]] = Tally()
    for row in rows:
        of = (str(row["source_id"]), row["kind"], str(row["channel_id"]))
        failing.labels(*of).set(1 if row["state"] == "failing" else 0)
        success.labels(*of).set(row["last_success_at"].timestamp() if row["last_success_at"] else 0)
        throttled.labels(*of).inc(row["throttled_responses"])
        throttled_seconds.labels(*of).inc(row["throttled_seconds"])
        tally[(row["kind"], "completed")] += row["runs_completed"]
        tally[(row["kind"], "failed")] += row["runs_failed"]
        tally[(row["kind"], "not_modified")] += row["not_modified_polls"] or 0
    for (kind, outcome), count in tally.items():
        polls.labels(kind, outcome).inc(count)
