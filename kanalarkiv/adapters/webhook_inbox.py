"""The webhook inbox: each verified change a platform pushed, kept durably in PostgreSQL before the
platform is answered, until the worker has captured it. A change is keyed by the source it was
routed to and its ``delivery_id`` (a digest of the change, or the platform's notification id),
so a delivery the platform retries is stored once.

The parsed change (author name, text: what the public wrote) is kept sealed (``sealer``: its own
key of the master key, bound to the row's organisation, source and delivery id) and only until it
is captured: once the record holds it (sealed under the record's key, where disposal can reach
it), the row keeps its ids and times and the sealed change is destroyed. A change that failed
keeps it, with the reason, for a person to retry or dismiss (``webhook_inbox_care``); captured and
dismissed rows are pruned after some days (the record is the log; the inbox is a queue)."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
import structlog
from eventsourcing.postgres import PostgresDatastore
from psycopg import sql

from kanalarkiv.adapters.sealer import Sealer, Unsealable
from kanalarkiv.adapters.webhook_inbox_upgrade import seal_plain_changes

CREATE = (
    """CREATE TABLE IF NOT EXISTS webhook_inbox (
        id bigserial PRIMARY KEY,
        org_id uuid NOT NULL,
        source_id uuid NOT NULL,
        channel_id uuid NOT NULL,
        platform text NOT NULL,
        delivery_id text NOT NULL,
        body_sha256 text NOT NULL,
        sealed bytea,
        received_at timestamptz NOT NULL,
        state text NOT NULL DEFAULT 'pending',
        claimed_until timestamptz,
        finished_at timestamptz,
        reason text,
        UNIQUE (source_id, delivery_id)
    )""",
    "CREATE INDEX IF NOT EXISTS webhook_inbox_pending_idx ON webhook_inbox (id) WHERE state = 'pending'",
    # Added with retry, dismissal and pruning (a table made before gets them here).
    "ALTER TABLE webhook_inbox ADD COLUMN IF NOT EXISTS sealed bytea, ADD COLUMN IF NOT EXISTS retries int"
    " NOT NULL DEFAULT 0, ADD COLUMN IF NOT EXISTS retried_at timestamptz, ADD COLUMN IF NOT EXISTS retried_by text,"
    " ADD COLUMN IF NOT EXISTS dismissed_at timestamptz, ADD COLUMN IF NOT EXISTS dismissed_by text,"
    " ADD COLUMN IF NOT EXISTS dismissal_reason text",
)
PURPOSE = b"kanalarkiv webhook inbox v1"  # the HKDF info of the inbox's own key
STATES = ("pending", "processed", "failed", "dismissed")
log = structlog.get_logger("kanalarkiv.webhooks")
STATEMENT_ROWS = 1000  # 8 parameters a row: well under PostgreSQL's 65,535 parameters a statement
CLAIM_SECONDS = 300  # a worker that died holding changes gives them up after this long


@dataclass(frozen=True)
class InboxChange:
    """One change to store: routed to ``source_id`` (of ``channel_id``) when it was received."""

    source_id: UUID
    channel_id: UUID
    platform: str
    delivery_id: str
    change: dict[str, Any]


@dataclass(frozen=True)
class Claimed:
    id: int
    org_id: UUID
    source_id: UUID
    channel_id: UUID
    platform: str
    delivery_id: str
    body_sha256: str
    change: dict[str, Any]
    received_at: datetime


class Tally:
    """What this process was asked (counters for /metrics: deliveries received, refused by reason,
    entries for accounts no channel is connected to, changes already stored)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: Counter[tuple[str, str]] = Counter()

    def add(self, what: str, label: str = "", n: int = 1) -> None:
        if n:
            with self._lock:
                self.counts[(what, label)] += n

    def snapshot(self) -> dict[tuple[str, str], int]:
        with self._lock:
            return dict(self.counts)


class WebhookInbox:
    def __init__(self, datastore: PostgresDatastore, master_key: bytes):
        self.datastore = datastore
        self.sealer = Sealer(master_key, PURPOSE)
        self.tally = Tally()

    def create_table(self) -> None:
        """The table, and (once, at the first start after an upgrade) the changes an older version
        kept in plain sealed, and the plain column dropped."""
        with self.datastore.transaction(commit=True) as curs:
            for statement in CREATE:
                curs.execute(statement)
        sealed = seal_plain_changes(self.datastore, self.seal)
        if sealed is not None:
            log.info("webhook_inbox_sealed", changes=sealed)

    def seal(self, org_id: UUID, source_id: UUID, delivery_id: str, change: dict[str, Any]) -> bytes:
        return self.sealer.seal(orjson.dumps(change), _bound(org_id, source_id, delivery_id))

    def opened(self, row: dict[str, Any]) -> dict[str, Any]:
        """A row's change (Unsealable: under another master key, or moved from another row)."""
        if row["sealed"] is None:
            raise Unsealable("the change is gone from the inbox")
        bound = _bound(row["org_id"], row["source_id"], row["delivery_id"])
        return orjson.loads(self.sealer.open(bytes(row["sealed"]), bound))  # type: ignore[no-any-return]

    def store(self, org_id: UUID, body_sha256: str, received_at: datetime, changes: list[InboxChange]) -> int:
        """Keep the changes, all or none, in one short transaction (one statement, one round trip, for a
        delivery of up to ``STATEMENT_ROWS`` changes); how many were new (the rest: a retry)."""
        if len(changes) <= STATEMENT_ROWS:
            with self.datastore.get_connection() as conn, conn.cursor() as curs:
                return self._insert(curs, org_id, body_sha256, received_at, changes)
        with self.datastore.transaction(commit=True) as curs:
            chunks = range(0, len(changes), STATEMENT_ROWS)
            return sum(
                self._insert(curs, org_id, body_sha256, received_at, changes[i : i + STATEMENT_ROWS]) for i in chunks
            )

    def _insert(self, curs: Any, org_id: UUID, body_sha256: str, received_at: datetime,
                changes: list[InboxChange]) -> int:  # fmt: skip
        if not changes:
            return 0
        rows = sql.SQL(", ").join(sql.SQL("(%s, %s, %s, %s, %s, %s, %s, %s)") for _ in changes)
        params = [value for c in changes for value in (
            org_id, c.source_id, c.channel_id, c.platform, c.delivery_id, body_sha256,
            self.seal(org_id, c.source_id, c.delivery_id, c.change), received_at)]  # fmt: skip
        curs.execute(
            sql.SQL(
                "INSERT INTO webhook_inbox (org_id, source_id, channel_id, platform, delivery_id, body_sha256, sealed,"
                " received_at) VALUES {} ON CONFLICT (source_id, delivery_id) DO NOTHING"
            ).format(rows),
            params,
        )
        return int(curs.rowcount)

    def claim(self, at: datetime, limit: int = 200) -> list[Claimed]:
        """The oldest pending changes, held for this worker for a while (another worker skips them).
        A change that does not open (another master key) is marked failed at once, saying so."""
        with self.datastore.transaction(commit=True) as curs:
            rows = curs.execute(
                "UPDATE webhook_inbox SET claimed_until = now() + make_interval(secs => %s) WHERE id IN ("
                " SELECT id FROM webhook_inbox WHERE state = 'pending'"
                " AND (claimed_until IS NULL OR claimed_until < now())"
                " ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED)"
                " RETURNING id, org_id, source_id, channel_id, platform, delivery_id, body_sha256, sealed,"
                " received_at",
                (CLAIM_SECONDS, limit),
            ).fetchall()
        claimed, unopened = [], []
        for row in sorted(rows, key=lambda r: r["id"]):
            try:
                claimed.append(Claimed(**{k: v for k, v in row.items() if k != "sealed"}, change=self.opened(row)))
            except Unsealable as error:
                unopened.append((row["id"], str(error)))
        for id_, why in unopened:
            self._finish([id_], "failed", f"Unsealable: {why}", at)
        return claimed

    def processed(self, ids: list[int], at: datetime) -> None:
        """Captured: the change's content is in the record now, so it is destroyed here."""
        self._finish(ids, "processed", None, at)

    def failed(self, ids: list[int], reason: str, at: datetime) -> None:
        self._finish(ids, "failed", reason[:2000], at)

    def _finish(self, ids: list[int], state: str, reason: str | None, at: datetime) -> None:
        if not ids:
            return
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                "UPDATE webhook_inbox SET state = %s, reason = %s, finished_at = %s,"
                " claimed_until = NULL, sealed = CASE WHEN %s = 'processed' THEN NULL ELSE sealed END"
                " WHERE id = ANY(%s)",
                (state, reason, at, state, ids),
            )

    def states(self) -> dict[str, Any]:
        """Counts by state, and the receipt time of the oldest change not yet processed."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            rows = curs.execute("SELECT state, count(*) AS n FROM webhook_inbox GROUP BY state").fetchall()
            oldest = curs.execute("SELECT min(received_at) AS at FROM webhook_inbox WHERE state = 'pending'").fetchone()
        return {"counts": {row["state"]: row["n"] for row in rows}, "oldest_pending": oldest["at"] if oldest else None}


def _bound(org_id: UUID, source_id: UUID, delivery_id: str) -> bytes:
    return f"webhook-inbox/{org_id}/{source_id}/{delivery_id}".encode()
