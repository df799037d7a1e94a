"""Runs the projections: each in its own supervised worker thread that reads the log in
batches, applies a batch and its tracking position in one transaction, and on any failure
(a bug, a lost connection) logs it, backs off and resumes from its stored tracking position."""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import psycopg
import structlog
from eventsourcing.persistence import Tracking
from psycopg import sql

from kanalarkiv.application import RecordsApplication
from kanalarkiv.views import Views
from projections.base import BatchProjection

log = structlog.get_logger("kanalarkiv.projections")


@dataclass
class WorkerStatus:
    state: str = "starting"
    position: int = 0
    restarts: int = 0
    last_error: str | None = None
    last_batch_at: float | None = None
    events_processed: int = 0


class LogReader:
    """Reads the log in batches and decodes each event once, for every projection that follows it.

    Workers that catch up together ask for the same batches; a full batch stays cached for the
    others (a short one — the head of the log — is read afresh, since more may have arrived)."""

    CACHED_BATCHES = 12

    def __init__(self, app: RecordsApplication):
        self.app = app
        self._lock = threading.Lock()
        self._batches: dict[tuple[int, int], list[tuple[Any, Any]]] = {}

    def batch(self, after: int, limit: int) -> list[tuple[Any, Any]]:
        """(notification, domain event) pairs after position ``after``, at most ``limit``."""
        key = (after, limit)
        with self._lock:
            cached = self._batches.get(key)
        if cached is not None:
            return cached
        notifications = self.app.recorder.select_notifications(start=after, limit=limit, inclusive_of_start=False)
        mapper = self.app.mapper
        prefetch = getattr(mapper, "prefetch", None)
        if prefetch is not None:
            prefetch([n.state for n in notifications])
        decoded = [(n, _Lazy(mapper, n)) for n in notifications]
        if len(notifications) == limit:
            with self._lock:
                if len(self._batches) >= self.CACHED_BATCHES:
                    self._batches.pop(next(iter(self._batches)))
                self._batches[key] = decoded
        return decoded


class _Lazy:
    """A stored event decoded on first use, once, whichever projection uses it first."""

    __slots__ = ("_mapper", "_notification", "_event", "_lock")

    def __init__(self, mapper: Any, notification: Any):
        self._mapper, self._notification, self._event = mapper, notification, None
        self._lock = threading.Lock()

    def get(self) -> Any:
        if self._event is None:
            with self._lock:
                if self._event is None:
                    self._event = self._mapper.to_domain_event(self._notification)
        return self._event


class Projector:
    """Catches one projection up with the log, one batch at a time."""

    def __init__(self, app: RecordsApplication, projection: BatchProjection, batch_size: int,
                 reader: LogReader | None = None):
        self.app = app
        self.projection = projection
        self.batch_size = batch_size
        self.reader = reader or LogReader(app)

    @property
    def name(self) -> str:
        return self.projection.name

    def position(self) -> int:
        return self.projection.view.position(self.app.name)

    def process_next_batch(self, after: int) -> tuple[int, int]:
        """Apply the next batch after position ``after``; return (new position, notifications read)."""
        batch = self.reader.batch(after, self.batch_size)
        if not batch:
            return after, 0
        events = [(n, n.id) for n, _ in batch] if self.projection.raw_notifications else [
            (lazy.get(), n.id) for n, lazy in batch if self.projection.wants(n.topic)
        ]
        last = batch[-1][0].id
        self.projection.process_batch(events, Tracking(self.app.name, last))
        return last, len(batch)

    def catch_up(self) -> int:
        """Process every batch up to the head of the log; return how many events were read."""
        position, total = self.position(), 0
        while True:
            position, count = self.process_next_batch(position)
            total += count
            if count < self.batch_size:
                return total


class ProjectionWorker(threading.Thread):
    def __init__(self, projector: Projector, stopping: threading.Event, idle_poll: float = 1.0):
        super().__init__(name=f"projection-{projector.name}", daemon=True)
        self.projector = projector
        self.stopping = stopping
        self.wake = threading.Event()
        self.idle_poll = idle_poll
        self.status = WorkerStatus()

    def run(self) -> None:
        backoff = 0.1
        while not self.stopping.is_set():
            try:
                self._follow_log()
            except Exception as error:  # noqa: BLE001 - supervision: every failure restarts the worker
                self._failed(error, backoff)
                self.stopping.wait(backoff)
                backoff = min(backoff * 2, 10.0)
            else:
                backoff = 0.1

    def _failed(self, error: Exception, retry_in: float) -> None:
        self.status.state = "restarting"
        self.status.restarts += 1
        self.status.last_error = f"{type(error).__name__}: {error}"
        # A broken log sink must not end the supervision loop.
        with contextlib.suppress(Exception):
            log.error("projection_failed", projection=self.projector.name, error=self.status.last_error,
                      restarts=self.status.restarts, retry_in_s=retry_in)

    def _follow_log(self) -> None:
        position = self.projector.position()
        self.status.position = position
        self.status.state = "running"
        while not self.stopping.is_set():
            self.wake.clear()
            started = time.perf_counter()
            position, count = self.projector.process_next_batch(position)
            if count:
                self._record_batch(position, count, started)
            if count < self.projector.batch_size:
                if self.wake.wait(self.idle_poll) and self.projector.projection.gather_seconds:
                    self.stopping.wait(self.projector.projection.gather_seconds)

    def _record_batch(self, position: int, count: int, started: float) -> None:
        self.status.position = position
        self.status.events_processed += count
        self.status.last_batch_at = time.time()
        self.status.last_error = None
        log.info("projection_batch", projection=self.projector.name, events=count, position=position,
                 ms=round((time.perf_counter() - started) * 1000, 2))


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
                            for worker in self.workers:
                                worker.wake.set()
            except psycopg.Error as error:
                log.warning("projection_listener_lost", error=str(error))
                self.stopping.wait(1.0)


@dataclass
class ProjectionSupervisor:
    """Starts a worker for every projection and reports their state."""

    app: RecordsApplication
    views: Views
    conninfo: str
    batch_size: int = 1000
    workers: list[ProjectionWorker] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        reader = LogReader(self.app)
        for projection in self.views.projections():
            self.workers.append(ProjectionWorker(Projector(self.app, projection, self.batch_size, reader), self.stopping))
        listener = LogListener(self.conninfo, self.app.recorder.channel_name, self.workers, self.stopping)  # type: ignore[attr-defined]
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

    def statuses(self) -> dict[str, dict[str, Any]]:
        return {w.projector.name: vars(w.status).copy() for w in self.workers}
