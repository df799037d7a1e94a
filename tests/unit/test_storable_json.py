"""A value the log holds with a NUL (written before the boundary refused it) reaches a view's JSON
column with U+FFFD in its place, keys included; any value is written as the slow walk over each of its strings (``storable``) would write it."""

from __future__ import annotations

import orjson
from hypothesis import given
from hypothesis import strategies as st

from projections.core.storable import storable, storable_json

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def test_a_nul_becomes_the_replacement_character_in_keys_and_values() -> None:
    assert orjson.loads(storable_json({"namn\x00": ["Kalle\x00", {"k": "v"}]})) == {
        "namn\ufffd": ["Kalle\ufffd", {"k": "v"}]
    }


@given(JSON)
def test_any_value_is_written_as_the_value_walked_string_by_string_would_be(value: object) -> None:
    assert storable_json(value) == orjson.dumps(storable(value)).decode()
