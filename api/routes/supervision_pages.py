"""The managers' supervision page (uppsikt), server-rendered Swedish HTML: per channel the
response target, the figures per month and the two charts, drawn into the page itself so that
the one authenticated request shows everything."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import SUPERVISORS, AppDep, OptionalActor, ViewsDep
from api.errors import Unauthenticated
from api.html import templates
from api.routes.supervision_channels import ACTIVITY_DAYS
from api.supervision_answers import statistics
from api.supervision_charts import activity_chart, inline, response_times_chart
from api.types import Text
from domain.errors import NotPermitted
from kanalarkiv.application.outcomes import RecordNotFound
from projections.channel_register import PUBLIC_STATUSES

router = APIRouter(tags=["supervision"])


@router.get(
    "/{slug}/uppsikt",
    response_class=HTMLResponse,
    summary="Uppsikt: svarstider per kanal (HTML, chefer)",
    responses={
        401: {"description": "No bearer token, or one that is unknown or revoked"},
        403: {"description": "The token is not a manager's, records officer's or auditor's of the organisation"},
    },
)
def supervision_page(slug: Text, request: Request, actor: OptionalActor, views: ViewsDep, app: AppDep) -> HTMLResponse:
    """For managers, records officers and auditors of the organisation (with their bearer token)."""
    organisation = views.channel_register.organisation_by_slug(slug)
    if organisation is None:  # slugs are public (the register page): asked before the token
        raise RecordNotFound(f"no organisation '{slug}'")
    if actor is None:
        raise Unauthenticated("the supervision page needs a bearer token (Authorization: Bearer ...)")
    if not actor.belongs_to(organisation["org_id"]) or actor.role not in SUPERVISORS:
        raise NotPermitted("the supervision page is for managers, records officers and auditors of the organisation")
    now = app.clock()
    channels = []
    for channel in views.channel_register.channels_of(organisation["org_id"], PUBLIC_STATUSES):
        figures = statistics(views, channel["id"], now)
        months = [m.model_dump() for m in figures.months]
        days = views.supervision.daily(channel["id"], now - timedelta(days=ACTIVITY_DAYS))
        channels.append(
            {
                "channel": channel,
                "figures": figures,
                "response_chart": inline(response_times_chart(months, figures.target_working_hours, channel["name"])),
                "activity_chart": inline(activity_chart(days, channel["name"])),
            }
        )
    return templates.TemplateResponse(
        request, "uppsikt.html", {"organisation": organisation["name"], "channels": channels, "now": now}
    )
