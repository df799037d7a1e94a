"""An edited post's versions compared word by word, as the public archive shows them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.text_changes import Change, text_changes


def test_a_changed_time_reads_as_the_old_time_removed_and_the_new_added():
    before = "Öppet hus på biblioteket kl. 14 på lördag."
    after = "Öppet hus på biblioteket kl. 15 på söndag."
    assert text_changes(before, after) == [
        Change("same", "Öppet hus på biblioteket kl. "),
        Change("removed", "14"),
        Change("added", "15"),
        Change("same", " på "),
        Change("removed", "lördag"),
        Change("added", "söndag"),
        Change("same", "."),
    ]


def test_the_same_text_is_one_unchanged_run():
    assert text_changes("Välkommen!", "Välkommen!") == [Change("same", "Välkommen!")]


@given(st.text(), st.text())
def test_each_side_is_rebuilt_from_its_runs(before, after):
    changes = text_changes(before, after)
    assert "".join(c.text for c in changes if c.kind != "added") == before
    assert "".join(c.text for c in changes if c.kind != "removed") == after
