"""Every version of a projection's rows, keyed by log position, so that a view can be read as
it stood at any position without replaying the log (point-in-time reconstruction).

A trigger on a versioned table copies each new row into ``<table>_history`` with ``version_from``
set to the position of the event being applied, and closes the row's previous version
(``version_to``). The projection tells the trigger that position through the transaction-local
setting ``kanalarkiv.position``; a write without it is refused, so no version can go missing.
A projection that writes a batch set-based writes the same history rows itself (``bulk.py``).
Reading as of position P means reading the rows with ``version_from <= P < version_to``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psycopg import Cursor, sql

POSITION_SETTING = "kanalarkiv.position"
HISTORY_WRITTEN = "kanalarkiv.history_written"
"""Transaction-local: 'on' while a projection writes the history rows itself, set-based
(``projections/core/bulk.py``); the trigger then stands aside for the statements it sends."""


@dataclass(frozen=True)
class Versioned:
    table: str
    key: tuple[str, ...]
    lookups: tuple[tuple[str, ...], ...] = ()
    """Columns the as-of queries filter on, each tuple indexed together with ``version_from``."""

    @property
    def history(self) -> str:
        return f"{self.table}_history"

    def create_statements(self) -> list[str]:
        table, history = self.table, self.history
        same_key = " AND ".join(f"{c} = OLD.{c}" for c in self.key)
        statements = [
            f"CREATE TABLE IF NOT EXISTS {history} (LIKE {table})",
            f"ALTER TABLE {history} ADD COLUMN IF NOT EXISTS version_from bigint NOT NULL",
            f"ALTER TABLE {history} ADD COLUMN IF NOT EXISTS version_to bigint",
            f"CREATE INDEX IF NOT EXISTS {history}_key_idx ON {history} ({', '.join(self.key)}, version_to)",
            f"""CREATE OR REPLACE FUNCTION {table}_versioned() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                log_position bigint := NULLIF(current_setting('{POSITION_SETTING}', true), '')::bigint;
            BEGIN
                IF current_setting('{HISTORY_WRITTEN}', true) = 'on' THEN
                    RETURN NULL;
                END IF;
                IF log_position IS NULL THEN
                    RAISE EXCEPTION '{table} is versioned: write it only from its projection, which sets {POSITION_SETTING}';
                END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') THEN
                    UPDATE {history} SET version_to = log_position WHERE {same_key} AND version_to IS NULL;
                END IF;
                IF TG_OP IN ('INSERT', 'UPDATE') THEN
                    INSERT INTO {history} SELECT NEW.*, log_position, NULL;
                END IF;
                RETURN NULL;
            END $$""",
            f"DROP TRIGGER IF EXISTS {table}_versioned ON {table}",
            f"CREATE TRIGGER {table}_versioned AFTER INSERT OR UPDATE OR DELETE ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION {table}_versioned()",
        ]
        for columns in self.lookups:
            name = f"{history}_{'_'.join(columns)}_idx"
            statements.append(f"CREATE INDEX IF NOT EXISTS {name} ON {history} ({', '.join(columns)}, version_from)")
        return statements


def source(table: str, as_of: int | None) -> sql.Composable:
    """The table itself, or its rows as they stood at log position ``as_of`` under the same name."""
    if as_of is None:
        return sql.Identifier(table)
    return sql.SQL(
        "(SELECT * FROM {history} WHERE version_from <= {p} AND (version_to IS NULL OR version_to > {p})) AS {t}"
    ).format(history=sql.Identifier(f"{table}_history"), p=sql.Literal(int(as_of)), t=sql.Identifier(table))


def as_of_query(query: str, table: str, as_of: int | None) -> sql.Composed:
    """``query`` with its ``{}`` reading ``table`` as it stood at log position ``as_of`` (none: now)."""
    return sql.SQL(query).format(source(table, as_of))


def source_sql(table: str, as_of: int | None) -> str:
    """``source`` as plain SQL text, for queries assembled from fixed fragments."""
    if as_of is None:
        return table
    position = int(as_of)
    return (
        f"(SELECT * FROM {table}_history WHERE version_from <= {position}"
        f" AND (version_to IS NULL OR version_to > {position})) AS {table}"
    )


def set_position(curs: Cursor[Any], position: int) -> None:
    curs.execute("SELECT set_config(%s, %s, true)", (POSITION_SETTING, str(position)))
