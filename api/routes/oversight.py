"""Supervision (uppsikt): the grounds, response times per channel and the compliance view."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query

from api.deps import SUPERVISORS, AppDep, CurrentActor, ViewsDep, WaitFor, own_organisation, require_staff_of_channel
from api.schemas.oversight import ComplianceReport, GroundPublic, MonthlyResponse
from domain.grounds import MODERATION_GROUNDS, POST_DELETION_GROUNDS, Ground

router = APIRouter(tags=["supervision"])
ThresholdHours = Annotated[float, Query(gt=0, le=24 * 365, description="Unanswered for longer than this counts.")]


@router.get("/v1/grounds", response_model=list[GroundPublic], summary="The grounds for removing content")
def grounds() -> list[GroundPublic]:
    """The fixed, documented set: BBS-lagen 5 §, GDPR, OSL, the forum's etiquette, and for posts
    the body's own decision or a mistake."""
    return [
        GroundPublic(
            ground=g.value,
            label_sv=g.label_sv,
            law=g.law,
            for_comments=g in MODERATION_GROUNDS,
            for_posts=g in POST_DELETION_GROUNDS,
        )
        for g in Ground
    ]


@router.get(
    "/v1/channels/{channel_id}/response-times", response_model=list[MonthlyResponse], summary="Response times per month"
)
def response_times(
    channel_id: UUID,
    actor: CurrentActor,
    views: ViewsDep,
    app: AppDep,
    threshold_hours: ThresholdHours = 48,
    wait_for_position: WaitFor = None,
) -> list[MonthlyResponse]:
    """Per month of receipt (Swedish time): share of comments answered, median and 90th percentile
    time to first reply, and comments still unanswered past the threshold."""
    views.wait_for("oversight", wait_for_position)
    require_staff_of_channel(views, channel_id, actor, "reading response times", SUPERVISORS)
    rows = views.oversight.response_times(channel_id, app.clock(), timedelta(hours=threshold_hours))
    return [MonthlyResponse(**row, share_answered=round(row["answered"] / row["comments"], 4)) for row in rows]


@router.get("/v1/compliance", response_model=ComplianceReport, summary="Deviations to follow up")
def compliance(
    actor: CurrentActor,
    views: ViewsDep,
    app: AppDep,
    threshold_hours: ThresholdHours = 48,
    wait_for_position: WaitFor = None,
) -> ComplianceReport:
    """For the caller's organisation: posts without a valid assignment, deletions whose ground
    needs review (own decision, or not stated), comments unanswered past the threshold, active
    channels without an editor now, and recordings a person made more than 24 hours after the fact."""
    org_id = own_organisation(actor, SUPERVISORS, "reading the compliance view")
    views.wait_for("oversight", wait_for_position)
    views.wait_for("supervision", wait_for_position)
    now, threshold = app.clock(), timedelta(hours=threshold_hours)
    oversight = views.oversight
    names = oversight.channel_names(org_id)

    def named(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [row | {"channel_name": names.get(row["channel_id"])} for row in rows]

    return ComplianceReport(
        org_id=org_id,
        as_of=now,
        unanswered_threshold_hours=threshold_hours,
        posts_without_assignment=named(oversight.posts_without_assignment(org_id)),
        deletions_to_review=named(oversight.deletions_to_review(org_id)),
        unanswered_comments=named(oversight.unanswered(org_id, now, threshold)),
        channels_without_editor=oversight.channels_without_editor(org_id, now),
        late_recordings=named(oversight.late_recordings(org_id)),
        removals_without_notice=named(views.supervision.removals_without_notice(org_id)),
    )
