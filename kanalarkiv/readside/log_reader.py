"""The log as the projections read it: in batches, each event decoded once for every projection
that follows the log in this process."""

from __future__ import annotations

import threading
import time
from typing import Any

from eventsourcing.application import Application
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, Notification
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg import sql
from psycopg.rows import tuple_row

from retention.crypto.content import sealed_fields


def postgres_recorder(app: Application[Any]) -> PostgresApplicationRecorder:
    """The application's recorder, which the read side reads the log through in SQL of its own."""
    recorder = app.recorder
    if not isinstance(recorder, PostgresApplicationRecorder):
        raise TypeError("the read side follows a log kept in PostgreSQL")
    return recorder


class LogReader:
    """Reads the log in batches and decodes each event once, for every projection that follows it.

    Workers that catch up together ask for the same batches: a full batch stays cached until
    every follower has passed it (at most ``CACHED_BATCHES``). A short batch (the head of the
    log) is shared only with a worker whose latest wake-up came before that read began, so it
    holds every event that worker was told of; workers woken together read the head once.

    The followers stay together: one that would read a batch while ``CACHED_BATCHES`` full
    batches the slowest follower still needs are cached waits (at most ``LEAD_WAIT`` seconds a
    batch) for the slowest to move on. Without it the fastest projections ran ahead, the cache
    dropped what the slowest had yet to read, and each slow projection read and decoded the log
    again on its own: a rebuild of a million events with fifteen projections spent most of its
    time decoding. A follower that has asked for nothing for ``ACTIVE`` seconds (stopped, or
    failing and waiting to retry) is not waited for: one projection's trouble never holds the
    others back for more than that."""

    CACHED_BATCHES = 8
    LEAD_WAIT = 0.5
    ACTIVE = 5.0

    def __init__(self, app: Application[Any]):
        self.app = app
        self._lock = threading.Lock()
        self._moved = threading.Condition(self._lock)
        self._reads: dict[tuple[int, int], _Read] = {}
        self._followers: dict[str, int] = {}
        self._asked: dict[str, float] = {}
        self._recorder = recorder = postgres_recorder(app)
        self._query = sql.SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state FROM {}.{}"
            " WHERE notification_id > %s ORDER BY notification_id LIMIT %s"
        ).format(sql.Identifier(recorder.datastore.schema), sql.Identifier(recorder.events_table_name))

    def batch(
        self, after: int, limit: int, fresh_since: float | None = None, follower: str | None = None
    ) -> list[tuple[Any, Any]]:
        """(notification, domain event) pairs after position ``after``, at most ``limit``; a short
        batch read before ``fresh_since`` (``time.monotonic()``; default now) is not reused."""
        key = (after, limit)
        fresh_since = time.monotonic() if fresh_since is None else fresh_since
        with self._lock:
            if follower is not None:
                self._followers[follower] = after
                self._asked[follower] = time.monotonic()
                self._moved.notify_all()
                if key not in self._reads:
                    self._let_the_slowest_catch_up(follower, after)
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

    def _let_the_slowest_catch_up(self, follower: str, after: int) -> None:
        """Wait (the lock held, released while waiting) while this follower is too far ahead."""
        deadline = time.monotonic() + self.LEAD_WAIT
        while (left := deadline - time.monotonic()) > 0 and self._ahead(follower, after) >= self.CACHED_BATCHES:
            self._moved.wait(left)

    def _ahead(self, follower: str, after: int) -> int:
        """How many full batches are cached between the slowest active follower and this one."""
        now = time.monotonic()
        others = [
            position
            for name, position in self._followers.items()
            if name != follower and now - self._asked.get(name, 0.0) < self.ACTIVE
        ]
        slowest = min(others, default=after)
        return sum(1 for (start, _), read in self._reads.items() if read.full and slowest <= start < after)

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
        with self._recorder.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(self._query, (after, limit), prepare=True)
            rows = curs.fetchall()
        notifications = [
            Notification(id=i, originator_id=o, originator_version=v, topic=t, state=s) for i, o, v, t, s in rows
        ]
        mapper = self.app.mapper
        prefetch = getattr(mapper, "prefetch", None)
        keys = prefetch([n.state for n in notifications]) if prefetch is not None else None
        return [(n, _Lazy(mapper, n, keys)) for n in notifications]


class _Read:
    """One read of a batch: who waits for it, and what it found."""

    __slots__ = ("done", "failed", "full", "result", "started")

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

    __slots__ = ("_event", "_keys", "_mapper", "_notification", "_sealed")

    def __init__(self, mapper: Any, notification: Any, keys: Any = None):
        self._mapper, self._notification, self._keys = mapper, notification, keys
        self._event: DomainEventProtocol[Any] | None = None
        self._sealed: DomainEventProtocol[Any] | None = None

    def get(self, opened: bool = True) -> Any:
        if opened:
            if self._event is None:
                self._event = (
                    self._mapper.to_domain_event(self._notification)
                    if self._keys is None
                    else self._mapper.to_domain_event(self._notification, self._keys)
                )
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
