"""Live sources (insamlingskällor): connected to a channel, changed, disconnected, tried, polled
now; listed with their state (``?state=failing``: the ones to look at). Managers and records
officers of the channel's organisation. Credentials go in, never out."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from api.deps import (
    AppDep,
    CurrentActor,
    ExpectedVersion,
    ViewsDep,
    WaitFor,
    own_organisation,
    require_staff_of_channel,
)
from api.schemas.capture_runs import RunCountsPublic
from api.schemas.capture_sources import (
    CaptureSourceChange,
    CaptureSourceCreate,
    CaptureSourcePublic,
    PollPublic,
    SourceCredentials,
    SourceTried,
    source_public,
)
from api.schemas.channels import Recorded
from api.types import Text
from domain.channel import CHANNEL_STEWARDS
from domain.secret import Secret
from kanalarkiv.adapters.credentials import Credentials
from kanalarkiv.application.outcomes import RecordNotFound
from kanalarkiv.readside.views import Views

router = APIRouter(tags=["capture sources"])
State = Literal["new", "ok", "failing", "disconnected"]


@router.post(
    "/v1/channels/{channel_id}/capture-sources",
    status_code=status.HTTP_201_CREATED,
    response_model=Recorded,
    summary="Connect the channel to a live source",
)
def connect_source(
    channel_id: UUID, body: CaptureSourceCreate, actor: CurrentActor, app: AppDep, response: Response
) -> Recorded:
    """The credentials are sealed outside the log; the answer names the source, never them. An
    account already connected (to any channel) answers 409."""
    recorded = app.connect_capture_source(
        channel_id,
        body.kind.value,
        platform_id=body.platform_id,
        url=body.url,
        polling_interval=timedelta(minutes=body.polling_interval_minutes),
        credentials=credentials_of(body.credentials),
    )
    response.headers["Location"] = f"/v1/capture-sources/{recorded.id}"
    return Recorded.model_validate(recorded, from_attributes=True)


@router.get(
    "/v1/channels/{channel_id}/capture-sources",
    response_model=list[CaptureSourcePublic],
    summary="The channel's live sources",
)
def channel_sources(
    channel_id: UUID, actor: CurrentActor, views: ViewsDep, app: AppDep, wait_for_position: WaitFor = None
) -> list[CaptureSourcePublic]:
    channel = require_staff_of_channel(views, channel_id, actor, "reading the capture sources", CHANNEL_STEWARDS)
    views.wait_for("capture_sources", wait_for_position)
    now = app.clock()
    rows = views.capture_sources.listing(channel["org_id"])
    return [source_public(row, now) for row in rows if row["channel_id"] == channel_id]


@router.get("/v1/capture/sources", response_model=list[CaptureSourcePublic], summary="The organisation's live sources")
def organisation_sources(
    actor: CurrentActor,
    views: ViewsDep,
    app: AppDep,
    state: Annotated[State | None, Query(description="Only those in this state; failing: the ones to look at.")] = None,
    wait_for_position: WaitFor = None,
) -> list[CaptureSourcePublic]:
    org_id = own_organisation(actor, CHANNEL_STEWARDS, "reading the capture sources")
    views.wait_for("capture_sources", wait_for_position)
    now = app.clock()
    return [source_public(row, now) for row in views.capture_sources.listing(org_id, state)]


@router.get("/v1/capture-sources/{source_id}", response_model=CaptureSourcePublic, summary="A live source")
def one_source(
    source_id: UUID, actor: CurrentActor, views: ViewsDep, app: AppDep, wait_for_position: WaitFor = None
) -> CaptureSourcePublic:
    views.wait_for("capture_sources", wait_for_position)
    return source_public(source_row(views, source_id, actor), app.clock())


@router.patch("/v1/capture-sources/{source_id}", response_model=Recorded, summary="Change a live source")
def change_source(
    source_id: UUID,
    body: CaptureSourceChange,
    actor: CurrentActor,
    app: AppDep,
    version: ExpectedVersion,
    response: Response,
) -> Recorded:
    """Its interval, a feed's address, or new credentials (the old ones are destroyed; a source
    whose polling stopped on refused credentials resumes)."""
    minutes = body.polling_interval_minutes
    recorded = app.change_capture_source(
        source_id,
        polling_interval=timedelta(minutes=minutes) if minutes else None,
        url=body.url,
        credentials=credentials_of(body.credentials),
        expected_version=version,
    )
    response.headers["ETag"] = f'"{recorded.version}"'
    return Recorded.model_validate(recorded, from_attributes=True)


@router.delete("/v1/capture-sources/{source_id}", response_model=Recorded, summary="Disconnect a live source")
def disconnect_source(
    source_id: UUID,
    actor: CurrentActor,
    app: AppDep,
    version: ExpectedVersion,
    reason: Annotated[Text, Query(min_length=1, max_length=1000, description="Why (skäl); kept in the log.")],
) -> Recorded:
    """Polled no more; its credentials are destroyed; what it captured stays the channel's record."""
    return Recorded.model_validate(app.disconnect_capture_source(source_id, reason, version), from_attributes=True)


@router.post("/v1/capture-sources/{source_id}/test", response_model=SourceTried, summary="Try a live source")
def try_source(source_id: UUID, actor: CurrentActor, app: AppDep) -> SourceTried:
    """A dry fetch of the last day: whether the token and the account work. Records nothing."""
    tried = app.try_capture_source(source_id)
    if isinstance(tried, int):
        return SourceTried(ok=True, answers=tried, reason=None, detail=None)
    return SourceTried(ok=False, answers=0, reason=tried.reason.value, detail=tried.detail)


@router.post("/v1/capture-sources/{source_id}/runs", response_model=PollPublic, summary="Poll a live source now")
def poll_source(source_id: UUID, actor: CurrentActor, app: AppDep) -> PollPublic:
    """One poll, now, as the poller would (in its name, for you): a capture run. A poll already
    running answers 409; a source that failed answers 200 with the failure."""
    polled = app.poll_capture_source(source_id)
    counts = RunCountsPublic(**vars(polled.counts)) if polled.counts else None
    return PollPublic(**{**vars(polled), "counts": counts})


def source_row(views: Views, source_id: UUID, actor: CurrentActor) -> dict:  # type: ignore[type-arg]
    rows = views.capture_sources.listing(None, source_id=source_id)
    if not rows:
        raise RecordNotFound(f"no capture source with id {source_id}")
    actor.require(CHANNEL_STEWARDS, rows[0]["org_id"], "reading a capture source")
    return rows[0]


def credentials_of(given: SourceCredentials | None) -> Credentials | None:
    if given is None:
        return None
    secrets = {name: Secret(value.get_secret_value()) for name, value in given if value is not None}
    return Credentials(**secrets)
