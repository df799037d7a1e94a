"""The webhooks' figures for /metrics: deliveries received, refused (by reason), entries for
accounts no channel is connected to, retried changes already stored, changes failed, retried,
dismissed and pruned (this process's counts since it started), and the inbox's depth by state and
the age of its oldest unprocessed change."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge

from kanalarkiv.adapters.webhook_inbox import STATES
from kanalarkiv.runtime import Runtime

COUNTED = {
    "received": "kanalarkiv_webhook_deliveries_received_total",
    "unrouted": "kanalarkiv_webhook_changes_unrouted_total",
    "duplicate": "kanalarkiv_webhook_changes_duplicate_total",
    "skipped": "kanalarkiv_webhook_changes_skipped_total",
    "failed": "kanalarkiv_webhook_changes_failed_total",
    "retried": "kanalarkiv_webhook_changes_retried_total",
    "dismissed": "kanalarkiv_webhook_changes_dismissed_total",
    "pruned": "kanalarkiv_webhook_changes_pruned_total",
}
HELP = {
    "received": "Webhook deliveries verified and kept in the inbox",
    "unrouted": "Webhook changes for an account no channel of the organisation is connected to (answered 200, dropped)",
    "duplicate": "Webhook changes already in the inbox (a delivery the platform retried)",
    "skipped": "Webhook changes of fields, items or actions not read",
    "failed": "Webhook changes the worker could not capture (marked failed, with the reason)",
    "retried": "Failed webhook changes a person made pending again",
    "dismissed": "Failed webhook changes a person dismissed (recorded in the log)",
    "pruned": "Captured and dismissed webhook changes deleted from the inbox",
}


def add_webhook_metrics(runtime: Runtime, registry: CollectorRegistry) -> None:
    inbox = runtime.app.webhook_inbox
    counts = inbox.tally.snapshot()
    for what, name in COUNTED.items():
        counter = Counter(name.removesuffix("_total"), HELP[what], registry=registry)
        counter.inc(counts.get((what, ""), 0))
    refused = Counter(
        "kanalarkiv_webhook_deliveries_refused", "Webhook requests refused, by reason", ["reason"], registry=registry
    )
    for (what, reason), n in counts.items():
        if what == "refused":
            refused.labels(reason).inc(n)
    states = inbox.states()
    depth = Gauge("kanalarkiv_webhook_inbox_changes", "Webhook changes in the inbox, by state", ["state"],
                  registry=registry)  # fmt: skip
    for state in STATES:
        depth.labels(state).set(states["counts"].get(state, 0))
    oldest = Gauge("kanalarkiv_webhook_inbox_oldest_pending_seconds",
                   "Age of the oldest webhook change not yet captured (0: none)", registry=registry)  # fmt: skip
    pending_since = states["oldest_pending"]
    oldest.set(max((runtime.app.clock() - pending_since).total_seconds(), 0) if pending_since else 0)
