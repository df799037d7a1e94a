"""The worker that drains the webhook inbox into the record, in a thread of the service's
process: woken when a delivery was kept, and at least every ``interval`` seconds (a delivery
another process kept, a change claimed by a worker that died). Woken, it lets ``gather`` seconds
pass first, so that the changes of a burst are captured together, one run per source, rather than
one run each: less of the process's time (and its GIL) is taken from the requests being answered.
Every ``prune_every`` seconds (and at start) it prunes the captured and dismissed changes older
than ``keep_days`` (``KANALARKIV_WEBHOOK_KEEP_DAYS``)."""

from __future__ import annotations

import threading
import time
from typing import Any

import structlog

from domain.actors import Actor, Role
from kanalarkiv.application.context import acting_as
from kanalarkiv.config import WEBHOOK_KEEP_DAYS

PRUNER = Actor("system:webhook-worker", "webhook inbox worker", Role.OPERATOR)
log = structlog.get_logger("kanalarkiv.webhooks")


class WebhookWorker:
    def __init__(self, app: Any, interval: float = 1.0, batch: int = 200, gather: float = 0.25,
                 keep_days: int = WEBHOOK_KEEP_DAYS, prune_every: float = 3600.0):  # fmt: skip
        self.app, self.interval, self.batch, self.gather = app, interval, batch, gather
        self.keep_days, self.prune_every = keep_days, prune_every
        self._pruned_at: float | None = None
        self._wake, self._stopping = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None
        self.last_error: str | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="webhook-inbox", daemon=True)
        self._thread.start()

    def notify(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopping.is_set():
            if self._wake.wait(self.interval):
                self._stopping.wait(self.gather)
            self._wake.clear()
            while not self._stopping.is_set() and self._drain_once():
                pass
            self._prune_when_due()

    def _prune_when_due(self) -> None:
        now = time.monotonic()
        if self._pruned_at is not None and now - self._pruned_at < self.prune_every:
            return
        self._pruned_at = now
        try:
            with acting_as(PRUNER):
                self.app.prune_webhook_inbox(self.keep_days)
        except Exception as error:  # noqa: BLE001 - the database may be away; the next turn tries again
            self.last_error = f"{type(error).__name__}: {error}"
            log.warning("webhook inbox not pruned", error=self.last_error)

    def _drain_once(self) -> bool:
        """Whether there was anything to drain (then it drains again at once)."""
        try:
            drained = self.app.drain_webhook_inbox(self.batch)
        except Exception as error:  # noqa: BLE001 - the database may be away; try again later
            self.last_error = f"{type(error).__name__}: {error}"
            log.warning("webhook inbox not drained", error=self.last_error)
            return False
        if drained.failed:
            log.warning("webhook changes failed", failed=drained.failed, processed=drained.processed)
        return bool(drained.processed or drained.failed)
