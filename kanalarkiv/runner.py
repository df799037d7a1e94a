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
from eventsourcing.persistence import Mapper, Notification, Tracking
from psycopg import sql
from psycopg.rows import tuple_row

from kanalarkiv.application import RecordsApplication
from kanalarkiv.views import Views
from projections.base import BatchProjection
from retention.content import sealed_fields

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

    Workers that catch up together ask for the same batches: a full batch stays cached until
    every follower has passed it (at most ``CACHED_BATCHES``). A short batch (the head of the
    log) is shared only with a worker whose latest wake-up came before that read began, so it
    holds every event that worker was told of; workers woken together read the head once."""

    CACHED_BATCHES = 8

    def __init__(self, app: RecordsApplication):
        self.app = app
        self._lock = threading.Lock()
        self._reads: dict[tuple[int, int], _Read] = {}
        self._followers: dict[str, int] = {}
        recorder = app.recorder
        self._query = sql.SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state FROM {}.{}"
            " WHERE notification_id > %s ORDER BY notification_id LIMIT %s").format(
            sql.Identifier(recorder.datastore.schema), sql.Identifier(recorder.events_table_name))  # type: ignore[attr-defined]

    def batch(self, after: int, limit: int, fresh_since: float | None = None,
              follower: str | None = None) -> list[tuple[Any, Any]]:
        """(notification, domain event) pairs after position ``after``, at most ``limit``; a short
        batch read before ``fresh_since`` (``time.monotonic()``; default now) is not reused."""
        key = (after, limit)
        fresh_since = time.monotonic() if fresh_since is None else fresh_since
        with self._lock:
            if follower is not None:
                self._followers[follower] = after
            read = self._reads.get(key)
            if read is None or read.failed or not (read.full or read.started >= fresh_since):
                read = self._reads[key] = _Read(time.monotonic())
                mine = True
            else:
                mine = False
        if not mine:
            read.done.wait()
            if read.failed:
                return self.batch(after, limit, fresh_since, follower)
            return read.result
        try:
            read.result = self._read(after, limit)
            read.full = len(read.result) == limit
        except BaseException:
            read.failed = True
            raise
        finally:
            read.done.set()
            with self._lock:
                if read.failed and self._reads.get(key) is read:
                    del self._reads[key]
                self._evict()
        return read.result

    def _evict(self) -> None:
        """Drop batches every follower has passed, then the oldest beyond the limit."""
        behind = min(self._followers.values(), default=None)
        for key, read in list(self._reads.items()):
            if read.done.is_set() and (behind is not None and key[0] < behind):
                del self._reads[key]
        while len(self._reads) > self.CACHED_BATCHES:
            oldest = min(self._reads, key=lambda k: self._reads[k].started)
            del self._reads[oldest]

    def _read(self, after: int, limit: int) -> list[tuple[Any, Any]]:
        # A plain tuple query instead of the library's select_notifications (dict rows, then objects).
        with self.app.recorder.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:  # type: ignore[attr-defined]
            curs.execute(self._query, (after, limit), prepare=True)
            rows = curs.fetchall()
        notifications = [Notification(id=i, originator_id=o, originator_version=v, topic=t, state=s)
                         for i, o, v, t, s in rows]
        mapper = self.app.mapper
        prefetch = getattr(mapper, "prefetch", None)
        keys = prefetch([n.state for n in notifications]) if prefetch is not None else None
        return [(n, _Lazy(mapper, n, keys)) for n in notifications]


class _Read:
    """One read of a batch: who waits for it, and what it found."""

    __slots__ = ("started", "done", "result", "full", "failed")

    def __init__(self, started: float):
        self.started = started
        self.done = threading.Event()
        self.result: list[tuple[Any, Any]] = []
        self.full = False
        self.failed = False


class _Lazy:
    """A stored event decoded on first use, once, whichever projection uses it first: with its
    sealed content opened for projections that read it, or left sealed (no key look-ups, no
    decryption) for those that never do. Two threads may race to decode the same event; both
    get equal events, so no lock is taken."""

    __slots__ = ("_mapper", "_notification", "_keys", "_event", "_sealed")

    def __init__(self, mapper: Any, notification: Any, keys: Any = None):
        self._mapper, self._notification, self._keys = mapper, notification, keys
        self._event, self._sealed = None, None

    def get(self, opened: bool = True) -> Any:
        if opened:
            if self._event is None:
                self._event = (self._mapper.to_domain_event(self._notification) if self._keys is None
                               else self._mapper.to_domain_event(self._notification, self._keys))
            return self._event
        if self._sealed is None:
            if self._event is not None:
                self._sealed = self._event
            else:
                # The library's own decoding, without the sealing mapper's opening of content fields.
                event = Mapper.to_domain_event(self._mapper, self._notification)
                if not sealed_fields(type(event)):
                    self._event = event
                self._sealed = event
        return self._sealed


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

    def process_next_batch(self, after: int, fresh_since: float | None = None) -> tuple[int, int]:
        """Apply the next batch after position ``after``; return (new position, notifications read).
        ``fresh_since``: the time of the latest wake-up (a shared read begun after it will do)."""
        batch = self.reader.batch(after, self.batch_size, fresh_since, follower=self.name)
        if not batch:
            return after, 0
        projection = self.projection
        if projection.raw_notifications:
            events = [(n, n.id) for n, _ in batch]
        else:
            wants, opened = projection.wants, projection.reads_sealed_content
            events = [(lazy.get(opened), n.id) for n, lazy in batch if wants(n.topic)]
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
        self.notified_at = time.monotonic()
        while not self.stopping.is_set():
            self.wake.clear()
            started = time.perf_counter()
            position, count = self.projector.process_next_batch(position, self.notified_at)
            if count:
                self._record_batch(position, count, started)
            if count < self.projector.batch_size:
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
                            at = time.monotonic()
                            for worker in self.workers:
                                worker.notify(at)
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
        projections = self.views.projections()
        reader = LogReader(self.app)
        for projection in projections:
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
