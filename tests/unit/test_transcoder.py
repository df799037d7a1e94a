"""Stored events are canonical bytes: the same event always gives the same bytes, and they
decode to the same values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from uuid import uuid4

import pytest

from kanalarkiv.adapters.transcoder import OrjsonTranscoder


def test_values_round_trip_with_their_types():
    transcoder = OrjsonTranscoder()
    state = {
        "id": uuid4(),
        "at": datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        "local": datetime(2026, 3, 1, 13, 0, tzinfo=timezone(timedelta(hours=1))),
        "amount": Decimal("1.50"),
        "nested": {"ids": [uuid4(), uuid4()], "text": "Hej åäö"},
        "n": 3,
        "none": None,
    }
    assert transcoder.decode(transcoder.encode(state)) == state


def test_bytes_are_canonical_whatever_the_key_order():
    transcoder = OrjsonTranscoder()
    one = transcoder.encode({"b": 1, "a": {"d": 2, "c": 3}})
    other = transcoder.encode({"a": {"c": 3, "d": 2}, "b": 1})
    assert one == other == b'{"a":{"c":3,"d":2},"b":1}'


def test_bytes_are_readable_by_the_librarys_json_transcoder():
    from eventsourcing.persistence import DatetimeAsISO, JSONTranscoder, UUIDAsHex

    library = JSONTranscoder()
    library.register(UUIDAsHex())
    library.register(DatetimeAsISO())
    state = {"id": uuid4(), "at": datetime(2026, 3, 1, tzinfo=UTC)}
    assert library.decode(OrjsonTranscoder().encode(state)) == state


def test_times_without_a_timezone_are_refused():
    with pytest.raises(TypeError, match="timezone"):
        OrjsonTranscoder().encode({"at": datetime(2026, 3, 1)})
