"""What PostgreSQL cannot store is never sent: U+0000 (NUL), which no text or jsonb value can
hold, becomes U+FFFD (the replacement character) in every string this process sends — statement
parameters and COPY rows alike — and every instant is sent in UTC (no offset it cannot hold). The domain refuses control characters at the boundary;
this is for what the log already holds (older events, other writers), so that a projection never
stops on a value the log could store (as bytes) and its tables cannot. The log keeps its bytes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson
import psycopg
from psycopg.types.datetime import DatetimeDumper
from psycopg.types.string import StrBinaryDumper, StrDumper, StrDumperUnknown

NUL = "\x00"
REPLACEMENT = "\ufffd"


def storable_text(value: str) -> str:
    return value.replace(NUL, REPLACEMENT) if NUL in value else value


def storable(value: Any) -> Any:
    """``value`` (a JSON-like structure of dicts, lists and strings) with every string storable,
    keys included: for values that reach PostgreSQL as JSON text (jsonb rejects ``\\u0000`` too)."""
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [storable(v) for v in value]
    return value


def storable_json(value: Any, default: Callable[[Any], Any] | None = None) -> str:
    """``value`` as JSON text with every string storable (``storable``), serialised once: orjson
    writes a NUL as ``\\u0000``, so only a text that holds one is made again from a cleaned value
    (the walk over every string was 9 % of the audit trail's profiled rebuild)."""
    text = orjson.dumps(value, default=default)
    if b"\\u0000" in text:
        text = orjson.dumps(storable(value), default=default)
    return text.decode()


class _Storable:
    def dump(self, obj: str) -> Any:
        return super().dump(storable_text(obj))  # type: ignore[misc]  # a mixin: the dumper it is mixed into has dump()


class StorableStrDumper(_Storable, StrDumper):
    pass


class StorableStrDumperUnknown(_Storable, StrDumperUnknown):
    pass


class StorableStrBinaryDumper(_Storable, StrBinaryDumper):
    pass


class StorableDatetimeDumper(DatetimeDumper):
    """An instant is sent in UTC: an offset beyond PostgreSQL's ±15:59 (which Python allows, and an
    event recorded before the domain bounded offsets may hold) is then no reason to stop."""

    def dump(self, obj: Any) -> Any:
        return super().dump(obj.astimezone(UTC) if obj.tzinfo is not None else obj)


def install() -> None:
    """Register the dumpers on psycopg's global adapters, for every connection made afterwards:
    call it before the first connection is opened (the runtime does, first thing)."""
    # The order is psycopg's own: the last one registered for str (unknown oid, text) is what `%s` uses.
    for dumper in (StorableStrBinaryDumper, StorableStrDumper, StorableStrDumperUnknown):
        psycopg.adapters.register_dumper(str, dumper)
    psycopg.adapters.register_dumper(datetime, StorableDatetimeDumper)
