"""The shape every projection follows: the library's 9.5 projection API (a ``Projection`` whose
``view`` is a ``PostgresTrackingRecorder``), extended so that a batch of events is applied and
tracked in one transaction, with one tracking write per batch."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.projection import Projection
from eventsourcing.utils import resolve_topic
from psycopg import Cursor, sql

from projections.core.bulk import BulkWrites, TableShape
from projections.core.temporal import Versioned, set_position

Query = str | sql.SQL | sql.Composed
"""A view's query: plain text, or composed with identifiers (a table named by ``as_of``)."""


class View(PostgresTrackingRecorder):
    """A projection's tables and tracking position. Subclasses name their tables and the
    statements that create them, and add query methods that read only their own tables."""

    name: ClassVar[str]
    tables: ClassVar[tuple[str, ...]]
    create_statements: ClassVar[tuple[str, ...]]
    versioned: ClassVar[tuple[Versioned, ...]] = ()
    """Tables whose every version is kept by log position, for reads as of any position."""
    bulk_tables: ClassVar[dict[str, tuple[str, ...]]] = {}
    """Tables (with their key columns) that the projection writes set-based (``projections/core/bulk.py``)."""

    def __init__(self, datastore: PostgresDatastore):
        super().__init__(datastore, tracking_table_name=f"{self.name}_tracking")
        self._bulk_shapes: dict[str, TableShape] | None = None
        statements = [*self.create_statements, *(s for v in self.versioned for s in v.create_statements())]
        self.sql_create_statements.extend(sql.Composed([sql.SQL(statement)]) for statement in statements)

    def bulk_writes(self, curs: Cursor[Any]) -> BulkWrites:
        """A fresh set of the bulk tables' rows for one batch (their shapes read once)."""
        if self._bulk_shapes is None:
            self._bulk_shapes = {table: TableShape.read(curs, table, key) for table, key in self.bulk_tables.items()}
        return BulkWrites(self._bulk_shapes, {v.table for v in self.versioned})

    def position(self, application_name: str) -> int:
        return self.max_tracking_id(application_name) or 0

    def reset(self, application_name: str) -> None:
        """Empty the view and its tracking position, so that it is rebuilt from zero."""
        with self.datastore.transaction(commit=True) as curs:
            for table in (*self.tables, *(v.history for v in self.versioned)):
                curs.execute(sql.SQL("TRUNCATE {}").format(sql.Identifier(table)))
            curs.execute(
                sql.SQL("DELETE FROM {} WHERE application_name = %s").format(sql.Identifier(self.tracking_table_name)),
                (application_name,),
            )

    def fetch_all(self, query: Query, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(query, params)
            return list(curs.fetchall())

    def fetch_one(self, query: Query, params: Sequence[Any] | dict[str, Any] = ()) -> dict[str, Any] | None:
        rows = self.fetch_all(query, params)
        return rows[0] if rows else None


TView = TypeVar("TView", bound=View)


Handler = Callable[[Any, Any, Cursor[Any], int], None]


KeysOf = Callable[[Any], Iterable[Any]]
"""Which rows of a bulk table an event's handler reads or changes: their keys, from the event."""


def own_record(event: Any) -> tuple[Any, ...]:
    """The row of the event's own record (its aggregate's id)."""
    return (event.originator_id,)


def key(field: str) -> KeysOf:
    """The row that one of the event's fields names."""
    return lambda event: (getattr(event, field),)


def handles(*event_classes: type, reads: str | None = None, keys: KeysOf = own_record) -> Callable[[Handler], Handler]:
    """Mark a projection method as the handler of these event classes (and their subclasses).
    ``reads``: the bulk table whose existing rows the handler reads or changes, ``keys`` which of
    them; a batch reads those rows before its handlers run (``BatchProjection.prefetch``)."""

    def mark(method: Handler) -> Handler:
        # Marks on the function itself, read back when the projection class is made.
        method._handles = event_classes  # type: ignore[attr-defined]  # a mark on the function, read back below
        method._reads = (reads, keys) if reads else None  # type: ignore[attr-defined]  # the same
        return method

    return mark


class BatchProjection(Projection[TView], Generic[TView]):
    """Applies events to its view through methods marked ``@handles(EventClass)``. An event
    the projection does not handle still advances the tracking position."""

    view_class: ClassVar[type[View]]
    # True: the runner hands ``process_batch`` the raw stored notifications (exactly as stored,
    # not decoded) instead of domain events; the log's hash tree needs the stored bytes.
    raw_notifications: ClassVar[bool] = False
    reads_sealed_content: ClassVar[bool] = True
    """False: the projection never reads an event's sealed content fields (``retention.crypto.content``),
    so the runner hands it events whose content is left sealed (not decrypted)."""
    gather_seconds: ClassVar[float] = 0.005
    """How long a worker lets new events gather after a wake-up before reading them: a few ms let
    the events of a burst of commands go into one transaction (and the workers woken together read
    the log once); a projection nobody reads while writing (the hash tree) waits longer."""
    _handlers: ClassVar[dict[type, Handler]] = {}
    _rows_read: ClassVar[dict[type, tuple[str, KeysOf]]] = {}
    """The bulk rows each handled event class's handler reads: kept with the class, so that a
    handler wrapped later (a test's, a decorator's) still has its rows read for it."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._handlers, cls._rows_read = {}, {}
        for klass in reversed(cls.__mro__):
            for member in vars(klass).values():
                reads = getattr(member, "_reads", None)
                for event_class in getattr(member, "_handles", ()):
                    cls._handlers[event_class] = member
                    if reads is None:
                        cls._rows_read.pop(event_class, None)
                    else:
                        cls._rows_read[event_class] = reads
        bulk = getattr(cls, "view_class", View).bulk_tables
        unknown = {table for table, _ in cls._rows_read.values()} - bulk.keys()
        if unknown:
            raise TypeError(f"{cls.__name__}: handlers read {', '.join(sorted(unknown))}, not bulk tables of its view")

    def __init__(self, view: TView):
        super().__init__(view)
        self._dispatch_cache: dict[type, Handler | None] = {}
        self._rows_read_cache: dict[type, tuple[str, KeysOf] | None] = {}
        self._wanted_topics: dict[str, bool] = {}
        bulk = view.bulk_tables
        # Only writes to versioned tables by SQL statements need the position set for the trigger.
        self._sets_position = any(v.table not in bulk for v in view.versioned)
        self.writes: BulkWrites | None = None
        """The batch's set-based tables while a batch is applied (handlers use ``self.rows``)."""

    def rows(self, table: str) -> Any:
        """The batch's rows of a bulk table (``projections.core.bulk.Rows``)."""
        assert self.writes is not None, "rows() is for handlers, while a batch is applied"
        return self.writes.rows(table)

    def prefetch(self, events: Sequence[tuple[Any, int]]) -> dict[str, set[Any]]:
        """For each bulk table, the keys of the rows this batch may read or change (read in one
        query before the handlers run), as each event's handler declares them (``@handles(…,
        reads=table, keys=…)``). Rows a batch only inserts need not be named."""
        wanted: dict[str, set[Any]] = {table: set() for table in self.view.bulk_tables}
        for event, _ in events:
            reads = self.rows_read_by(type(event))
            if reads is not None:
                table, keys_of = reads
                wanted[table].update(keys_of(event))
        return wanted

    def rows_read_by(self, event_class: type) -> tuple[str, KeysOf] | None:
        """The bulk table, and which of its rows, that the handler of ``event_class`` reads."""
        try:
            return self._rows_read_cache[event_class]
        except KeyError:
            handled = next((k for k in event_class.__mro__ if k in self._handlers), None)
            found = self._rows_read.get(handled) if handled is not None else None
            self._rows_read_cache[event_class] = found
            return found

    def handler_for(self, event_class: type) -> Handler | None:
        try:
            return self._dispatch_cache[event_class]
        except KeyError:
            found = next((self._handlers[k] for k in event_class.__mro__ if k in self._handlers), None)
            self._dispatch_cache[event_class] = found
            return found

    def wants(self, topic: str) -> bool:
        """Whether events of this topic change the view, so that others need not be decoded."""
        wanted = self._wanted_topics.get(topic)
        if wanted is None:
            wanted = self.handler_for(resolve_topic(topic)) is not None
            self._wanted_topics[topic] = wanted
        return wanted

    def apply(self, event: Any, curs: Cursor[Any], position: int) -> None:
        handler = self.handler_for(type(event))
        if handler is not None:
            if self._sets_position:
                set_position(curs, position)
            handler(self, event, curs, position)

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.process_batch([(domain_event, tracking.notification_id)], tracking)

    def process_batch(self, events: Sequence[tuple[Any, int]], tracking: Tracking) -> None:
        """Apply ``events`` (each with its log position) and record ``tracking`` (the position
        the batch read up to, which may be past its last handled event) in one transaction."""
        if not events:
            # Nothing to apply: the tracking write alone, one statement (atomic by itself).
            with self.view.datastore.get_connection() as conn, conn.cursor() as curs:
                self.view._insert_tracking(curs, tracking)
            return
        if not self.view.bulk_tables:
            with self.view.datastore.get_connection() as conn, conn.pipeline() as pipeline, conn.transaction():
                with conn.cursor() as curs:
                    for event, position in events:
                        self.apply(event, curs, position)
                # The tracking insert reads its RETURNING row: sync first and use a cursor of its own,
                # so that it never reads a result left over from the batch's pipelined statements.
                pipeline.sync()
                with conn.cursor() as curs:
                    self.view._insert_tracking(curs, tracking)
            return
        barriers = self.barrier_events
        with self.view.datastore.get_connection() as conn, conn.transaction():
            segment: list[tuple[Any, int]] = []
            for event, position in events:
                if barriers and isinstance(event, barriers):
                    self._apply_set_based(conn, segment)
                    segment = []
                    with conn.cursor() as curs:
                        # Rows the batch changed so far are written; this event's statements see them.
                        if self.view.versioned:
                            set_position(curs, position)
                        handler = self.handler_for(type(event))
                        if handler is not None:
                            handler(self, event, curs, position)
                else:
                    segment.append((event, position))
            self._apply_set_based(conn, segment)
            with conn.cursor() as curs:
                self.view._insert_tracking(curs, tracking)

    barrier_events: ClassVar[tuple[type, ...]] = ()
    """Events whose handlers write the bulk tables (or their history) by SQL statements, such as a
    disposal overwriting content in every version: the rows changed before one are written first."""

    def _apply_set_based(self, conn: Any, events: Sequence[tuple[Any, int]]) -> None:
        if not events:
            return
        with conn.cursor() as curs:
            writes = self.view.bulk_writes(curs)
            writes.load(curs, self.prefetch(events))
        self.writes = writes
        try:
            # Statements of handlers that write other tables stay pipelined; the bulk tables'
            # rows change in Python and are written after them (no table is written both ways).
            with conn.pipeline() as pipeline, conn.cursor() as curs:
                for event, position in events:
                    self.apply(event, curs, position)
                pipeline.sync()
        finally:
            self.writes = None
        with conn.cursor() as curs:
            writes.flush(curs)
