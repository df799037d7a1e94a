"""Half-year snapshots of the channels (story 7): upload, the service's own PDF/A rendering,
fixity checks, and the overdue list the webmaster sees first."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, File, Form, Response, UploadFile, status
from pydantic import BaseModel, ConfigDict, Field

from api.deps import AppDep, CurrentActor, ViewsDep, WaitFor, require_staff_of_channel
from api.schemas.channels import Recorded
from api.types import Day, Instant
from domain.actors import Role
from domain.audience import Audience
from domain.errors import InvalidValue, NotPermitted
from domain.period import Period
from kanalarkiv.adapters.snapshot_store import SnapshotDisposed
from kanalarkiv.archival.renderings import make_rendering
from retention.snapshots import MAX_BYTES, MediaType

router = APIRouter(tags=["snapshots"])
OVERSEERS = {Role.WEBMASTER, Role.RECORDS_OFFICER, Role.MANAGER, Role.AUDITOR}


class RenderingCreate(BaseModel):
    period_start: Day = Field(description="The period's first day (Swedish time).")
    period_end: Day = Field(description="The period's last day, included.")
    audience: Audience | None = Field(
        None,
        description=(
            "'public': the channel as published (no deleted text, no hidden or removed comments), readable by "
            "webmasters, records officers and auditors; 'records': the whole record, readable by records officers "
            "and auditors only. Default: the widest the requester may see."
        ),
    )
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"period_start": "2026-01-01", "period_end": "2026-06-30"}]}
    )


class FixityResult(BaseModel):
    intact: bool
    position: int


@router.post(
    "/v1/channels/{channel_id}/snapshots",
    status_code=status.HTTP_201_CREATED,
    response_model=Recorded,
    summary="Upload a snapshot of a channel",
)
def upload(
    channel_id: UUID,
    actor: CurrentActor,
    app: AppDep,
    file: Annotated[UploadFile, File(description="PNG, JPEG, PDF or WARC, at most 50 MiB")],
    period_start: Annotated[Day, Form()],
    period_end: Annotated[Day, Form()],
    taken_at: Annotated[Instant | None, Form()] = None,
) -> Recorded:
    """The webmaster's half-year snapshot (skärmdump). Stored encrypted, addressed by its SHA-256."""
    content = file.file.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise InvalidValue("file", f"must be at most {MAX_BYTES // (1024 * 1024)} MiB")
    result = app.take_snapshot(
        channel_id, period_start, period_end, file.filename or "snapshot", file.content_type or "", content, taken_at
    )
    return Recorded.model_validate(result, from_attributes=True)


@router.post(
    "/v1/channels/{channel_id}/snapshots/rendering",
    status_code=status.HTTP_201_CREATED,
    response_model=Recorded,
    summary="Render the channel's own record as a PDF/A snapshot",
)
def render(
    channel_id: UUID,
    body: RenderingCreate,
    actor: CurrentActor,
    app: AppDep,
    views: ViewsDep,
    wait_for_position: WaitFor = None,
) -> Recorded:
    """The posts published in the period, with their comments and replies, as PDF/A-2b, kept as a
    snapshot — showing what its audience may see through the API, and nothing more."""
    views.wait_for("channel_content", wait_for_position)
    period = Period.of(body.period_start, body.period_end)
    result = make_rendering(app, views, channel_id, period, body.audience)
    return Recorded.model_validate(result, from_attributes=True)


@router.get("/v1/channels/{channel_id}/snapshots", summary="A channel's snapshots")
def list_snapshots(
    channel_id: UUID, actor: CurrentActor, views: ViewsDep, wait_for_position: WaitFor = None
) -> list[dict[str, Any]]:
    views.wait_for("snapshots", wait_for_position)
    require_staff_of_channel(views, channel_id, actor, "reading a channel's snapshots", OVERSEERS)
    return views.snapshots.of_channel(channel_id)


@router.get("/v1/snapshots/overdue", summary="When each channel's next snapshot is due; overdue first")
def overdue(
    actor: CurrentActor, views: ViewsDep, app: AppDep, wait_for_position: WaitFor = None
) -> list[dict[str, Any]]:
    """Channels in use, overdue ones (no snapshot in the last six months) first."""
    if actor.org_id is None or actor.role not in OVERSEERS:
        raise NotPermitted("the snapshot schedule is for webmasters, records officers, managers and auditors")
    views.wait_for("snapshots", wait_for_position)
    return views.snapshots.overdue_first(actor.org_id, app.clock())


@router.post("/v1/snapshots/{snapshot_id}/fixity", response_model=FixityResult, summary="Check a snapshot's fixity")
def fixity(snapshot_id: UUID, actor: CurrentActor, app: AppDep) -> FixityResult:
    """Read the stored file back and compare its SHA-256 with the one recorded when it was taken."""
    intact, recorded = app.check_fixity(snapshot_id)
    return FixityResult(intact=intact, position=recorded.position)


@router.get(
    "/v1/snapshots/{snapshot_id}/content",
    summary="The snapshot's file",
    responses={
        200: {"description": "The file as taken.", "content": {t.value: {} for t in MediaType}},
        410: {"description": "Disposed of: its key is destroyed.", "content": {"text/plain": {}}},
    },
)
def content(snapshot_id: UUID, actor: CurrentActor, app: AppDep) -> Response:
    """A rendering of the whole record is for records officers and auditors only (403 for others);
    a disposed snapshot, or a rendering a disposal reached, answers 410 naming the decision."""
    try:
        snapshot, data = app.snapshot_content(snapshot_id)
    except SnapshotDisposed as disposed:
        return Response(status_code=410, content=str(disposed), media_type="text/plain; charset=utf-8")
    return Response(
        content=data,
        media_type=snapshot.media_type,
        headers={"Digest": f"sha-256={snapshot.sha256}", "Cache-Control": "no-store"},
    )
