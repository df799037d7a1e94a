"""A person's part of the webhook inbox: the changes the worker could not capture, listed (their
content opened only when asked, for the organisation's own staff), retried (pending again: the
worker takes them as any other, and the capture core records nothing it holds already), or
dismissed with a reason; and the rows done with pruned (a captured change is in the record, a
dismissal in the log: the inbox is a queue, not the record)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from kanalarkiv.adapters.sealer import Unsealable
from kanalarkiv.adapters.webhook_inbox import WebhookInbox

COLUMNS = (
    "id, org_id, source_id, channel_id, platform, delivery_id, received_at, state, finished_at, reason, retries,"
    " retried_at, retried_by, dismissed_at, dismissed_by, dismissal_reason"
)
LISTED = 1000  # the oldest so many; a person does not read more at once


@dataclass(frozen=True)
class InboxRow:
    """One change as a person sees it: where it came from, when, what became of it; ``change`` is
    its content, opened only when asked (None otherwise, and once captured or pruned)."""

    id: int
    org_id: UUID
    source_id: UUID
    channel_id: UUID
    platform: str
    delivery_id: str
    received_at: datetime
    state: str
    finished_at: datetime | None
    reason: str | None
    retries: int
    retried_at: datetime | None
    retried_by: str | None
    dismissed_at: datetime | None
    dismissed_by: str | None
    dismissal_reason: str | None
    change: dict[str, Any] | None = None


class InboxCare:
    def __init__(self, inbox: WebhookInbox):
        self.inbox = inbox
        self.datastore = inbox.datastore

    def failed(self, org_id: UUID | None, content: bool = False) -> list[InboxRow]:
        """The failed changes, oldest first: of one organisation, or (None) of all."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            rows = curs.execute(
                f"SELECT {COLUMNS}{', sealed' if content else ''} FROM webhook_inbox WHERE state = 'failed'"
                " AND (%s::uuid IS NULL OR org_id = %s) ORDER BY id LIMIT %s",
                (org_id, org_id, LISTED),
            ).fetchall()
        return [self._row(row, content) for row in rows]

    def one(self, change_id: int) -> InboxRow | None:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            row = curs.execute(f"SELECT {COLUMNS} FROM webhook_inbox WHERE id = %s", (change_id,)).fetchone()
        return None if row is None else InboxRow(**row)

    def retry(self, org_id: UUID | None, change_id: int | None, by: str, at: datetime) -> list[int]:
        """Failed changes (one, or all of an organisation, or all) pending again; the ids retried."""
        with self.datastore.transaction(commit=True) as curs:
            rows = curs.execute(
                "UPDATE webhook_inbox SET state = 'pending', claimed_until = NULL, finished_at = NULL,"
                " retries = retries + 1, retried_at = %s, retried_by = %s WHERE state = 'failed'"
                " AND (%s::uuid IS NULL OR org_id = %s) AND (%s::bigint IS NULL OR id = %s) RETURNING id",
                (at, by, org_id, org_id, change_id, change_id),
            ).fetchall()
        return sorted(row["id"] for row in rows)

    def dismiss(self, change_id: int, by: str, reason: str, at: datetime) -> bool:
        """Whether the change was failed and is dismissed now (its content kept sealed until pruned)."""
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                "UPDATE webhook_inbox SET state = 'dismissed', dismissed_at = %s, dismissed_by = %s,"
                " dismissal_reason = %s WHERE id = %s AND state = 'failed'",
                (at, by, reason, change_id),
            )
            return bool(curs.rowcount)

    def prune(self, before: datetime, org_id: UUID | None) -> int:
        """Delete the captured changes finished, and the dismissed ones dismissed, before ``before``
        (with what a dismissed one still held sealed); how many. Pending and failed ones stay."""
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                "DELETE FROM webhook_inbox WHERE (%s::uuid IS NULL OR org_id = %s) AND ("
                " (state = 'processed' AND finished_at < %s) OR (state = 'dismissed' AND dismissed_at < %s))",
                (org_id, org_id, before, before),
            )
            return int(curs.rowcount)

    def _row(self, row: dict[str, Any], content: bool) -> InboxRow:
        if not content:
            return InboxRow(**row)  # the sealed bytes were not read
        fields = {k: v for k, v in row.items() if k != "sealed"}
        try:
            return InboxRow(**fields, change=self.inbox.opened(row))
        except Unsealable:
            return InboxRow(**fields)  # the reason says so (it was marked failed for it)
