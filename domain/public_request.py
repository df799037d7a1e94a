"""A request for public records (begäran om allmän handling, TF 2:15–16): received from anyone,
without a name; each requested record assessed (menprövning) and released, released with
masking, or refused under an OSL provision; answered with one copy (a record of its own), its fee,
and on a refusal the written decision (avslagsbeslut) with its appeal instructions, if asked for.
Every step is an event: who handled what, when, is the request's own audit trail."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.actors import Actor, Role
from domain.base import RecordAggregate
from domain.errors import InvalidTransition, InvalidValue
from domain.grounds import osl_provision
from domain.request_rules import (
    APPEAL_INSTRUCTIONS,
    Assessment,
    Contact,
    DeliveryForm,
    FeeSchedule,
    ItemKind,
    Outcome,
    RequestedItem,
    RequestNumber,
)
from domain.values import optional_text, required_text

HANDLERS = frozenset({Role.RECORDS_OFFICER})
MAX_ITEMS = 50


class PublicRecordRequest(RecordAggregate):
    """One request; its id derives from its number (``RequestNumber.request_id``)."""

    class Received(RecordAggregate.Created):
        """A request came in (begäran om allmän handling inkom). ``description`` (the requester's
        own words), ``email`` and ``postal_address`` are sealed under the request's key."""

        number: str
        items: list[dict[str, Any]]
        description: str | None
        form: str
        email: str | None
        postal_address: str | None
        collect: bool
        hold_ids: list[UUID]

    class ItemResolved(RecordAggregate.Event):
        """The records officer found the record an item named in free text or by an unknown number
        (``item`` one past the last: a further record the request's description meant)."""

        item: int
        reference: str
        kind: str
        record_id: UUID
        held_id: UUID | None
        hold_id: UUID | None

        def apply(self, request: PublicRecordRequest) -> None:
            found = RequestedItem(self.kind, self.reference, self.record_id, self.held_id)
            request.items[self.item : self.item + 1] = [found]
            request.hold_ids = [*request.hold_ids, *([self.hold_id] if self.hold_id else [])]

    class RecordAssessed(RecordAggregate.Event):
        """A requested record was assessed (menprövning): released, released with the ``masks``
        (character ranges of its text) masked under ``provision``, or refused under it."""

        item: int
        outcome: str
        provision: str | None
        reason: str | None
        masks: list[list[int]]

        def apply(self, request: PublicRecordRequest) -> None:
            masks = tuple((start, end) for start, end in self.masks)
            request.assessments[self.item] = Assessment(self.outcome, self.provision, self.reason, masks)

    class Answered(RecordAggregate.Event):
        """The request was answered: the released records in one copy (``copy_id``, a record of its
        own), its pages and fee; the refused ones named. Its holds are lifted with it."""

        released: list[int]
        refused: list[int]
        copy_id: UUID | None
        copy_sha256: str | None
        pages: int
        fee_kr: int

        def apply(self, request: PublicRecordRequest) -> None:
            request.answered_at = self.occurred_at
            request.copy_id, request.pages, request.fee_kr = self.copy_id, self.pages, self.fee_kr

    class Delivered(RecordAggregate.Event):
        """The copy was delivered (utlämnad) in ``form``, or the records shown on site."""

        form: str
        copy_id: UUID | None

        def apply(self, request: PublicRecordRequest) -> None:
            request.delivered_at = self.occurred_at

    class DecisionIssued(RecordAggregate.Event):
        """The authority's written decision on the refusal (avslagsbeslut), asked for by the
        requester: its reasons, the provisions, and the appeal instructions."""

        reasons: str
        provisions: list[str]
        appeal_instructions: str

        def apply(self, request: PublicRecordRequest) -> None:
            request.decision_at = self.occurred_at

    def __init__(
        self,
        org_id: UUID,
        number: str,
        items: list[dict[str, Any]],
        description: str | None,
        form: str,
        email: str | None,
        postal_address: str | None,
        collect: bool,
        hold_ids: list[UUID],
    ):
        self.org_id, self.number = org_id, number
        self.items = [RequestedItem(**item) for item in items]
        self.description = description
        self.contact = (form, email, postal_address, collect)
        self.hold_ids = list(hold_ids)
        self.assessments: dict[int, Assessment] = {}
        self.answered_at: datetime | None = None
        self.delivered_at: datetime | None = None
        self.decision_at: datetime | None = None
        self.copy_id: UUID | None = None
        self.pages: int | None = None
        self.fee_kr: int | None = None

    @classmethod
    def receive(
        cls,
        org_id: UUID,
        number: RequestNumber,
        items: list[RequestedItem],
        description: str | None,
        contact: Contact,
        hold_ids: list[UUID],
        by: Actor,
        at: datetime,
    ) -> PublicRecordRequest:
        by.require(HANDLERS | {Role.PUBLIC}, org_id, "asking for public records")
        description = optional_text("description", description, 2000)
        if not items and description is None:
            raise InvalidValue("records", "name at least one record, or describe what you ask for")
        if len(items) > MAX_ITEMS:
            raise InvalidValue("records", f"a request names at most {MAX_ITEMS} records")
        return cls._create(
            cls.Received,
            id=number.request_id(org_id),
            number=str(number),
            items=[asdict(item) for item in items],
            description=description,
            form=contact.form.value,
            email=contact.email,
            postal_address=contact.postal_address,
            collect=contact.collect,
            hold_ids=hold_ids,
            **cls.envelope(by, at, None, org_id),
        )

    @property
    def form(self) -> DeliveryForm:
        return DeliveryForm(self.contact[0])

    @property
    def is_open(self) -> bool:
        return self.answered_at is None

    def resolve(self, item: int, found: RequestedItem, hold_id: UUID | None, by: Actor, at: datetime) -> None:
        self._handling(by, "resolving a requested record")
        if item == len(self.items) and self.description is not None:
            reference = "(enligt beskrivningen)"
        elif self._item(item).kind != ItemKind.UNRESOLVED:
            raise InvalidTransition(f"item {item} already names a record")
        else:
            reference = self.items[item].reference
        assert found.record_id is not None, "a resolved item names its record"
        fields: dict[str, Any] = {"kind": found.kind, "record_id": found.record_id, "held_id": found.held_id}
        self._record(self.ItemResolved, by, at, item=item, reference=reference, hold_id=hold_id, **fields)

    def assess(
        self,
        item: int,
        outcome: str,
        provision: str | None,
        reason: str | None,
        masks: list[tuple[int, int]],
        by: Actor,
        at: datetime,
    ) -> None:
        self._handling(by, "assessing a requested record")
        try:
            chosen = Outcome(outcome)
        except ValueError:
            raise InvalidValue("outcome", f"must be one of {', '.join(Outcome)}") from None
        if chosen is not Outcome.REFUSE and self._item(item).kind == ItemKind.UNRESOLVED:
            raise InvalidTransition(f"item {item} names no record yet: resolve it first, or refuse it")
        if chosen is Outcome.RELEASE:
            provision, masks = None, []
        else:
            provision = osl_provision(provision)
        if chosen is Outcome.RELEASE_MASKED and not masks:
            raise InvalidValue("masked_passages", "name the passages to mask")
        if chosen is Outcome.REFUSE:
            masks = []
            reason = required_text("reason", reason, 2000)
        self._record(
            self.RecordAssessed,
            by,
            at,
            item=item,
            outcome=chosen.value,
            provision=provision,
            reason=optional_text("reason", reason, 2000),
            masks=[[start, end] for start, end in masks],
        )

    def released_items(self) -> list[int]:
        return [i for i, a in sorted(self.assessments.items()) if a.outcome != Outcome.REFUSE]

    def refused_items(self) -> list[int]:
        return [i for i, a in sorted(self.assessments.items()) if a.outcome == Outcome.REFUSE]

    def check_answerable(self, by: Actor) -> None:
        self._handling(by, "answering a request")
        missing = [i for i in range(len(self.items)) if i not in self.assessments]
        if missing:
            raise InvalidTransition(f"every requested record is assessed before the answer; item {missing[0]} is not")

    def answer(
        self, copy_id: UUID | None, copy_sha256: str | None, pages: int, fees: FeeSchedule, by: Actor, at: datetime
    ) -> None:
        self.check_answerable(by)
        self._record(
            self.Answered,
            by,
            at,
            released=self.released_items(),
            refused=self.refused_items(),
            copy_id=copy_id,
            copy_sha256=copy_sha256,
            pages=pages,
            fee_kr=fees.fee(pages, self.form),
        )

    def deliver(self, by: Actor, at: datetime, occurred_at: datetime | None = None) -> None:
        self._handling(by, "recording a delivery", answered=True)
        if self.delivered_at is not None:
            raise InvalidTransition("the delivery is already recorded")
        if not self.released_items():
            raise InvalidTransition("nothing was released: there is nothing to deliver")
        self._record(self.Delivered, by, at, occurred_at, form=self.form.value, copy_id=self.copy_id)

    def issue_decision(self, reasons: str, by: Actor, at: datetime) -> None:
        self._handling(by, "issuing the written decision", answered=True)
        if not self.refused_items():
            raise InvalidTransition("nothing was refused: there is no decision to issue")
        if self.decision_at is not None:
            raise InvalidTransition("the written decision is already issued")
        provisions = sorted(
            {a.provision for a in self.assessments.values() if a.outcome == Outcome.REFUSE and a.provision}
        )
        self._record(
            self.DecisionIssued,
            by,
            at,
            reasons=required_text("reasons", reasons, 4000),
            provisions=provisions,
            appeal_instructions=APPEAL_INSTRUCTIONS,
        )

    def _item(self, item: int) -> RequestedItem:
        if not 0 <= item < len(self.items):
            raise InvalidValue("item", f"the request names items 0 to {len(self.items) - 1}")
        return self.items[item]

    def _handling(self, by: Actor, doing: str, answered: bool = False) -> None:
        by.require(HANDLERS, self.org_id, doing)
        if answered and self.answered_at is None:
            raise InvalidTransition("the request is not answered yet")
        if not answered and self.answered_at is not None:
            raise InvalidTransition(f"request {self.number} is already answered")
