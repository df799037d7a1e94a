"""The audit trail (granskningsspår) for records officers and auditors: filter, page, export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Annotated, Any, Literal
from uuid import UUID

import orjson
from fastapi import APIRouter, Query, Response
from fastapi.responses import StreamingResponse

from api.deps import CurrentActor, ViewsDep, WaitFor
from api.schemas.channels import AuditEntry
from api.types import Instant, Text
from domain.actors import Role
from domain.errors import NotPermitted
from projections.audit_trail import AuditQuery

router = APIRouter(tags=["audit trail"])
AUDIT_READERS = {Role.RECORDS_OFFICER, Role.AUDITOR}
EXPORT_PAGE = 5000
COLUMNS = list(AuditEntry.model_fields)


@router.get(
    "/v1/audit-trail",
    response_model=list[AuditEntry],
    summary="The organisation's audit trail",
    responses={200: {"content": {"text/csv": {}, "application/x-ndjson": {}}}},
)
def audit_trail(
    actor: CurrentActor,
    views: ViewsDep,
    response: Response,
    entity_id: UUID | None = None,
    entity_type: Annotated[Text | None, Query(max_length=60, description="e.g. Channel, Post, Comment")] = None,
    actor_id: Annotated[Text | None, Query(max_length=200)] = None,
    event_type: Annotated[Text | None, Query(max_length=60, description="e.g. Deleted, Moderated")] = None,
    channel_id: UUID | None = None,
    recorded_from: Instant | None = None,
    recorded_to: Instant | None = None,
    order: Literal["newest", "oldest"] = "newest",
    after: Annotated[int | None, Query(ge=0, description="Continue after this position (from X-Next-After).")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    format: Literal["json", "csv", "jsonl"] = "json",
    wait_for_position: WaitFor = None,
) -> list[AuditEntry] | StreamingResponse:
    """Every event of the organisation with who, in which role, when it happened and when it was
    recorded. ``format=csv`` or ``jsonl`` exports every matching event (``limit`` and ``after``
    then apply per internal page)."""
    if actor.org_id is None or actor.role not in AUDIT_READERS:
        raise NotPermitted("the audit trail is for records officers and auditors of the organisation")
    views.wait_for("audit_trail", wait_for_position)
    query = AuditQuery(
        entity_id,
        entity_type,
        actor_id,
        event_type,
        channel_id,
        recorded_from,
        recorded_to,
        order == "oldest",
        after,
        limit,
    )
    if format != "json":
        return _export(views, actor.org_id, query, format)
    rows = views.audit_trail.search(actor.org_id, query)
    if len(rows) == limit:
        response.headers["X-Next-After"] = str(rows[-1]["position"])
    return [AuditEntry.model_validate(row) for row in rows]


def _export(views: ViewsDep, org_id: UUID, query: AuditQuery, format: str) -> StreamingResponse:
    pages = _all_pages(views, org_id, query)
    if format == "jsonl":
        body = (
            orjson.dumps(AuditEntry.model_validate(row).model_dump(mode="json")) + b"\n"
            for page in pages
            for row in page
        )
        return StreamingResponse(
            body,
            media_type="application/x-ndjson",
            headers={"Content-Disposition": 'attachment; filename="audit-trail.jsonl"'},
        )
    return StreamingResponse(
        _csv(pages),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit-trail.csv"'},
    )


def _all_pages(views: ViewsDep, org_id: UUID, query: AuditQuery) -> Iterator[list[dict[str, Any]]]:
    after = query.after
    while True:
        page = views.audit_trail.search(org_id, AuditQuery(**{**vars(query), "after": after, "limit": EXPORT_PAGE}))
        if not page:
            return
        yield page
        after = page[-1]["position"]


def _csv(pages: Iterator[list[dict[str, Any]]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for page in pages:
        for row in page:
            entry = AuditEntry.model_validate(row).model_dump(mode="json")
            writer.writerow([orjson.dumps(entry[c]).decode() if c == "details" else entry[c] for c in COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()
