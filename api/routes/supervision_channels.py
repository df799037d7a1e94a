"""A channel's supervision policy and figures: its user information (BBS-lagen 3 §) as it stands
or stood on a day, its response target, and for managers the figures per month and the charts."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import SUPERVISORS, AppDep, CurrentActor, OptionalActor, ViewsDep, WaitFor, require_staff_of_channel
from api.schemas.channels import Recorded
from api.schemas.supervision import (
    ChannelStatistics,
    ResponseTargetWrite,
    UserInformationPublic,
    UserInformationWrite,
)
from api.supervision_answers import end_of, statistics, user_information
from api.supervision_charts import SVG, activity_chart, response_times_chart
from api.types import Day, Instant
from kanalarkiv.application.outcomes import RecordNotFound
from kanalarkiv.readside.views import Views
from projections.channel_register import PUBLIC_STATUSES

router = APIRouter(tags=["supervision"])
ACTIVITY_DAYS = 60
SVG_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {"content": {SVG: {"schema": {"type": "string"}}}, "description": "An SVG document (image/svg+xml)."}
}
At = Annotated[
    Instant | Day | None,
    Query(description="A day (2026-03-01: as it stood at the day's end, Swedish time) or an instant."),
]


def _public_channel(views: Views, channel_id: UUID, actor: Any) -> dict[str, Any]:
    channel = views.channel_register.channel(channel_id)
    if channel is None or (
        channel["status"] not in PUBLIC_STATUSES and not (actor and actor.belongs_to(channel["org_id"]))
    ):
        raise RecordNotFound(f"no channel with id {channel_id}")
    return channel


@router.get(
    "/v1/channels/{channel_id}/user-information",
    response_model=UserInformationPublic,
    summary="What the channel tells its users (BBS-lagen 3 §)",
)
def read_user_information(
    channel_id: UUID, actor: OptionalActor, views: ViewsDep, at: At = None, wait_for_position: WaitFor = None
) -> UserInformationPublic:
    """Who provides the channel, that what users write becomes a public record, the comment rules,
    removal, personal data and a contact. ``at`` answers what it said then; before anything was
    written, the Swedish default (``is_default``)."""
    views.wait_for("supervision", wait_for_position)
    channel = _public_channel(views, channel_id, actor)
    organisation = views.supervision.organisation_name(channel["org_id"]) or ""
    return user_information(views, channel, organisation, end_of(at))


@router.put(
    "/v1/channels/{channel_id}/user-information",
    response_model=Recorded,
    summary="Write the channel's user information",
)
def write_user_information(channel_id: UUID, body: UserInformationWrite, actor: CurrentActor, app: AppDep) -> Recorded:
    """Managers and webmasters; each version is kept and shown for the days it was in force."""
    return Recorded.model_validate(app.write_user_information(channel_id, **body.model_dump()), from_attributes=True)


@router.put("/v1/channels/{channel_id}/response-target", response_model=Recorded, summary="Set the response target")
def set_response_target(channel_id: UUID, body: ResponseTargetWrite, actor: CurrentActor, app: AppDep) -> Recorded:
    """Managers: comments received from now on are to be answered within this many Swedish working
    hours (weekdays 08–17, public holidays and midsummer, Christmas and New Year's Eve excluded)."""
    return Recorded.model_validate(app.set_response_target(channel_id, body.working_hours), from_attributes=True)


@router.get(
    "/v1/channels/{channel_id}/supervision/statistics",
    response_model=ChannelStatistics,
    summary="Response figures per month",
)
def read_statistics(
    channel_id: UUID, actor: CurrentActor, views: ViewsDep, app: AppDep, wait_for_position: WaitFor = None
) -> ChannelStatistics:
    """Per month of receipt: share answered within the target, median and 90th percentile of the
    working hours to the first reply, and comments unanswered past the target."""
    views.wait_for("supervision", wait_for_position)
    require_staff_of_channel(views, channel_id, actor, "reading response figures", SUPERVISORS)
    return statistics(views, channel_id, app.clock())


@router.get(
    "/v1/channels/{channel_id}/supervision/response-times.svg",
    response_class=Response,
    responses=SVG_ANSWER,
    summary="Chart: response times per month (SVG)",
)
def response_times_svg(
    channel_id: UUID, actor: CurrentActor, views: ViewsDep, app: AppDep, wait_for_position: WaitFor = None
) -> Response:
    views.wait_for("supervision", wait_for_position)
    channel = require_staff_of_channel(views, channel_id, actor, "reading response figures", SUPERVISORS)
    figures = statistics(views, channel_id, app.clock())
    months = [m.model_dump() for m in figures.months]
    return Response(response_times_chart(months, figures.target_working_hours, channel["name"]), media_type=SVG)


@router.get(
    "/v1/channels/{channel_id}/supervision/activity.svg",
    response_class=Response,
    responses=SVG_ANSWER,
    summary="Chart: comments and replies per day (SVG)",
)
def activity_svg(
    channel_id: UUID, actor: CurrentActor, views: ViewsDep, app: AppDep, wait_for_position: WaitFor = None
) -> Response:
    views.wait_for("supervision", wait_for_position)
    channel = require_staff_of_channel(views, channel_id, actor, "reading response figures", SUPERVISORS)
    days = views.supervision.daily(channel_id, app.clock() - timedelta(days=ACTIVITY_DAYS))
    return Response(activity_chart(days, channel["name"]), media_type=SVG)
