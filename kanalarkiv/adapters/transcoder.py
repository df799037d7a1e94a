"""Stored events as canonical JSON bytes, encoded by orjson.

The bytes are canonical (keys sorted, no whitespace, UTC datetimes) because they are hashed
into the tamper-evident log and never rewritten: the same event must always give the same bytes.
Types JSON lacks are tagged ``{"_type_": name, "_data_": value}``, as the library's
``JSONTranscoder`` does, so that old stored events stay readable by it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import Transcoder, TranscodingNotRegisteredError

_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS


def _tag(name: str, data: Any) -> dict[str, Any]:
    return {"_type_": name, "_data_": data}


def _encode_value(value: Any) -> Any:
    # orjson would write UUIDs as plain strings, which would then decode as str.
    if isinstance(value, UUID):
        return _tag("uuid_hex", value.hex)
    if isinstance(value, datetime) and value.tzinfo is None:
        raise TypeError("naive datetimes are not stored; give every time a timezone")
    if isinstance(value, dict):
        return {key: _encode_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode_value(item) for item in value]
    return value


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return _tag("datetime_iso", value.isoformat())
    if isinstance(value, Decimal):
        return _tag("decimal_str", str(value))
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TranscodingNotRegisteredError(f"Object of type {type(value)} is not serializable")


_DECODERS: dict[str, Callable[[str], Any]] = {
    "uuid_hex": UUID,
    "datetime_iso": datetime.fromisoformat,
    "decimal_str": Decimal,
}


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 2 and "_type_" in value and "_data_" in value:
            try:
                return _DECODERS[value["_type_"]](value["_data_"])
            except KeyError:
                raise TranscodingNotRegisteredError(f"unknown stored type {value['_type_']!r}") from None
        return {key: _decode_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decode_value(item) for item in value]
    return value


class OrjsonTranscoder(Transcoder):
    """The library's Transcoder interface over orjson, writing canonical bytes."""

    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(_encode_value(obj), default=_default, option=_OPTIONS)

    def decode(self, data: bytes) -> Any:
        return _decode_value(orjson.loads(data))
