"""The public diary as Swedish pages (``/{slug}/diarium``, one page per entry) and the extract
(CSV or PDF) for a date range. Everything here is built from public entries only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated, Literal
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from api.deps import AppDep, ViewsDep
from api.diary_answers import day_range, diary_query, entry_public, organisation_of, public_entry_row
from api.diary_export import csv_extract, pdf_extract
from api.html import templates
from api.schemas.diary_reads import DiaryEntryPublic, DiaryPage
from api.types import Day, Text, checked_day
from domain.diary import RecordType
from domain.errors import InvalidValue

router = APIRouter(tags=["public diary pages"])
PAGE_SIZE = 50
EXTRACT_PAGE = 1000
PDF_MAX = 5000
FormText = Annotated[Text, Query(max_length=200)]


@router.get("/{slug}/diarium", response_class=HTMLResponse, summary="Diariet (HTML)")
def diary_page(
    slug: Text,
    request: Request,
    views: ViewsDep,
    q: FormText = "",
    date_from: Annotated[Text, Query(alias="from", max_length=10)] = "",
    date_to: Annotated[Text, Query(alias="to", max_length=10)] = "",
    diary_number: Annotated[Text, Query(max_length=40)] = "",
    case: Annotated[Text, Query(max_length=40)] = "",
    record_type: Annotated[Text, Query(max_length=40)] = "",
    page: Annotated[int, Query(ge=1, le=20_000)] = 1,
) -> HTMLResponse:
    """The search form a municipality links from its website; empty form fields mean no filter."""
    form = {
        "q": q,
        "date_from": date_from,
        "date_to": date_to,
        "diary_number": diary_number,
        "case": case,
        "record_type": record_type,
    }
    query = diary_query(
        q,
        _form_date(date_from, "from"),
        _form_date(date_to, "to"),
        diary_number or None,
        case or None,
        _form_type(record_type),
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE,
    )  # the form is read first: a bad value is answered the same whatever the views know yet
    organisation = organisation_of(views, slug)
    rows, total = views.diary.public_entries(organisation["org_id"], query)
    result = DiaryPage(
        organisation=organisation["name"],
        organisation_slug=slug,
        total=total,
        limit=PAGE_SIZE,
        offset=query.offset,
        entries=[entry_public(slug, row) for row in rows],
    )
    return templates.TemplateResponse(
        request,
        "diarium.html",
        {
            "organisation": organisation["name"],
            "slug": slug,
            "page": result,
            "form": form,
            "record_types": [(t.value, t.label_sv) for t in RecordType],
            "previous_url": _page_url(slug, form, page - 1) if page > 1 else None,
            "next_url": _page_url(slug, form, page + 1) if page * PAGE_SIZE < total else None,
        },
    )


@router.get("/{slug}/diarium/{entry_id}", response_class=HTMLResponse, summary="En handling i diariet (HTML)")
def entry_page(slug: Text, entry_id: UUID, request: Request, views: ViewsDep) -> HTMLResponse:
    """Each entry's stable address."""
    organisation = organisation_of(views, slug)
    entry = entry_public(slug, public_entry_row(views, slug, entry_id))
    return templates.TemplateResponse(
        request, "diarium_handling.html", {"organisation": organisation["name"], "slug": slug, "entry": entry}
    )


@router.get(
    "/v1/organisations/{slug}/diary/extract",
    summary="Utdrag ur diariet (CSV or PDF)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, "application/pdf": {}}}},
)
def extract(
    slug: Text,
    views: ViewsDep,
    app: AppDep,
    date_from: Annotated[Day, Query(alias="from")],
    date_to: Annotated[Day, Query(alias="to")],
    format: Literal["csv", "pdf"] = "csv",
) -> Response:
    """Every public entry received or drawn up in the range (both days included), oldest
    registration first. A PDF holds at most 5000 entries; the CSV has no limit."""
    organisation = organisation_of(views, slug)
    day_range(date_from, date_to)
    pages = _pages(views, organisation["org_id"], slug, date_from, date_to)
    name = f"diarium-{slug}-{date_from.isoformat()}-{date_to.isoformat()}"
    if format == "csv":
        return StreamingResponse(
            csv_extract(pages),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    entries = [entry for page in pages for entry in page]
    if len(entries) > PDF_MAX:
        raise InvalidValue(
            "to",
            f"the range holds {len(entries)} entries; a PDF extract holds at most {PDF_MAX}: "
            "narrow the range or ask for CSV",
        )
    body = pdf_extract(organisation["name"], date_from, date_to, entries, app.clock())
    return Response(
        body, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'}
    )


def _pages(
    views: ViewsDep, org_id: UUID, slug: str, date_from: date, date_to: date
) -> Iterator[list[DiaryEntryPublic]]:
    start, end = day_range(date_from, date_to)
    after = 0
    while True:
        rows = views.diary.public_extract(org_id, start, end, after, EXTRACT_PAGE)  # type: ignore[arg-type]
        if not rows:
            return
        yield [entry_public(slug, row) for row in rows]
        after = rows[-1]["position"]


def _form_date(value: str, field: str) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidValue(field, "a date reads like 2026-03-31") from None
    return checked_day(field, day)


def _form_type(value: str) -> RecordType | None:
    if not value:
        return None
    try:
        return RecordType(value)
    except ValueError:
        raise InvalidValue("record_type", f"must be one of {', '.join(t.value for t in RecordType)}") from None


def _page_url(slug: str, form: dict[str, str], page: int) -> str:
    params = {("from" if k == "date_from" else "to" if k == "date_to" else k): v for k, v in form.items() if v}
    return f"/{slug}/diarium?{urlencode(params | {'page': page})}"
