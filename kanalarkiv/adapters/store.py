"""The event store: the library's PostgreSQL infrastructure with three changes, all for speed.

**One statement per save.** The library's recorder pipelines ``SET LOCAL lock_timeout``, the
table lock, the NOTIFY and the insert, but psycopg's ``conn.transaction()`` in pipeline mode syncs
on its own (after ``BEGIN``, after the statements, after ``COMMIT`` and on leaving the pipeline),
so one save took four or five round trips and held the log's EXCLUSIVE lock across two of them,
and each pipelined statement costs psycopg tens of microseconds of Python. Our recorder calls one
function, ``{events table}_insert`` (created with the tables, as the library creates its own
``es_insert_events``), in autocommit mode: the call is its own transaction, one round trip. The
function does what the library's statements do, in the same order: ``set_config('lock_timeout',
…, true)`` (``SET LOCAL``), ``LOCK TABLE … IN EXCLUSIVE MODE``, ``NOTIFY`` on the log's channel,
``INSERT … SELECT … FROM unnest(…) RETURNING notification_id``. So every guarantee holds: the lock
is taken before the insert draws its ids and held until the commit (commit order = notification
order), the NOTIFY is delivered on commit and only then, the notification ids are returned in
order, and any error aborts the whole statement, nothing stored, the error mapped as the library
maps it (a conflict on ``(originator_id, originator_version)`` is ``IntegrityError``; a lost
connection ``OperationalError``/``InterfaceError``, retried as the library retries). The library's
own function (``POSTGRES_ENABLE_DB_FUNCTIONS``) is not used because it takes no table lock.

Nothing is sent in pipeline mode (it was seen to stall on a Unix socket at about 800 kB); a save
of ``COPY_FROM_EVENTS`` or more goes by COPY under the same rules (``bulk_insert.py``).

**Saves that wait share a statement.** The log's lock lets one insert in at a time, and each
commit waits for its WAL flush while it holds the lock, so concurrent saves cannot share a flush
the way unlocked inserts do. Within one process they can: a save that arrives while another
thread's insert is under way waits; when that insert ends, one waiting thread inserts the events
of every save then waiting, in order, in one statement (one transaction, one flush), and hands
each save its own ids. If that statement fails for any reason but a lost connection, each of its
saves is inserted again alone, so a conflict fails only its own save and nothing of it is stored;
a lost connection fails them all and each caller's retry (the library's) tries again. A save never
returns before its events are committed, and a lone save (one client) is inserted at once.

Connections come from ``connections.Factory`` (its pool, its check and its session settings)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import InterfaceError, OperationalError, ProgrammingError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import retry
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

from kanalarkiv.adapters.bulk_insert import COPY_FROM_EVENTS, CopyInsert

if TYPE_CHECKING:
    from uuid import UUID


class EventRecorder(PostgresApplicationRecorder):
    """Inserts a save's events with one statement: a call of ``{table}_insert``, a function that
    takes the log's lock, sends the NOTIFY and inserts, in the statement's own transaction."""

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any):
        super().__init__(datastore, **kwargs)
        schema, table = Identifier(datastore.schema), Identifier(self.events_table_name)
        self.insert_function_name = f"{self.events_table_name}_insert"
        self.check_identifier_length(self.insert_function_name)
        function = Identifier(datastore.schema, self.insert_function_name)
        self.sql_create_statements.append(
            SQL(
                "CREATE OR REPLACE FUNCTION {function}("
                "ids {id_type}[], versions bigint[], topics text[], states bytea[], lock_timeout text) "
                "RETURNS SETOF bigint LANGUAGE plpgsql AS $BODY$ "
                "BEGIN "
                # The library's _lock_table and _notify_channel, in this statement's transaction: the
                # lock is held until it commits, so commit order is notification-id order.
                "PERFORM set_config('lock_timeout', lock_timeout, true); "
                "LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE; "
                "NOTIFY {channel}; "
                "RETURN QUERY INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state) "
                "SELECT * FROM unnest(ids, versions, topics, states) RETURNING notification_id; "
                "END; $BODY$"
            ).format(
                function=function,
                id_type=Identifier(datastore.originator_id_type),
                schema=schema,
                table=table,
                channel=Identifier(self.channel_name),
            )
        )
        # Statements rendered once (psycopg caches the parsing of a query given as bytes; a composed
        # query would be rendered again on every execution).
        self.call_insert_function = (
            SQL(
                "SELECT notification_id FROM {function}(%s::{id_type}[], %s::bigint[], %s::text[], %b::bytea[], %s::text) "
                "AS notification_id"
            )
            .format(function=function, id_type=Identifier(datastore.originator_id_type))
            .as_bytes(None)
        )
        self.lock_timeout_setting = f"{datastore.lock_timeout}s"
        self.copy_insert = CopyInsert(
            datastore.schema,
            self.events_table_name,
            self.channel_name,
            datastore.originator_id_type,
            self.lock_timeout_setting,
        )
        self._select_events_statements: dict[tuple[bool, bool, bool, bool], bytes] = {}
        # Saves from threads of this process that wait while another thread's insert is under way.
        self._saves = threading.Condition()
        self._waiting: list[_Request] = []
        self._leading = False
        # The library types it as Composed; rendered once to bytes, which execute() takes as well.
        self.max_notification_id_statement = self.max_notification_id_statement.as_bytes(None)  # type: ignore[assignment]  # (above)

    def _select_events_statement(self, gt: bool, lte: bool, desc: bool, limit: bool) -> bytes:
        """The library's ``select_events`` statement for these arguments, the same text, rendered once."""
        key = (gt, lte, desc, limit)
        if key not in self._select_events_statements:
            statement = self.select_events_statement
            if gt:
                statement += SQL(" AND originator_version > %s")
            if lte:
                statement += SQL(" AND originator_version <= %s")
            statement += SQL(" ORDER BY originator_version") + SQL(" DESC" if desc else " ASC")
            if limit:
                statement += SQL(" LIMIT %s")
            self._select_events_statements[key] = statement.as_bytes(None)
        return self._select_events_statements[key]

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def select_events(
        self,
        originator_id: UUID | str,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        statement = self._select_events_statement(gt is not None, lte is not None, desc, limit is not None)
        params = [originator_id, *(value for value in (gt, lte, limit) if value is not None)]
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(statement, params, prepare=True)
            return [
                StoredEvent(
                    originator_id=row["originator_id"],
                    originator_version=row["originator_version"],
                    topic=row["topic"],
                    state=bytes(row["state"]),
                )
                for row in curs.fetchall()
            ]

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if not stored_events or self.datastore.enable_db_functions:
            ids: Sequence[int] | None = super().insert_events(stored_events, **kwargs)  # its @retry loses the type
            return ids
        request = _Request(stored_events)
        with self._saves:
            self._waiting.append(request)
            while self._leading and not request.finished:
                self._saves.wait()
            if request.finished:  # a leader inserted it
                return request.result()
            # No insert is under way and ours waits: lead one, of every save waiting.
            self._leading = True
            batch, self._waiting = self._waiting, []
        try:
            self._insert_batch(batch)
        finally:
            with self._saves:
                self._leading = False
                for unfinished in (r for r in batch if not r.finished):  # only if interrupted
                    unfinished.fail(OperationalError("the insert was interrupted before it finished"))
                self._saves.notify_all()
        return request.result()

    def _insert_batch(self, batch: list[_Request]) -> None:
        """Insert the events of several saves in one statement; if it fails, insert each save alone,
        so that a conflict fails only its own save. A lost connection fails each save as it is
        (each caller's retry tries again)."""
        if len(batch) > 1:
            try:
                ids = self._insert([event for request in batch for event in request.events])
            except (InterfaceError, OperationalError) as error:
                for request in batch:
                    request.fail(type(error)(str(error)), cause=error)
                return
            except Exception:  # noqa: BLE001 (one save's conflict or bad value: each alone, below)
                pass
            else:
                start = 0
                for request in batch:
                    request.succeed(ids[start : start + len(request.events)])
                    start += len(request.events)
                return
        for request in batch:
            try:
                request.succeed(self._insert(request.events))
            except Exception as error:  # noqa: BLE001 (raised in the caller's thread)
                request.fail(error)

    def _insert(self, stored_events: Sequence[StoredEvent]) -> list[int]:
        if len(stored_events) >= COPY_FROM_EVENTS:
            with self.datastore.get_connection() as conn:
                return self.copy_insert(conn, stored_events)
        params = (
            [event.originator_id for event in stored_events],
            [event.originator_version for event in stored_events],
            [event.topic for event in stored_events],
            [event.state for event in stored_events],
            self.lock_timeout_setting,
        )
        with self.datastore.get_connection() as conn:
            assert conn.autocommit  # the statement is its own transaction
            # One cursor per connection, kept on it (it goes with the connection): psycopg keeps the
            # dumpers of the statement's arrays on the cursor; a new cursor would build them again.
            curs = getattr(conn, "_kanalarkiv_insert_cursor", None)
            if curs is None or curs.closed:
                curs = conn._kanalarkiv_insert_cursor = conn.cursor(row_factory=tuple_row)  # type: ignore[attr-defined]  # ours, kept on it
            curs.execute(self.call_insert_function, params, prepare=True)
            notification_ids = [row[0] for row in curs.fetchall()]
        if len(notification_ids) != len(stored_events):  # pragma: no cover (INSERT … RETURNING gives each event a row)
            msg = f"Couldn't get all notification IDs (got {len(notification_ids)}, expected {len(stored_events)})"
            raise ProgrammingError(msg)
        return notification_ids


class _Request:
    """One save waiting to be inserted, and then its notification ids or its error."""

    __slots__ = ("error", "events", "finished", "ids")

    def __init__(self, events: Sequence[StoredEvent]):
        self.events = events
        self.finished = False
        self.ids: list[int] = []
        self.error: BaseException | None = None

    def succeed(self, ids: list[int]) -> None:
        self.ids, self.finished = ids, True

    def fail(self, error: BaseException, cause: BaseException | None = None) -> None:
        if cause is not None:
            error.__cause__ = cause
        self.error, self.finished = error, True

    def result(self) -> list[int]:
        if self.error is not None:
            raise self.error
        return self.ids
