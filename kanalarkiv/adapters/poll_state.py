"""What the poller keeps of each live source between polls that is no fact of the record: a feed's
validators (``ETag``, ``Last-Modified``) for the next conditional request, when the source is due
next (its interval, or the back-off after a failure), how many polls in a row failed, and the
last poll's outcome, when its token was renewed and when that one ends, and how long the platform
kept it throttled. Kept in the table ``capture_poll_state``; losing it costs one full request per
feed, one poll that comes early, a token renewed a day early (or after a refusal) and the
throttling counts, nothing of the record."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.postgres import PostgresDatastore

CREATE = """CREATE TABLE IF NOT EXISTS capture_poll_state (
    source_id uuid PRIMARY KEY,
    etag text,
    last_modified text,
    next_poll_at timestamptz,
    failures integer NOT NULL DEFAULT 0,
    last_polled_at timestamptz,
    last_outcome text,
    last_reason text,
    not_modified_polls bigint NOT NULL DEFAULT 0,
    token_renewed_at timestamptz,
    token_expires_at timestamptz,
    throttled_responses bigint NOT NULL DEFAULT 0,
    throttled_seconds double precision NOT NULL DEFAULT 0
)"""
ADDED = (  # columns added since the table was first made: an older table gets them
    "ALTER TABLE capture_poll_state ADD COLUMN IF NOT EXISTS token_renewed_at timestamptz,"
    " ADD COLUMN IF NOT EXISTS token_expires_at timestamptz,"
    " ADD COLUMN IF NOT EXISTS throttled_responses bigint NOT NULL DEFAULT 0,"
    " ADD COLUMN IF NOT EXISTS throttled_seconds double precision NOT NULL DEFAULT 0"
)
COUNTED = ("throttled_responses", "throttled_seconds")  # only ever added to (``add_throttling``)


@dataclass(frozen=True)
class PollState:
    source_id: UUID
    etag: str | None = None
    last_modified: str | None = None
    next_poll_at: datetime | None = None
    failures: int = 0
    last_polled_at: datetime | None = None
    last_outcome: str | None = None
    last_reason: str | None = None
    not_modified_polls: int = 0  # a feed found unchanged: no run is recorded, so they are counted here
    token_renewed_at: datetime | None = None  # when its token was last renewed (Instagram Login: or first seen)
    token_expires_at: datetime | None = None  # when the token renewed then ends, as the platform said
    throttled_responses: int = 0  # answers that said "slow down" (429, Graph 4, 17, 32, 613 …)
    throttled_seconds: float = 0.0  # and the seconds the connectors waited for them


class PollStates:
    def __init__(self, datastore: PostgresDatastore):
        self.datastore = datastore

    def create_table(self) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(CREATE)
            curs.execute(ADDED)

    def get(self, source_id: UUID) -> PollState:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            row = curs.execute("SELECT * FROM capture_poll_state WHERE source_id = %s", (source_id,)).fetchone()
        return PollState(**row) if row else PollState(source_id)

    def all(self) -> dict[UUID, PollState]:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            rows = curs.execute("SELECT * FROM capture_poll_state").fetchall()
        return {row["source_id"]: PollState(**row) for row in rows}

    def put(self, state: PollState) -> None:
        """The state as it is now; the throttling counts are left as they are (a poll adds to them)."""
        values: dict[str, Any] = {k: v for k, v in vars(state).items() if k not in COUNTED}
        columns = list(values)
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                f"INSERT INTO capture_poll_state ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
                f" ON CONFLICT (source_id) DO UPDATE SET {', '.join(f'{c} = EXCLUDED.{c}' for c in columns[1:])}",
                [values[c] for c in columns],
            )

    def add_throttling(self, source_id: UUID, responses: int, seconds: float) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                "INSERT INTO capture_poll_state (source_id, throttled_responses, throttled_seconds) VALUES (%s, %s, %s)"
                " ON CONFLICT (source_id) DO UPDATE SET"
                " throttled_responses = capture_poll_state.throttled_responses + EXCLUDED.throttled_responses,"
                " throttled_seconds = capture_poll_state.throttled_seconds + EXCLUDED.throttled_seconds",
                (source_id, responses, seconds),
            )

    def forget(self, source_id: UUID) -> None:
        """All but the counts (counters in /metrics never go back): due now, nothing failed before."""
        self.put(PollState(source_id, not_modified_polls=self.get(source_id).not_modified_polls))

    @contextmanager
    def lease(self, source_id: UUID) -> Iterator[bool]:
        """Whether this process may poll the source now: a PostgreSQL advisory lock held for the
        poll (one poll at a time per source, across processes; a crashed poller's lock goes with
        its connection)."""
        key = int.from_bytes(source_id.bytes[:8], "big", signed=True)
        with self.datastore.get_connection() as conn:
            got = bool(conn.execute("SELECT pg_try_advisory_lock(%s) AS got", (key,)).fetchone()["got"])  # type: ignore[index]
            try:
                yield got
            finally:
                if got:
                    conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
