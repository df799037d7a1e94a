"""The rules of a request for public records: the fee schedule, lateness in Swedish working time,
what the requester must give to be reached, and the request's steps as events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from domain.actors import Actor, Role
from domain.errors import InvalidTransition, InvalidValue, NotPermitted
from domain.public_request import PublicRecordRequest
from domain.request_rules import (
    APPEAL_INSTRUCTIONS,
    STATE_FEES,
    Contact,
    DeliveryForm,
    FeeSchedule,
    ItemKind,
    RequestedItem,
    RequestNumber,
    answer_due,
    is_late,
    working_hours,
)

SWEDEN = ZoneInfo("Europe/Stockholm")
ORG = uuid4()
OFFICER = Actor("officer:1", "Rut Registrator", Role.RECORDS_OFFICER, ORG)
EDITOR = Actor("editor:1", "Erik Redaktör", Role.EDITOR, ORG)
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=SWEDEN)


@pytest.mark.parametrize(("pages", "fee"), [(1, 0), (9, 0), (10, 50), (11, 52), (12, 54), (20, 70)])
def test_the_state_schedule_charges_for_paper_from_the_tenth_page(pages, fee):
    assert STATE_FEES.fee(pages, DeliveryForm.PAPER) == fee


def test_copies_by_e_mail_and_viewing_on_site_are_free_whatever_their_length():
    assert STATE_FEES.fee(11, DeliveryForm.EMAIL) == 0
    assert STATE_FEES.fee(500, DeliveryForm.ON_SITE) == 0


def test_an_organisation_may_set_its_own_schedule():
    assert FeeSchedule.checked(4, 40, 3).fee(7, DeliveryForm.PAPER) == 40 + 2 * 3
    with pytest.raises(InvalidValue) as refused:
        FeeSchedule.checked(-1, 50, 2)
    assert refused.value.field == "free_pages"


def test_a_request_is_due_by_the_end_of_the_next_working_day():
    assert answer_due(MONDAY_10) == datetime(2026, 3, 3, 17, 0, tzinfo=SWEDEN)
    friday = datetime(2026, 3, 6, 16, 0, tzinfo=SWEDEN)
    assert answer_due(friday) == datetime(2026, 3, 9, 17, 0, tzinfo=SWEDEN)


def test_a_request_before_easter_is_due_after_the_holidays():
    maundy_thursday = datetime(2026, 4, 2, 12, 0, tzinfo=SWEDEN)  # Good Friday and Easter Monday are holidays
    assert answer_due(maundy_thursday) == datetime(2026, 4, 7, 17, 0, tzinfo=SWEDEN)


def test_a_request_still_open_after_the_next_working_day_is_late_and_one_answered_in_time_is_not():
    assert not is_late(MONDAY_10, datetime(2026, 3, 3, 16, 59, tzinfo=SWEDEN))
    assert is_late(MONDAY_10, datetime(2026, 3, 3, 17, 1, tzinfo=SWEDEN))
    assert not is_late(MONDAY_10, datetime(2026, 3, 9, tzinfo=SWEDEN), answered_at=MONDAY_10 + timedelta(hours=3))


def test_age_counts_working_hours_only():
    assert working_hours(MONDAY_10, datetime(2026, 3, 3, 10, 0, tzinfo=SWEDEN)) == 9.0
    friday = datetime(2026, 3, 6, 16, 0, tzinfo=SWEDEN)
    assert working_hours(friday, datetime(2026, 3, 9, 9, 30, tzinfo=SWEDEN)) == 2.5


def test_the_requester_gives_only_what_delivery_needs():
    assert Contact.checked("on_site", None, None, False).form is DeliveryForm.ON_SITE
    assert Contact.checked("paper", None, None, True).collect
    for form, field in (("email", "email"), ("paper", "postal_address"), ("fax", "form")):
        with pytest.raises(InvalidValue) as refused:
            Contact.checked(form, None, None, False)
        assert refused.value.field == field
    with pytest.raises(InvalidValue) as refused:
        Contact.checked("email", "inte en adress", None, False)
    assert refused.value.field == "email"


def test_request_numbers_read_back_as_written():
    number = RequestNumber(2026, 7)
    assert str(number) == "BEG 2026/0007"
    assert RequestNumber.parse(" beg 2026/7 ") == number
    assert number.request_id(ORG) == RequestNumber.parse("BEG 2026/0007").request_id(ORG)


def received(items=None, form="paper") -> PublicRecordRequest:
    return PublicRecordRequest.receive(
        ORG,
        RequestNumber(2026, 1),
        items if items is not None else [RequestedItem(ItemKind.POST, "p-1", uuid4(), uuid4())],
        None,
        Contact.checked(form, "a@example.se", None, True),
        [],
        by=Actor.public(ORG),
        at=datetime(2026, 3, 2, 9, tzinfo=UTC),
    )


def test_anyone_may_ask_without_a_name_and_the_request_is_open_until_answered():
    request = received()
    event = request.collect_events()[0]
    assert event.actor_role == "public" and event.actor_name == "allmänheten"
    assert request.is_open


def test_a_request_names_a_record_or_describes_one():
    with pytest.raises(InvalidValue) as refused:
        received(items=[])
    assert refused.value.field == "records"


def test_only_the_records_officer_assesses():
    request = received()
    with pytest.raises(NotPermitted):
        request.assess(0, "release", None, None, [], by=EDITOR, at=datetime(2026, 3, 2, 10, tzinfo=UTC))


def test_masking_and_refusal_name_the_osl_provision():
    request = received()
    at = datetime(2026, 3, 2, 10, tzinfo=UTC)
    with pytest.raises(InvalidValue) as refused:
        request.assess(0, "release_masked", None, None, [(0, 4)], by=OFFICER, at=at)
    assert refused.value.field == "provision"
    request.assess(0, "release_masked", "21:7", None, [(0, 4)], by=OFFICER, at=at)
    assert request.assessments[0].provision == "OSL 21 kap. 7 §"


def test_an_unresolved_item_is_resolved_before_it_is_released():
    request = received(items=[RequestedItem(ItemKind.UNRESOLVED, "protokollet från mars")])
    at = datetime(2026, 3, 2, 10, tzinfo=UTC)
    with pytest.raises(InvalidTransition):
        request.assess(0, "release", None, None, [], by=OFFICER, at=at)
    request.resolve(0, RequestedItem(ItemKind.POST, "", uuid4(), uuid4()), None, by=OFFICER, at=at)
    request.assess(0, "release", None, None, [], by=OFFICER, at=at)
    assert request.items[0].reference == "protokollet från mars"


def test_a_refusal_answered_can_be_followed_by_the_written_decision_with_appeal_instructions():
    request = received()
    at = datetime(2026, 3, 2, 10, tzinfo=UTC)
    with pytest.raises(InvalidTransition):
        request.answer(None, None, 0, STATE_FEES, by=OFFICER, at=at)  # nothing assessed yet
    request.assess(
        0, "refuse", "OSL 26 kap. 1 §", "Uppgifter om enskilds personliga förhållanden.", [], by=OFFICER, at=at
    )
    request.answer(None, None, 1, STATE_FEES, by=OFFICER, at=at)
    assert not request.is_open
    with pytest.raises(InvalidTransition):
        request.deliver(by=OFFICER, at=at)  # nothing released
    request.issue_decision("Handlingen innehåller uppgifter om en enskild.", by=OFFICER, at=at)
    decision = request.collect_events()[-1]
    assert decision.provisions == ["OSL 26 kap. 1 §"]
    assert "kammarrätten" in decision.appeal_instructions and "tre veckor" in APPEAL_INSTRUCTIONS


def test_the_answer_charges_the_paper_copy_by_its_pages():
    request = received()
    at = datetime(2026, 3, 2, 10, tzinfo=UTC)
    request.assess(0, "release", None, None, [], by=OFFICER, at=at)
    request.answer(uuid4(), "ab" * 32, 11, STATE_FEES, by=OFFICER, at=at)
    assert request.collect_events()[-1].fee_kr == 52
    request.deliver(by=OFFICER, at=at)
    with pytest.raises(InvalidTransition):
        request.deliver(by=OFFICER, at=at)


def test_a_description_alone_is_answered_with_the_records_the_officer_found_for_it():
    request = PublicRecordRequest.receive(
        ORG,
        RequestNumber(2026, 2),
        [],
        "Kommentarerna om simhallen i mars",
        Contact.checked("on_site", None, None, False),
        [],
        by=Actor.public(ORG),
        at=datetime(2026, 3, 2, 9, tzinfo=UTC),
    )
    at = datetime(2026, 3, 2, 10, tzinfo=UTC)
    hold = uuid4()

    request.resolve(0, RequestedItem(ItemKind.COMMENT, "", uuid4(), uuid4()), hold, by=OFFICER, at=at)
    request.resolve(1, RequestedItem(ItemKind.COMMENT, "", uuid4(), uuid4()), None, by=OFFICER, at=at)

    assert [item.reference for item in request.items] == ["(enligt beskrivningen)"] * 2
    assert request.hold_ids == [hold]
    with pytest.raises(InvalidValue):
        request.resolve(5, RequestedItem(ItemKind.COMMENT, "", uuid4(), None), None, by=OFFICER, at=at)
