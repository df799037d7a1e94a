"""Set-based writes for a projection's hottest tables: a batch's changes are applied to rows held
in Python and written in a handful of statements (one DELETE, one COPY, and for a versioned table
one UPDATE closing the previous versions and one COPY of every new version), instead of one or
two statements per event. A statement costs the server far more than the Python that replaces it.

How a projection uses it: its view names the tables in ``bulk_tables`` (their key columns); its
``@handles(…, reads=table)`` says which rows of them a batch may change; its handlers read and change
those rows through ``writes.rows(table)`` (``get``, ``insert``, ``update``) instead of SQL. A table
is written either this way or by SQL statements, never both in one projection. Each version of a
versioned row gets exactly the ``version_from``/``version_to`` the history trigger would have
given it (``projections/core/temporal.py``): the trigger stands aside while the batch writes the
history itself (``HISTORY_WRITTEN``, transaction-local)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from psycopg import Cursor, sql

from projections.core.temporal import HISTORY_WRITTEN


@dataclass(frozen=True)
class TableShape:
    """A table's writable columns (in order) and its key, read once from the catalogue."""

    table: str
    key: tuple[str, ...]
    columns: tuple[str, ...]
    key_types: tuple[str, ...]

    @cached_property
    def column_set(self) -> frozenset[str]:
        return frozenset(self.columns)

    @classmethod
    def read(cls, curs: Cursor[Any], table: str, key: tuple[str, ...]) -> TableShape:
        curs.execute(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
            " WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''"
            " ORDER BY a.attnum",
            (table,),
        )
        found = [
            (row[0], row[1]) if isinstance(row, tuple) else (row["attname"], row["format_type"])
            for row in curs.fetchall()
        ]
        types = dict(found)
        return cls(table, key, tuple(name for name, _ in found), tuple(types[k] for k in key))


@dataclass
class Rows:
    """One table's rows as a batch changes them: the rows it read before the batch, their
    current state, and every version written (with its log position), in order."""

    shape: TableShape
    versioned: bool
    current: dict[Any, dict[str, Any] | None] = field(default_factory=dict)
    existed: set[Any] = field(default_factory=set)
    versions: list[tuple[Any, dict[str, Any], int]] = field(default_factory=list)
    changed: dict[Any, int] = field(default_factory=dict)  # key -> position of its first change

    def key_of(self, row: dict[str, Any]) -> Any:
        key = self.shape.key
        return row[key[0]] if len(key) == 1 else tuple(row[k] for k in key)

    def load(self, curs: Cursor[Any], keys: Iterable[Any]) -> None:
        wanted = [k for k in set(keys) if k not in self.current]
        if not wanted:
            return
        columns = sql.SQL(", ").join(sql.Identifier(c) for c in self.shape.columns)
        key = self.shape.key
        if len(key) == 1:
            query = sql.SQL("SELECT {} FROM {} WHERE {} = ANY(%s)").format(
                columns, sql.Identifier(self.shape.table), sql.Identifier(key[0])
            )
            params: list[Any] = [wanted]
        else:
            query = sql.SQL("SELECT {} FROM {} WHERE ({}) IN (SELECT * FROM unnest({}))").format(
                columns,
                sql.Identifier(self.shape.table),
                sql.SQL(", ").join(map(sql.Identifier, key)),
                sql.SQL(", ").join(sql.SQL("%s::{}[]").format(sql.SQL(t)) for t in self.shape.key_types),
            )
            params = [[k[i] for k in wanted] for i in range(len(key))]
        curs.execute(query, params)
        for values in curs.fetchall():
            row = dict(zip(self.shape.columns, values if isinstance(values, tuple) else values.values(), strict=True))
            found = self.key_of(row)
            self.current[found] = row
            self.existed.add(found)
        for k in wanted:
            self.current.setdefault(k, None)

    def get(self, key: Any) -> dict[str, Any] | None:
        """The row as it stands at this point of the batch (None: no such row)."""
        try:
            return self.current[key]
        except KeyError:
            raise KeyError(f"{self.shape.table}: row {key!r} was not prefetched for this batch") from None

    def insert(self, row: dict[str, Any], position: int, if_absent: bool = False) -> bool:
        """Insert a new row (every writable column given); ``if_absent``: do nothing if the key
        exists (ON CONFLICT DO NOTHING), otherwise an existing key is an error, as an INSERT's."""
        if not row.keys() >= self.shape.column_set:
            missing = self.shape.column_set - row.keys()
            raise ValueError(f"{self.shape.table}: no value for {', '.join(sorted(missing))}")
        key = self.key_of(row)
        if self.current.get(key) is not None:
            if if_absent:
                return False
            raise ValueError(f"{self.shape.table}: a row with key {key!r} exists already")
        if key not in self.current and if_absent:
            raise KeyError(f"{self.shape.table}: row {key!r} was not prefetched for this batch")
        self._write(
            key, row if len(row) == len(self.shape.columns) else {c: row[c] for c in self.shape.columns}, position
        )
        return True

    def update(self, key: Any, position: int, **changes: Any) -> bool:
        """Change a row's columns, as ``UPDATE … WHERE key``: no row, no change (returns False)."""
        row = self.get(key)
        if row is None:
            return False
        self._write(key, {**row, **changes}, position)
        return True

    def _write(self, key: Any, row: dict[str, Any], position: int) -> None:
        self.current[key] = row
        self.changed.setdefault(key, position)
        if self.versioned:
            self.versions.append((key, row, position))

    def flush(self, curs: Cursor[Any]) -> None:
        if not self.changed:
            return
        table, columns = self.shape.table, self.shape.columns
        # Rows that existed before the batch and changed: replaced by their final state.
        replaced = [k for k in self.changed if k in self.existed]
        if replaced:
            self._by_keys(
                curs, "DELETE FROM {table} WHERE ({key}) IN (SELECT * FROM unnest({arrays}))", table, replaced
            )
        copy_into = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with curs.copy(copy_into) as copy:
            for k in self.changed:
                row = self.current[k]
                if row is not None:
                    copy.write_row([row[c] for c in columns])
        if not self.versioned:
            return
        history = f"{table}_history"
        if replaced:
            # Each replaced row's open version ends where the batch first changed it.
            self._by_keys(
                curs,
                "UPDATE {table} SET version_to = v.position FROM unnest({arrays}, %s::bigint[])"
                " AS v({key}, position) WHERE {match} AND {table}.version_to IS NULL",
                history,
                replaced,
                extra=[self.changed[k] for k in replaced],
            )
        copy_history = sql.SQL("COPY {} ({}, version_from, version_to) FROM STDIN").format(
            sql.Identifier(history), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        following: dict[Any, int] = {}
        ends: list[int | None] = []
        for k, _, position in reversed(self.versions):
            ends.append(following.get(k))
            following[k] = position
        ends.reverse()
        with curs.copy(copy_history) as copy:
            for (_, row, position), end in zip(self.versions, ends, strict=True):
                copy.write_row([*(row[c] for c in columns), position, end])

    def _by_keys(
        self, curs: Cursor[Any], template: str, table: str, keys: list[Any], extra: list[Any] | None = None
    ) -> None:
        key = self.shape.key
        arrays = [[k] if len(key) == 1 else list(k) for k in keys]
        params: list[Any] = [[a[i] for a in arrays] for i in range(len(key))]
        if extra is not None:
            params.append(extra)
        query = sql.SQL(template).format(
            table=sql.Identifier(table),
            key=sql.SQL(", ").join(map(sql.Identifier, key)),
            arrays=sql.SQL(", ").join(sql.SQL("%s::{}[]").format(sql.SQL(t)) for t in self.shape.key_types),
            match=sql.SQL(" AND ").join(
                sql.SQL("{}.{} = v.{}").format(sql.Identifier(table), sql.Identifier(c), sql.Identifier(c)) for c in key
            ),
        )
        curs.execute(query, params)


class BulkWrites:
    """A batch's set-based tables, created per batch from the shapes cached on the view."""

    def __init__(self, shapes: dict[str, TableShape], versioned: set[str]):
        self._rows = {name: Rows(shape, name in versioned) for name, shape in shapes.items()}

    def rows(self, table: str) -> Rows:
        return self._rows[table]

    def load(self, curs: Cursor[Any], wanted: Mapping[str, Iterable[Any]]) -> None:
        for table, keys in wanted.items():
            self._rows[table].load(curs, keys)

    def flush(self, curs: Cursor[Any]) -> None:
        if not any(r.changed for r in self._rows.values()):
            return
        curs.execute("SELECT set_config(%s, 'on', true)", (HISTORY_WRITTEN,))
        for rows in self._rows.values():
            rows.flush(curs)
        curs.execute("SELECT set_config(%s, 'off', true)", (HISTORY_WRITTEN,))
