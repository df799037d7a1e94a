"""Large saves inserted by COPY, under the same rules as the one-statement insert.

A save of hundreds of events (a bulk capture's chunk, an import's batch) spent most of its insert
in psycopg's Python dumping of the statement's four arrays, element by element. COPY in binary
format writes the same rows from psycopg's C code. The rules of ``{events table}_insert`` hold,
in the same order and in one transaction: ``lock_timeout`` set for the transaction only, the
log's ``EXCLUSIVE`` lock taken before any id is drawn and held until the commit (so commit order
is notification-id order), the ``NOTIFY`` delivered on commit and only then. The ids are read
back in the order the rows were written: while the lock is held nobody else inserts, and the
sequence gives each row of the COPY a larger id than the one before it, so the rows above the
highest id before the COPY are ours, in order. Any error rolls the whole transaction back and
reaches the caller as the one-statement insert's would (the datastore maps psycopg's errors).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from eventsourcing.persistence import StoredEvent
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier, Literal

COPY_FROM_EVENTS = 64
"""A save of at least this many events goes by COPY: below it the one statement's fewer round
trips (one against five) weigh more than the dumping of its arrays."""


class CopyInsert:
    """The statements of one events table's COPY insert, rendered once."""

    def __init__(self, schema: str, table: str, channel: str, id_type: str, lock_timeout: str):
        log = SQL("{}.{}").format(Identifier(schema), Identifier(table))
        self.before = (
            SQL(
                "SELECT set_config('lock_timeout', {timeout}, true); LOCK TABLE {log} IN EXCLUSIVE MODE; "
                "NOTIFY {channel}; SELECT COALESCE(max(notification_id), 0) FROM {log}"
            )
            .format(timeout=Literal(lock_timeout), log=log, channel=Identifier(channel))
            .as_bytes(None)
        )
        self.copy = (
            SQL("COPY {log} (originator_id, originator_version, topic, state) FROM STDIN (FORMAT BINARY)")
            .format(log=log)
            .as_bytes(None)
        )
        self.types = [id_type, "int8", "text", "bytea"]
        self.ids = (
            SQL("SELECT notification_id FROM {log} WHERE notification_id > %s ORDER BY notification_id")
            .format(log=log)
            .as_bytes(None)
        )

    def __call__(self, conn: psycopg.Connection[Any], stored_events: Sequence[StoredEvent]) -> list[int]:
        with conn.transaction(), conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(self.before)  # four statements in one round trip (no parameters: the simple protocol)
            while curs.nextset():  # the last result is the highest id before ours
                pass
            row = curs.fetchone()
            highest_before = row[0] if row else 0
            with curs.copy(self.copy) as copy:
                copy.set_types(self.types)
                try:
                    for event in stored_events:
                        copy.write_row((event.originator_id, event.originator_version, event.topic, event.state))
                except (OverflowError, TypeError, ValueError) as error:
                    # Refused here, not by the server (the binary format is written in Python's process):
                    # the error the one-statement insert's server would have given, and nothing stored.
                    raise psycopg.DataError(f"a value of the save does not fit its column: {error}") from error
            return [row[0] for row in curs.execute(self.ids, (highest_before,), prepare=True)]
