"""The event store's recorder: the library's PostgreSQL application recorder, with one change.

A large batch of events is inserted without pipeline mode. The library pipelines the table lock,
the NOTIFY and the insert into one round trip; with many events (about 800 kB in one insert) that
pipeline was seen to stall on a Unix-socket connection (the embedded server's), with the server
waiting for the rest of the statement. Small batches — every ordinary command — keep the pipeline."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry

PIPELINE_LIMIT = 64_000
"""Bytes of stored state above which a batch is inserted statement by statement."""


class EventRecorder(PostgresApplicationRecorder):
    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if sum(len(event.state) for event in stored_events) <= PIPELINE_LIMIT:
            return super().insert_events(stored_events, **kwargs)
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            self._insert_events(curs, stored_events, **kwargs)
            self._insert_stored_events(curs, stored_events, **kwargs)
            return self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
