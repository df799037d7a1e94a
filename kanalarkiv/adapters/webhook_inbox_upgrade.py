"""The one upgrade step of the webhook inbox: a table made before its changes were sealed holds
them in plain, in the column ``change`` (pending, and failed ones kept for a person). At the first
start after the upgrade each is sealed into ``sealed``, the plain column is dropped, and the table
is rewritten (``VACUUM FULL``), so that the plain values are gone from its files too, not just from
SQL's sight (WAL files, replicas and backups made before keep them until they are recycled). Under
an exclusive lock, so that two processes starting at once seal each row once and no delivery is
kept in plain meanwhile. The rewrite is owed until it is done: the sealing marks the table, and
every start rewrites a marked table and then clears the mark (a rewrite that failed, say for want
of disk, is tried again at the next start)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.postgres import PostgresDatastore
from psycopg import sql

Seal = Callable[[UUID, UUID, str, dict[str, Any]], bytes]
PLAIN_COLUMN = (
    "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()"
    " AND table_name = 'webhook_inbox' AND column_name = 'change'"
)


REWRITE_OWED = "kanalarkiv: plain changes sealed; the table's files still hold them until VACUUM FULL"
MARK = "SELECT obj_description('webhook_inbox'::regclass, 'pg_class') AS mark"


def seal_plain_changes(datastore: PostgresDatastore, seal: Seal) -> int | None:
    """How many plain changes were sealed; None when the table had no plain column (the usual case)."""
    sealed = _seal(datastore, seal)
    with datastore.get_connection() as conn:
        row = conn.execute(MARK).fetchone()
        if row is not None and row["mark"] == REWRITE_OWED:
            conn.execute("VACUUM FULL webhook_inbox")  # autocommit: VACUUM runs outside a transaction
            conn.execute("COMMENT ON TABLE webhook_inbox IS NULL")
    return sealed


def _seal(datastore: PostgresDatastore, seal: Seal) -> int | None:
    with datastore.get_connection() as conn, conn.cursor() as curs:
        if curs.execute(PLAIN_COLUMN).fetchone() is None:
            return None
    with datastore.transaction(commit=True) as curs:
        curs.execute("LOCK TABLE webhook_inbox IN ACCESS EXCLUSIVE MODE")
        if curs.execute(PLAIN_COLUMN).fetchone() is None:
            return None  # another process sealed them while this one waited for the lock
        rows = curs.execute(
            "SELECT id, org_id, source_id, delivery_id, change FROM webhook_inbox WHERE change IS NOT NULL"
        ).fetchall()
        curs.executemany(
            "UPDATE webhook_inbox SET sealed = %s, change = NULL WHERE id = %s",
            [(seal(row["org_id"], row["source_id"], row["delivery_id"], row["change"]), row["id"]) for row in rows],
        )
        curs.execute("ALTER TABLE webhook_inbox DROP COLUMN change")
        curs.execute(sql.SQL("COMMENT ON TABLE webhook_inbox IS {}").format(sql.Literal(REWRITE_OWED)))
    return len(rows)
