"""Requests for public records (begäran om allmän handling, TF 2:15–16). Anyone asks, without a
token and without a name; the records officer reads the queue, assesses each record, answers
with the copy (and its fee), records the delivery, and issues the written decision on a refusal."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response, status

from api.deps import AppDep, CurrentActor, ViewsDep, WaitFor, own_organisation
from api.diary_answers import organisation_of
from api.rate_limit import public_write_limits
from api.schemas.public_requests import (
    Answered,
    AssessmentBody,
    DecisionBody,
    Delivery,
    FeeScheduleBody,
    FeeScheduleSet,
    RequestCreate,
    RequestDetail,
    RequestQueue,
    RequestReceipt,
    RequestRecorded,
    RequestRow,
    Resolution,
    detail_of,
)
from api.types import Text
from domain.actors import Actor, Role
from domain.audience import RECORD_READERS
from domain.request_rules import Contact, FeeSchedule
from kanalarkiv.application.context import acting_as
from kanalarkiv.application.outcomes import RecordNotFound
from kanalarkiv.application.public_requests import RequestReceived
from kanalarkiv.application.records import RecordsApplication

router = APIRouter(tags=["requests for public records"])
PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}}}
RECEIPT_MESSAGE = (
    "Begäran har kommit in och får numret ovan. Myndigheten prövar den skyndsamt. Du behöver inte "
    "tala om vem du är eller varför du vill ha handlingen."
)


def receive(app: RecordsApplication, org_id: UUID, body: RequestCreate) -> RequestReceived:
    """Record the request as the public's (who asked is not recorded); shared with the form page."""
    contact = Contact.checked(body.form, body.email, body.postal_address, body.collect)
    with acting_as(Actor.public(org_id)):
        return app.receive_request(
            org_id, body.diary_numbers, body.post_ids, body.comment_ids, body.description, contact
        )


def receipt_of(body: RequestCreate, received: RequestReceived) -> RequestReceipt:
    return RequestReceipt(
        number=received.number,
        received_at=received.received_at,
        named=[*body.diary_numbers, *body.post_ids, *body.comment_ids],
        described=bool(body.description and body.description.strip()),
        form=body.form,
        message=RECEIPT_MESSAGE,
        position=received.recorded.position,
    )


@router.post(
    "/v1/organisations/{slug}/requests",
    status_code=status.HTTP_201_CREATED,
    response_model=RequestReceipt,
    dependencies=[Depends(public_write_limits)],
    summary="Begär ut allmän handling (no token, no name)",
)
def create_request(slug: Text, body: RequestCreate, views: ViewsDep, app: AppDep) -> RequestReceipt:
    """Name records by diary number or id, or describe them; say how you want them and where to
    send them. The receipt says the same whether or not a named record exists or is secret."""
    organisation = organisation_of(views, slug)
    return receipt_of(body, receive(app, organisation["org_id"], body))


@router.get("/v1/organisations/{slug}/request-fees", response_model=FeeScheduleBody, summary="What paper copies cost")
def request_fees(slug: Text, views: ViewsDep, app: AppDep) -> FeeScheduleBody:
    """The organisation's schedule (the state's unless it set its own)."""
    schedule = app.fee_schedule(organisation_of(views, slug)["org_id"])
    return FeeScheduleBody.model_validate(schedule, from_attributes=True)


@router.put("/v1/request-fees", response_model=RequestRecorded, summary="Set the organisation's fees for copies")
def set_request_fees(body: FeeScheduleSet, actor: CurrentActor, app: AppDep) -> RequestRecorded:
    org_id = own_organisation(actor, {Role.RECORDS_OFFICER}, "setting the fees for copies")
    schedule = FeeSchedule.checked(body.free_pages, body.first_charged_page_kr, body.further_page_kr)
    return RequestRecorded.model_validate(
        app.set_fee_schedule(org_id, schedule, body.decision_reference), from_attributes=True
    )


@router.get("/v1/requests", response_model=RequestQueue, summary="The records officer's queue of requests")
def request_queue(
    actor: CurrentActor,
    views: ViewsDep,
    app: AppDep,
    status: Literal["open", "all"] = "open",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    wait_for_position: WaitFor = None,
) -> RequestQueue:
    """Oldest first, with each request's age in working hours and whether it is late (still open
    at the end of the next working day)."""
    org_id = own_organisation(actor, RECORD_READERS, "reading the requests for public records")
    views.wait_for("public_requests", wait_for_position)
    rows = views.public_requests.requests_of(org_id, status == "open", limit, offset)
    now = app.clock()
    return RequestQueue(requests=[RequestRow.of(row, now) for row in rows])


@router.get("/v1/requests/{request_id}", response_model=RequestDetail, summary="One request, with its contact")
def request_detail(request_id: UUID, actor: CurrentActor, app: AppDep) -> RequestDetail:
    """Each item with its record's text and any secrecy marking (a reason to assess, never a decision)."""
    details = app.request_details(_own(app, request_id, actor, RECORD_READERS))
    return detail_of(details, app.clock())


@router.post(
    "/v1/requests/{request_id}/items/{item}/resolution",
    response_model=RequestRecorded,
    summary="Name the record a free-text item meant",
)
def resolve_item(request_id: UUID, item: int, body: Resolution, actor: CurrentActor, app: AppDep) -> RequestRecorded:
    recorded = app.resolve_request_item(_own(app, request_id, actor), item, body.kind, body.reference)
    return RequestRecorded.model_validate(recorded, from_attributes=True)


@router.post(
    "/v1/requests/{request_id}/items/{item}/assessment",
    response_model=RequestRecorded,
    summary="Menprövning: release, release with masking, or refuse",
)
def assess_item(request_id: UUID, item: int, body: AssessmentBody, actor: CurrentActor, app: AppDep) -> RequestRecorded:
    """Masking and refusal name the OSL provision; masked passages are found in the record's text."""
    recorded = app.assess_requested_record(
        _own(app, request_id, actor), item, body.outcome, body.provision, body.reason, body.masked_passages
    )
    return RequestRecorded.model_validate(recorded, from_attributes=True)


@router.post("/v1/requests/{request_id}/answer", response_model=Answered, summary="Answer the request")
def answer(request_id: UUID, actor: CurrentActor, app: AppDep) -> Answered:
    """Makes the copy of what is released (a PDF, kept as a record of its own), computes its fee
    by the schedule, and lifts the request's disposal holds."""
    recorded = app.answer_request(_own(app, request_id, actor))
    request = app.get_request(request_id)
    return Answered(
        id=request.id,
        position=recorded.position,
        pages=request.pages or 0,
        fee_kr=request.fee_kr or 0,
        copy_url=f"/v1/requests/{request_id}/copy" if request.copy_id else None,
    )


@router.post("/v1/requests/{request_id}/delivery", response_model=RequestRecorded, summary="Record the delivery")
def deliver(request_id: UUID, body: Delivery, actor: CurrentActor, app: AppDep) -> RequestRecorded:
    recorded = app.record_request_delivery(_own(app, request_id, actor), body.delivered_at)
    return RequestRecorded.model_validate(recorded, from_attributes=True)


@router.post(
    "/v1/requests/{request_id}/decision",
    status_code=status.HTTP_201_CREATED,
    response_model=RequestRecorded,
    summary="Issue the written decision on a refusal (avslagsbeslut)",
)
def issue_decision(request_id: UUID, body: DecisionBody, actor: CurrentActor, app: AppDep) -> RequestRecorded:
    """When the requester asks for it: the reasons, the provisions and the appeal instructions."""
    recorded = app.issue_refusal_decision(_own(app, request_id, actor), body.reasons)
    return RequestRecorded.model_validate(recorded, from_attributes=True)


@router.get("/v1/requests/{request_id}/copy", response_class=Response, responses=PDF, summary="The released copy (PDF)")
def released_copy(request_id: UUID, actor: CurrentActor, app: AppDep) -> Response:
    content = app.request_copy(_own(app, request_id, actor, RECORD_READERS))
    return Response(content, media_type="application/pdf")


@router.get(
    "/v1/requests/{request_id}/decision",
    response_class=Response,
    responses=PDF,
    summary="The written decision (avslagsbeslut, PDF)",
)
def refusal_decision(request_id: UUID, actor: CurrentActor, app: AppDep) -> Response:
    content = app.refusal_decision(_own(app, request_id, actor, RECORD_READERS))
    return Response(content, media_type="application/pdf")


def _own(
    app: RecordsApplication, request_id: UUID, actor: Actor, roles: frozenset[Role] = frozenset({Role.RECORDS_OFFICER})
) -> UUID:
    """The request, when it is the caller's organisation's and the caller holds one of ``roles``;
    another organisation's request is answered as none (404)."""
    request = app.get_request(request_id)
    if not actor.belongs_to(request.org_id):
        raise RecordNotFound(f"no request with id {request_id}")
    actor.require(roles, request.org_id, "handling a request for public records")
    return request_id
