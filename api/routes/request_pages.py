"""The public's form for asking for records (``/{slug}/begaran``) and its receipt, in Swedish.
The form asks for no name: only the records, the form of delivery, and where to deliver. The
diary's entries and the archived posts link here with the record filled in."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request, status
from fastapi.responses import HTMLResponse

from api.deps import AppDep, OptionalActor, ViewsDep
from api.diary_answers import organisation_of
from api.errors import Unauthenticated
from api.html import templates
from api.rate_limit import public_write_limits
from api.routes.public_requests import receipt_of, receive
from api.schemas.public_requests import Form as DeliveryFormValue
from api.schemas.public_requests import RequestCreate, RequestRow
from api.types import Text
from domain.audience import RECORD_READERS
from domain.errors import InvalidValue, NotPermitted
from domain.period import SWEDISH_TIME
from domain.public_request import MAX_ITEMS
from domain.request_rules import DeliveryForm, Outcome
from kanalarkiv.application.request_records import MAX_REFERENCE

router = APIRouter(tags=["public pages"])
Prefill = Annotated[Text, Query(max_length=80)]
Field = Annotated[Text, Form(max_length=2000)]


def swedish_minute(moment: datetime) -> str:
    return f"{moment.astimezone(SWEDISH_TIME):%Y-%m-%d %H:%M}"


def _lines(value: str, field: str) -> list[str]:
    """The numbers or ids a form field lists, one a line (or separated by commas)."""
    lines = [part.strip() for part in value.replace(",", "\n").splitlines() if part.strip()]
    if len(lines) > MAX_ITEMS or any(len(line) > MAX_REFERENCE for line in lines):
        raise InvalidValue(field, f"at most {MAX_ITEMS} records, each at most {MAX_REFERENCE} characters")
    return lines


@router.get("/{slug}/begaran", response_class=HTMLResponse, summary="Begär ut allmän handling (HTML-formulär)")
def request_form(
    slug: Text,
    request: Request,
    views: ViewsDep,
    diarienummer: Prefill = "",
    inlagg: Prefill = "",
    kommentar: Prefill = "",
) -> HTMLResponse:
    """The form, with the record a link named already filled in."""
    organisation = organisation_of(views, slug)
    context = {
        "organisation": organisation["name"],
        "slug": slug,
        "form": {"diarienummer": diarienummer, "inlagg": inlagg, "kommentar": kommentar},
        "forms": [(f.value, f.label_sv) for f in DeliveryForm],
    }
    return templates.TemplateResponse(request, "begaran.html", context)


@router.post(
    "/{slug}/begaran",
    response_class=HTMLResponse,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(public_write_limits)],
    summary="Skicka en begäran om allmän handling (HTML-formulär)",
)
def send_request(
    slug: Text,
    request: Request,
    views: ViewsDep,
    app: AppDep,
    utlamning: Annotated[DeliveryFormValue, Form()],
    diarienummer: Field = "",
    inlagg: Field = "",
    kommentar: Field = "",
    beskrivning: Field = "",
    epost: Annotated[Text, Form(max_length=254)] = "",
    postadress: Annotated[Text, Form(max_length=300)] = "",
    hamtas: Annotated[bool, Form()] = False,
) -> HTMLResponse:
    """The receipt page, with the request's number; the same whatever the named records are."""
    organisation = organisation_of(views, slug)
    body = RequestCreate(
        diary_numbers=_lines(diarienummer, "diarienummer"),
        post_ids=_lines(inlagg, "inlagg"),
        comment_ids=_lines(kommentar, "kommentar"),
        description=beskrivning or None,
        form=utlamning,
        email=epost or None,
        postal_address=postadress or None,
        collect=hamtas,
    )
    receipt = receipt_of(body, receive(app, organisation["org_id"], body))
    return templates.TemplateResponse(
        request,
        "begaran_kvitto.html",
        {
            "organisation": organisation["name"],
            "slug": slug,
            "receipt": receipt,
            "form_label": DeliveryForm(utlamning).label_sv,
            "swedish": swedish_minute,
        },
        status_code=status.HTTP_201_CREATED,
    )


@router.get(
    "/{slug}/begaranden",
    response_class=HTMLResponse,
    summary="Begäranden om allmän handling: registratorns kö (HTML)",
    responses={
        401: {"description": "No bearer token, or one that is unknown or revoked"},
        403: {"description": "The token is not a records officer's or auditor's of the organisation"},
    },
)
def request_queue_page(
    slug: Text, request: Request, actor: OptionalActor, views: ViewsDep, app: AppDep
) -> HTMLResponse:
    """The open requests, oldest first, with their age in working hours and the late ones marked;
    what the requesters wrote is shown as text, never as markup."""
    organisation = organisation_of(views, slug)  # slugs are public: asked before the token
    if actor is None:
        raise Unauthenticated("the requests page needs a bearer token (Authorization: Bearer ...)")
    if not actor.belongs_to(organisation["org_id"]) or actor.role not in RECORD_READERS:
        raise NotPermitted("the requests page is for records officers and auditors of the organisation")
    now = app.clock()
    rows = [RequestRow.of(row, now) for row in views.public_requests.requests_of(organisation["org_id"], True, 500, 0)]
    context = {
        "organisation": organisation["name"],
        "slug": slug,
        "requests": rows,
        "kinds": {"diary_entry": "diarienummer", "post": "inlägg", "comment": "kommentar", "unresolved": "att utreda"},
        "outcomes": {o.value: o.label_sv for o in Outcome},
        "forms": {f.value: f.label_sv for f in DeliveryForm},
        "swedish": swedish_minute,
    }
    return templates.TemplateResponse(request, "begaranden.html", context)
