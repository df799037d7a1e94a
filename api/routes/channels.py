"""The channel register: commands on channels and reads of the register projection."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response, status

from api.deps import (
    SUPERVISORS,
    AppDep,
    AsOf,
    CurrentActor,
    ExpectedVersion,
    OptionalActor,
    ViewsDep,
    WaitFor,
    require_own_past,
)
from api.responses import json_response
from api.schemas.channels import (
    AddressChange,
    AuditEntry,
    ChannelCreate,
    ChannelDetail,
    ChannelPublic,
    PurposeChange,
    Recorded,
    ResponsibleChange,
    public_channel,
)
from api.schemas.common import Reason
from domain.errors import NotPermitted
from kanalarkiv.application.outcomes import RecordNotFound
from projections.channel_register import PUBLIC_STATUSES

router = APIRouter(prefix="/v1/channels", tags=["channels"])


def _recorded(response: Response, result: object) -> Recorded:
    recorded = Recorded.model_validate(result, from_attributes=True)
    response.headers["ETag"] = f'"{recorded.version}"'
    return recorded


@router.post("", status_code=status.HTTP_201_CREATED, response_model=Recorded, summary="Register a channel")
def register_channel(body: ChannelCreate, actor: CurrentActor, app: AppDep, response: Response) -> Recorded:
    """Enter a channel in the register, as planned (managers and records officers)."""
    if actor.org_id is None:
        raise NotPermitted("registering a channel needs a token of an organisation")
    result = app.register_channel(actor.org_id, **body.model_dump(mode="json"))
    response.headers["Location"] = f"/v1/channels/{result.id}"
    return _recorded(response, result)


@router.post("/{channel_id}/activate", response_model=Recorded, summary="Activate or resume a channel")
def activate_channel(
    channel_id: UUID, actor: CurrentActor, app: AppDep, version: ExpectedVersion, response: Response
) -> Recorded:
    return _recorded(response, app.activate_channel(channel_id, version))


@router.post("/{channel_id}/pause", response_model=Recorded, summary="Pause a channel")
def pause_channel(
    channel_id: UUID, body: Reason, actor: CurrentActor, app: AppDep, version: ExpectedVersion, response: Response
) -> Recorded:
    return _recorded(response, app.pause_channel(channel_id, body.reason, version))


@router.post("/{channel_id}/close", response_model=Recorded, summary="Close a channel")
def close_channel(
    channel_id: UUID, body: Reason, actor: CurrentActor, app: AppDep, version: ExpectedVersion, response: Response
) -> Recorded:
    return _recorded(response, app.close_channel(channel_id, body.reason, version))


@router.post("/{channel_id}/reopen", response_model=Recorded, summary="Reopen a closed channel")
def reopen_channel(
    channel_id: UUID, body: Reason, actor: CurrentActor, app: AppDep, version: ExpectedVersion, response: Response
) -> Recorded:
    return _recorded(response, app.reopen_channel(channel_id, body.reason, version))


@router.post("/{channel_id}/responsible", response_model=Recorded, summary="Change the responsible manager")
def change_responsible(
    channel_id: UUID,
    body: ResponsibleChange,
    actor: CurrentActor,
    app: AppDep,
    version: ExpectedVersion,
    response: Response,
) -> Recorded:
    return _recorded(response, app.change_channel_responsible(channel_id, body.responsible, version))


@router.post("/{channel_id}/purpose", response_model=Recorded, summary="Change the stated purpose")
def change_purpose(
    channel_id: UUID,
    body: PurposeChange,
    actor: CurrentActor,
    app: AppDep,
    version: ExpectedVersion,
    response: Response,
) -> Recorded:
    return _recorded(response, app.change_channel_purpose(channel_id, body.purpose, version))


@router.post("/{channel_id}/address", response_model=Recorded, summary="Change the address")
def change_address(
    channel_id: UUID,
    body: AddressChange,
    actor: CurrentActor,
    app: AppDep,
    version: ExpectedVersion,
    response: Response,
) -> Recorded:
    return _recorded(response, app.change_channel_address(channel_id, body.url, version))


@router.get("/{channel_id}", response_model=ChannelDetail | ChannelPublic, summary="Read one channel")
def read_channel(
    channel_id: UUID,
    actor: OptionalActor,
    views: ViewsDep,
    response: Response,
    as_of: AsOf,
    wait_for_position: WaitFor = None,
) -> ChannelDetail | Response:
    """Staff of the channel's organisation see every field and planned channels; others see
    what the public register shows. ``as_of`` reads the channel as it stood then."""
    views.wait_for("channel_register", as_of or wait_for_position)
    row = views.channel_register.channel(channel_id, as_of)
    if row is not None:
        require_own_past(actor, row["org_id"], as_of, "channel")
    if row is not None and actor is not None and actor.belongs_to(row["org_id"]):
        response.headers["ETag"] = f'"{row["version"]}"'
        return ChannelDetail.from_row(row)
    if row is None or row["status"] not in PUBLIC_STATUSES:
        raise RecordNotFound(f"no channel with id {channel_id}")
    return json_response(public_channel(row))  # serialised once: the body is what ChannelPublic serialises to


@router.get("/{channel_id}/history", response_model=list[AuditEntry], summary="A channel's events")
def channel_history(
    channel_id: UUID, actor: CurrentActor, views: ViewsDep, wait_for_position: WaitFor = None
) -> list[AuditEntry]:
    """Every event of the channel, oldest first, with actor and times: the start of its audit trail."""
    views.wait_for("audit_trail", wait_for_position)
    rows = views.audit_trail.history(channel_id)
    if not rows or rows[0]["entity_type"] != "Channel":
        raise RecordNotFound(f"no channel with id {channel_id}")
    actor.require(SUPERVISORS, rows[0]["org_id"], "reading a channel's history")
    return [AuditEntry.model_validate(row) for row in rows]
