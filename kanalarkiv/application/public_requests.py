"""The application's commands on requests for public records (begäran om allmän handling): the
public's request (numbered, its named records held from disposal in the same transaction), the
records officer's resolutions and assessments, the answer with its copy and fee, the delivery,
and the written decision on a refusal. What the items name is found by ``RequestRecords``."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from domain.diary_numbers import last_taken
from domain.organisation import Organisation
from domain.public_request import PublicRecordRequest
from domain.request_fees import RequestFees
from domain.request_rules import STATE_FEES, Contact, FeeSchedule, Outcome, RequestedItem, RequestNumber, request_year
from kanalarkiv.adapters.request_documents import (
    CopiedRecord,
    RefusedRecord,
    render_refusal_decision,
    render_release_copy,
)
from kanalarkiv.application.conflicts import command
from kanalarkiv.application.context import current_actor
from kanalarkiv.application.outcomes import Recorded, RecordNotFound
from kanalarkiv.application.request_records import RecordText, RequestRecords, masks_of
from retention.holds import DisposalHolds

ATTEMPTS = 50


@dataclass(frozen=True)
class RequestReceived:
    recorded: Recorded
    number: str
    received_at: datetime


@dataclass(frozen=True)
class RequestDetails:
    """A request as the records officer reads it: the aggregate, and each item's record text."""

    request: PublicRecordRequest
    texts: list[RecordText]


class PublicRequestCommands(RequestRecords):
    """Requests for public records, from receipt to delivery."""

    def receive_request(
        self,
        org_id: UUID,
        diary_numbers: list[str],
        post_ids: list[str],
        comment_ids: list[str],
        description: str | None,
        contact: Contact,
    ) -> RequestReceived:
        """Record a request under the organisation's next request number; the records it names
        that the organisation holds are held from disposal until it is answered."""
        self._get(org_id, Organisation, "organisation")
        items = self._requested_items(org_id, diary_numbers, post_ids, comment_ids)
        with self._request_locks[org_id]:
            for attempt in range(1, ATTEMPTS + 1):
                received = self._try_to_receive(org_id, items, description, contact)
                if received is not None:
                    return received
                time.sleep(0.001 * attempt)
        raise IntegrityError("the request number was taken by simultaneous requests too many times")

    def _try_to_receive(
        self, org_id: UUID, items: list[RequestedItem], description: str | None, contact: Contact
    ) -> RequestReceived | None:
        by, at = current_actor(), self.clock()
        number = self._next_request_number(org_id, at)
        held = sorted({item.held_id for item in items if item.held_id is not None})
        holds = self._request_holds(org_id, at)
        hold_ids = [uuid4() for _ in held]
        for hold_id, record_id in zip(hold_ids, held, strict=True):
            holds.hold_for_request(hold_id, record_id, str(number), by=by, at=at)
        request = PublicRecordRequest.receive(org_id, number, items, description, contact, hold_ids, by=by, at=at)
        others: list[Aggregate] = [holds] if hold_ids else []
        try:
            recorded = self._recorded(request, *others)
        except IntegrityError:
            return None
        self._request_hints[org_id] = (number.year, number.sequence)
        return RequestReceived(recorded, str(number), at)

    def _next_request_number(self, org_id: UUID, at: datetime) -> RequestNumber:
        year = request_year(at)
        hint_year, hint = self._request_hints.get(org_id, (year, 0))
        last = last_taken(
            lambda n: self._exists(RequestNumber(year, n).request_id(org_id)), hint if hint_year == year else 0
        )
        return RequestNumber(year, last + 1)

    def _request_holds(self, org_id: UUID, at: datetime) -> DisposalHolds:
        holds = self._find(DisposalHolds.id_for(org_id), DisposalHolds, "holds")
        return holds or DisposalHolds.open(org_id, by=current_actor(), at=at)

    @command
    def resolve_request_item(self, request_id: UUID, item: int, kind: str, reference: str) -> Recorded:
        """Name the record an unresolved item meant; it is held from disposal from now on."""
        by, at = current_actor(), self.clock()
        request = self.get_request(request_id)
        found = self._resolved(request.org_id, kind, reference)
        others: list[Aggregate] = []
        hold_id = None
        if found.held_id is not None:
            hold_id = uuid4()
            holds = self._request_holds(request.org_id, at)
            holds.hold_for_request(hold_id, found.held_id, request.number, by=by, at=at)
            others.append(holds)
        request.resolve(item, found, hold_id, by=by, at=at)
        return self._recorded(request, *others)

    @command
    def assess_requested_record(
        self,
        request_id: UUID,
        item: int,
        outcome: str,
        provision: str | None,
        reason: str | None,
        masked_passages: list[str],
    ) -> Recorded:
        """Menprövning of one item; masked passages are found in its text and kept as ranges."""
        by, at = current_actor(), self.clock()
        request = self.get_request(request_id)
        masks: list[tuple[int, int]] = []
        if outcome == Outcome.RELEASE_MASKED and masked_passages and 0 <= item < len(request.items):
            masks = masks_of(self._record_text(request.items[item]).text, masked_passages)
        request.assess(item, outcome, provision, reason, masks, by=by, at=at)
        return self._recorded(request)

    @command
    def answer_request(self, request_id: UUID) -> Recorded:
        """Make the answer with the copy of what is released (kept encrypted as a record of its
        own), charge the copy by the schedule, and lift the request's holds, in one transaction."""
        by, at = current_actor(), self.clock()
        request = self.get_request(request_id)
        request.check_answerable(by)
        content, pages = self._release_copy(request, at)
        copy_id = uuid4()
        sha256 = self.snapshot_store.put(request.org_id, copy_id, content)
        request.answer(copy_id, sha256, pages, self.fee_schedule(request.org_id), by=by, at=at)
        holds = self._find(DisposalHolds.id_for(request.org_id), DisposalHolds, "holds")
        others: list[Aggregate] = []
        if holds is not None and request.hold_ids:
            for hold_id in request.hold_ids:
                if hold_id in holds.holds and not holds.holds[hold_id].lifted:
                    holds.lift(hold_id, f"Begäran {request.number} är besvarad", by=by, at=at)
            others.append(holds)
        return self._recorded(request, *others)

    @command
    def record_request_delivery(self, request_id: UUID, delivered_at: datetime | None = None) -> Recorded:
        request = self.get_request(request_id)
        request.deliver(by=current_actor(), at=self.clock(), occurred_at=delivered_at)
        return self._recorded(request)

    @command
    def issue_refusal_decision(self, request_id: UUID, reasons: str) -> Recorded:
        request = self.get_request(request_id)
        request.issue_decision(reasons, by=current_actor(), at=self.clock())
        return self._recorded(request)

    @command
    def set_fee_schedule(self, org_id: UUID, schedule: FeeSchedule, decision_reference: str) -> Recorded:
        by, at = current_actor(), self.clock()
        fees = self._find(RequestFees.id_for(org_id), RequestFees, "fee schedule") or RequestFees.open(
            org_id, by=by, at=at
        )
        fees.set(schedule, decision_reference, by=by, at=at)
        return self._recorded(fees)

    def fee_schedule(self, org_id: UUID) -> FeeSchedule:
        fees = self._find(RequestFees.id_for(org_id), RequestFees, "fee schedule")
        return fees.schedule if fees is not None else STATE_FEES

    # Reading

    def get_request(self, request_id: UUID) -> PublicRecordRequest:
        return self._get(request_id, PublicRecordRequest, "request")

    def request_details(self, request_id: UUID) -> RequestDetails:
        request = self.get_request(request_id)
        return RequestDetails(request, [self._record_text(item) for item in request.items])

    def request_copy(self, request_id: UUID) -> bytes:
        request = self.get_request(request_id)
        answered = self._answer_of(request)
        if answered.copy_id is None or answered.copy_sha256 is None:
            raise RecordNotFound(f"request {request.number} released nothing: it has no copy")
        content = self.snapshot_store.get(request.org_id, answered.copy_sha256, answered.copy_id)
        if content is None:
            raise RecordNotFound(f"the copy of request {request.number} is missing from the storage")
        return content

    def refusal_decision(self, request_id: UUID) -> bytes:
        request = self.get_request(request_id)
        events = self._events_of(request)
        decision = next((e for e in events if isinstance(e, PublicRecordRequest.DecisionIssued)), None)
        if decision is None:
            raise RecordNotFound(f"no written decision is issued on request {request.number}")
        organisation = self._get(request.org_id, Organisation, "organisation")
        return render_refusal_decision(
            organisation.name,
            request.number,
            decision.occurred_at,
            decision.actor_name,
            self._refused_records(request),
            decision.reasons,
            decision.appeal_instructions,
        )

    def _release_copy(self, request: PublicRecordRequest, at: datetime) -> tuple[bytes, int]:
        organisation = self._get(request.org_id, Organisation, "organisation")
        released = []
        for index in request.released_items():
            text, assessment = self._record_text(request.items[index]), request.assessments[index]
            released.append(CopiedRecord(text.heading, text.text, assessment.masks, assessment.provision))
        return render_release_copy(organisation.name, request.number, at, released, self._refused_records(request))

    def _refused_records(self, request: PublicRecordRequest) -> list[RefusedRecord]:
        return [
            RefusedRecord(
                self._record_text(request.items[i]).heading,
                request.assessments[i].provision,
                request.assessments[i].reason,
            )
            for i in request.refused_items()
        ]

    def _answer_of(self, request: PublicRecordRequest) -> PublicRecordRequest.Answered:
        answered = next((e for e in self._events_of(request) if isinstance(e, PublicRecordRequest.Answered)), None)
        if answered is None:
            raise RecordNotFound(f"request {request.number} is not answered yet")
        return answered

    def _events_of(self, request: PublicRecordRequest) -> list[object]:
        return list(self.repository.event_store.get(request.id))

    @cached_property
    def _request_locks(self) -> defaultdict[UUID, threading.Lock]:
        return defaultdict(threading.Lock)

    @cached_property
    def _request_hints(self) -> dict[UUID, tuple[int, int]]:
        return {}
