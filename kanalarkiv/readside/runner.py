"""Runs the projections: each in its own supervised worker thread that reads the log in
batches, applies a batch and its tracking position in one transaction, and on any failure
(a bug, a lost connection) logs it, backs off and resumes from its stored tracking position."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg
import structlog
from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, Tracking
from psycopg import sql

from kanalarkiv.adapters.availability import DATABASE_ERRORS
from kanalarkiv.readside.log_reader import LogReader, postgres_recorder
from kanalarkiv.readside.views import Views
from projections.core.base import BatchProjection, View

log = structlog.get_logger("kanalarkiv.projections")


@dataclass
class WorkerStatus:
    state: str = "starting"
    """starting, running, restarting (after an error, e.g. a lost connection), or failed: an event
    it cannot apply (``failed_position``) stops it there, while it keeps retrying with back-off."""
    position: int = 0
    restarts: int = 0
    last_error: str | None = None
    failed_position: int | None = None
    last_batch_at: float | None = None
    events_processed: int = 0


class BatchFailed(Exception):
    """Applying the events at log positions ``first`` to ``last`` failed (their transaction rolled back)."""

    def __init__(self, first: int, last: int, error: Exception):
        super().__init__(f"{type(error).__name__}: {error}")
        self.first, self.last, self.error = first, last, error


class Projector:
    """Catches one projection up with the log, one batch at a time."""

    def __init__(
        self, app: Application[Any], projection: BatchProjection[View], batch_size: int, reader: LogReader | None = None
    ):
        self.app = app
        self.projection = projection
        self.batch_size = batch_size
        self.reader = reader or LogReader(app)

    @property
    def name(self) -> str:
        return self.projection.name

    def position(self) -> int:
        return self.projection.view.position(self.app.name)

    def process_next_batch(
        self, after: int, fresh_since: float | None = None, limit: int | None = None
    ) -> tuple[int, int]:
        """Apply the next batch after position ``after``; return (new position, notifications read).
        ``fresh_since``: the time of the latest wake-up (a shared read begun after it will do);
        ``limit``: at most this many events (default the batch size). A failure to apply the batch
        is raised as ``BatchFailed`` naming its positions."""
        batch = self.reader.batch(after, limit or self.batch_size, fresh_since, follower=self.name)
        if not batch:
            return after, 0
        projection = self.projection
        if projection.raw_notifications:
            events = [(n, n.id) for n, _ in batch]
        else:
            wants, opened = projection.wants, projection.reads_sealed_content
            events = [(lazy.get(opened), n.id) for n, lazy in batch if wants(n.topic)]
        last = batch[-1][0].id
        try:
            self.projection.process_batch(events, Tracking(self.app.name, last))
        except (*DATABASE_ERRORS, IntegrityError):
            raise  # the database, or another process applied the batch first: not the events
        except Exception as error:
            raise BatchFailed(batch[0][0].id, last, error) from error
        return last, len(batch)

    def catch_up(self, on_batch: Callable[[int], None] | None = None) -> int:
        """Process every batch up to the head of the log; return how many events were read.
        ``on_batch`` is told the position reached after each batch (a progress bar)."""
        position, total = self.position(), 0
        while True:
            position, count = self.process_next_batch(position)
            total += count
            if on_batch is not None:
                on_batch(position)
            if count < self.batch_size:
                return total


class ProjectionWorker(threading.Thread):
    def __init__(self, projector: Projector, stopping: threading.Event, idle_poll: float = 1.0):
        super().__init__(name=f"projection-{projector.name}", daemon=True)
        self.projector = projector
        self.stopping = stopping
        self.wake = threading.Event()
        self.notified_at = time.monotonic()
        """When the latest notification of new events reached this process (``time.monotonic()``)."""
        self.idle_poll = idle_poll
        self.status = WorkerStatus()

    def notify(self, at: float) -> None:
        """New events were recorded before ``at``: wake up and read at least up to them."""
        self.notified_at = at
        self.wake.set()

    def run(self) -> None:
        backoff = 0.1
        while not self.stopping.is_set():
            try:
                self._follow_log()
            except BatchFailed as failure:
                self._batch_failed(failure, backoff)
                if failure.first == failure.last:  # the event is known: retry it now and then
                    self.stopping.wait(backoff)
                    backoff = min(backoff * 2, 10.0)
            except Exception as error:  # noqa: BLE001 - supervision: every failure restarts the worker
                self._failed(error, backoff)
                self.stopping.wait(backoff)
                backoff = min(backoff * 2, 10.0)
            else:
                backoff = 0.1

    def _batch_failed(self, failure: BatchFailed, retry_in: float) -> None:
        """A batch failed on its events: find the one that fails by applying them one at a time
        (the others are applied), then report it as failed at that position until it applies."""
        if failure.first == failure.last:
            self.status.failed_position = failure.first
            self._failed(failure, retry_in, state="failed")
        else:
            self._one_at_a_time_until = failure.last
            self._failed(failure, 0.0)

    def _failed(self, error: Exception, retry_in: float, state: str = "restarting") -> None:
        self.status.state = state
        self.status.restarts += 1
        self.status.last_error = f"{type(error).__name__}: {error}"
        # A broken log sink must not end the supervision loop.
        with contextlib.suppress(Exception):
            log.error(
                "projection_failed",
                projection=self.projector.name,
                error=self.status.last_error,
                failed_position=self.status.failed_position,
                restarts=self.status.restarts,
                retry_in_s=retry_in,
            )

    _one_at_a_time_until: int = 0
    """After a batch failed up to this position, its events are applied one by one to find the culprit."""

    def _follow_log(self) -> None:
        position = self.projector.position()
        self.status.position = position
        if self.status.failed_position is None:
            self.status.state = "running"
        self.notified_at = time.monotonic()
        while not self.stopping.is_set():
            self.wake.clear()
            started = time.perf_counter()
            careful = position < self._one_at_a_time_until
            position, count = self.projector.process_next_batch(position, self.notified_at, 1 if careful else None)
            if count:
                self._record_batch(position, count, started)
            if not careful and count < self.projector.batch_size:
                if not self.wake.wait(self.idle_poll):
                    self.notified_at = time.monotonic()  # polling: whatever is there by now
                elif self.projector.projection.gather_seconds:
                    # Let the events of a burst gather, so that one transaction applies them all.
                    self.stopping.wait(self.projector.projection.gather_seconds)

    def _record_batch(self, position: int, count: int, started: float) -> None:
        self.status.position = position
        self.status.events_processed += count
        self.status.last_batch_at = time.time()
        self.status.last_error = None
        if self.status.failed_position is not None and position >= self.status.failed_position:
            self.status.failed_position, self.status.state = None, "running"
        log.info(
            "projection_batch",
            projection=self.projector.name,
            events=count,
            position=position,
            ms=round((time.perf_counter() - started) * 1000, 2),
        )


class LogListener(threading.Thread):
    """Wakes the workers when events are recorded (PostgreSQL LISTEN on the log's channel).
    Workers also poll, so a lost listener connection only slows them until it reconnects."""

    def __init__(self, conninfo: str, channel: str, workers: list[ProjectionWorker], stopping: threading.Event):
        super().__init__(name="projection-listener", daemon=True)
        self.conninfo = conninfo
        self.channel = channel
        self.workers = workers
        self.stopping = stopping

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True) as conn:
                    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
                    while not self.stopping.is_set():
                        for _ in conn.notifies(timeout=0.5, stop_after=1):
                            at = time.monotonic()
                            for worker in self.workers:
                                worker.notify(at)
            except psycopg.Error as error:
                log.warning("projection_listener_lost", error=str(error))
                self.stopping.wait(1.0)


@dataclass
class ProjectionSupervisor:
    """Starts a worker for every projection and reports their state."""

    app: Application[Any]
    views: Views
    conninfo: str
    batch_size: int = 1000
    workers: list[ProjectionWorker] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        projections = self.views.projections()
        reader = LogReader(self.app)
        for projection in projections:
            self.workers.append(
                ProjectionWorker(Projector(self.app, projection, self.batch_size, reader), self.stopping)
            )
        listener = LogListener(self.conninfo, postgres_recorder(self.app).channel_name, self.workers, self.stopping)
        for thread in (*self.workers, listener):
            thread.start()
        self._listener = listener
        log.info("projections_started", projections=[w.projector.name for w in self.workers])

    def stop(self, timeout: float = 5.0) -> None:
        self.stopping.set()
        for worker in self.workers:
            worker.wake.set()
        for thread in (*self.workers, getattr(self, "_listener", None)):
            if thread is not None:
                thread.join(timeout)

    def failure_of(self, name: str) -> tuple[int, str] | None:
        """Where projection ``name`` failed and why, while it stays failed."""
        for worker in self.workers:
            status = worker.status
            if worker.projector.name == name and status.failed_position is not None:
                return status.failed_position, status.last_error or "unknown error"
        return None

    def statuses(self) -> dict[str, dict[str, Any]]:
        return {w.projector.name: vars(w.status).copy() for w in self.workers}
