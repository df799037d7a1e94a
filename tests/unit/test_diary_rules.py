"""The diary's rules as model tests, without a database: numbers, the search for a series'
last number, and entries that are corrected, marked and annulled by later events only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.actors import Actor, Role
from domain.case import Case
from domain.diary import Links, Reading
from domain.diary_entry import DiaryEntry
from domain.diary_numbers import DiaryNumber, last_taken, series_year
from domain.errors import InvalidTransition, InvalidValue, NotPermitted
from domain.organisation import Organisation

ORG = uuid4()
OFFICER = Actor("rita", "Rita Registrator", Role.RECORDS_OFFICER, ORG)
EDITOR = Actor("erik", "Erik Redaktör", Role.EDITOR, ORG)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@given(st.integers(0, 5000), st.integers(0, 6000))
def test_the_last_taken_number_is_found_from_any_hint(taken_up_to, hint):
    asked: list[int] = []

    def taken(n: int) -> bool:
        asked.append(n)
        return n <= taken_up_to

    assert last_taken(taken, hint) == taken_up_to
    assert len(asked) <= 2 * max(taken_up_to, 1).bit_length() + 3


def test_a_good_hint_costs_two_look_ups():
    asked: list[int] = []
    assert last_taken(lambda n: asked.append(n) or n <= 41, hint=41) == 41
    assert asked == [41, 42]


@given(
    st.from_regex(r"[A-ZÅÄÖ]{1,10}", fullmatch=True),
    st.integers(1000, 9999),
    st.integers(1, 999_999),
    st.none() | st.integers(1, 9999),
)
def test_a_diary_number_reads_back_as_itself(prefix, year, sequence, part):
    number = DiaryNumber(prefix, year, sequence, part)
    assert DiaryNumber.parse(str(number)) == number
    assert number.record_id(ORG) == DiaryNumber.parse(str(number).lower()).record_id(ORG)


def test_numbers_read_the_swedish_way():
    assert str(DiaryNumber("KS", 2026, 42)) == "KS 2026/0042"
    assert str(DiaryNumber("KS", 2026, 42).within_case(3)) == "KS 2026/0042-3"
    assert DiaryNumber.parse("ks 2026/42-3").case_number == DiaryNumber("KS", 2026, 42)
    for wrong in ("KS-2026-42", "KS 2026/0000", "2026/42", "KS 26/42"):
        with pytest.raises(InvalidValue):
            DiaryNumber.parse(wrong)


def test_the_series_year_is_the_swedish_calendar_year():
    assert series_year(datetime(2026, 12, 31, 22, 59, tzinfo=UTC)) == 2026
    assert series_year(datetime(2026, 12, 31, 23, 0, tzinfo=UTC)) == 2027  # midnight in Stockholm


def _entry(counterpart: str | None = "Kalle Medborgare") -> DiaryEntry:
    reading = Reading.checked(
        NOW - timedelta(days=1), "received", "comment", counterpart, "Fråga om simhallen", None, NOW
    )
    return DiaryEntry.register(
        ORG, DiaryNumber("KS", 2026, 1), None, reading, Links(comment_id=uuid4()), by=OFFICER, at=NOW
    )


def test_a_correction_is_a_new_event_carrying_the_whole_new_reading():
    entry = _entry()
    entry.correct({"counterpart": "Karl Medborgare"}, "Stavfel", by=OFFICER, at=NOW)
    [registered, corrected] = entry.collect_events()
    assert registered.counterpart == "Kalle Medborgare"
    assert (corrected.counterpart, corrected.description, corrected.corrected_fields, corrected.reason) == (
        "Karl Medborgare",
        "Fråga om simhallen",
        ["counterpart"],
        "Stavfel",
    )


def test_an_annulled_entry_takes_no_corrections_and_is_never_annulled_twice():
    entry = _entry()
    entry.annul("Fel ärende", by=OFFICER, at=NOW)
    with pytest.raises(InvalidTransition):
        entry.correct({"description": "Ny"}, "X", by=OFFICER, at=NOW)
    with pytest.raises(InvalidTransition):
        entry.annul("Igen", by=OFFICER, at=NOW)


def test_a_marking_names_real_fields_and_only_records_officers_mark():
    entry = _entry(counterpart=None)
    with pytest.raises(InvalidValue, match="names no sender"):
        entry.mark_secret("26:1", ["counterpart"], by=OFFICER, at=NOW)
    with pytest.raises(NotPermitted):
        entry.mark_secret("26:1", ["description"], by=EDITOR, at=NOW)
    entry.mark_secret("26 kap. 1 §", ["description"], by=OFFICER, at=NOW)
    with pytest.raises(InvalidTransition, match=r"already marked under OSL 26 kap\. 1 §"):
        entry.mark_secret("OSL 26:1", ["description"], by=OFFICER, at=NOW)
    assert entry.marking == ("OSL 26 kap. 1 §", ("description",))


def test_a_case_numbers_its_records_in_order_and_a_closed_case_takes_none():
    case = Case.open(ORG, DiaryNumber("KS", 2026, 7), "Bygglov", "Bygglovsenheten", by=OFFICER, at=NOW)
    first = case.next_record_number()
    case.add_record(uuid4(), first, by=OFFICER, at=NOW)
    with pytest.raises(InvalidTransition, match="next record is KS 2026/0007-2"):
        case.add_record(uuid4(), first, by=OFFICER, at=NOW)
    case.close("Beslut fattat", by=OFFICER, at=NOW)
    with pytest.raises(InvalidTransition, match="closed"):
        case.next_record_number()
    assert str(first) == "KS 2026/0007-1"


def test_a_records_officer_or_manager_turns_publication_of_names_on_an_editor_cannot():
    operator = Actor("operator", "Drift", Role.OPERATOR, None)
    organisation = Organisation.register("valdemarsvik", "Valdemarsviks kommun", "212000-0522", by=operator, at=NOW)
    manager = Actor("anna", "Anna Chef", Role.MANAGER, organisation.id)

    with pytest.raises(NotPermitted):
        organisation.publish_names(True, by=Actor("erik", "Erik Redaktör", Role.EDITOR, organisation.id), at=NOW)
    with pytest.raises(InvalidValue) as unchanged:
        organisation.publish_names(False, by=manager, at=NOW)  # off is the default
    organisation.publish_names(True, by=manager, at=NOW)

    assert unchanged.value.field == "published" and organisation.names_published is True
    changed = organisation.collect_events()[-1]
    assert (type(changed).__name__, changed.published, changed.actor_name, changed.actor_role) == (
        "NamePublicationChanged",
        True,
        "Anna Chef",
        "manager",
    )
