"""Public reads: the organisations and their channel registers."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Response

from api.deps import AsOf, OptionalActor, ViewsDep, WaitFor, require_own_past
from api.responses import conditional_json_response
from api.schemas.channels import ChannelPublic, ChannelRegister, OrganisationPublic, public_channel
from api.types import Text
from domain.actors import Actor
from kanalarkiv.application.outcomes import RecordNotFound
from projections.channel_register import PUBLIC_STATUSES

router = APIRouter(prefix="/v1/organisations", tags=["public register"])

StatusFilter = Annotated[
    list[Literal["active", "paused", "closed"]] | None,
    Query(description="Which channels to list; by default active and paused ones (repeat the parameter for more)."),
]
IfNoneMatch = Annotated[
    str | None,
    Header(description='The ETag of the register you hold, e.g. "9f8e…"; unchanged, the answer is 304 with no body.'),
]


@router.get("", response_model=list[OrganisationPublic], summary="Organisations")
def list_organisations(views: ViewsDep, wait_for_position: WaitFor = None) -> list[OrganisationPublic]:
    views.wait_for("organisations", wait_for_position)
    return [OrganisationPublic.model_validate(row) for row in views.organisations.all()]


@router.get(
    "/{slug}/channels",
    response_model=ChannelRegister,
    summary="Förteckning över sociala medier",
    responses={304: {"description": "Not modified: the register is still the one whose ETag you sent."}},
)
def channel_register(
    slug: Text,
    views: ViewsDep,
    actor: OptionalActor,
    as_of: AsOf,
    status: StatusFilter = None,
    wait_for_position: WaitFor = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """The organisation's public register of social media, as its website shows it. No token needed
    — except to read it as it stood at a past instant (``as_of``), which auditors and records officers may.
    The answer's ``ETag`` changes exactly when the register does: send it back as ``If-None-Match``
    and an unchanged register answers 304 with no body."""
    views.wait_for("channel_register", as_of or wait_for_position)
    organisation, rows = register_rows(views, slug, tuple(status or ("active", "paused")), as_of, actor)
    # Serialised once, straight from the rows: the body is what ChannelRegister serialises to.
    return conditional_json_response(
        {
            "organisation": organisation["name"],
            "organisation_slug": organisation["slug"],
            "channels": [public_channel(row) for row in rows],
        },
        if_none_match,
        private=actor is not None,
    )


def register_rows(
    views: ViewsDep, slug: str, statuses: tuple[str, ...], as_of: int | None = None, actor: Actor | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The organisation's register row and its channels' rows with these statuses (public ones only)."""
    organisation = views.channel_register.organisation_by_slug(slug)
    if organisation is None:
        raise RecordNotFound(f"no organisation with slug '{slug}'")
    require_own_past(actor, organisation["org_id"], as_of, "register")
    wanted = tuple(s for s in statuses if s in PUBLIC_STATUSES)
    return organisation, views.channel_register.channels_of(organisation["org_id"], wanted, as_of)


def public_register(
    views: ViewsDep, slug: str, statuses: tuple[str, ...], as_of: int | None = None, actor: Actor | None = None
) -> ChannelRegister:
    organisation, rows = register_rows(views, slug, statuses, as_of, actor)
    return ChannelRegister(
        organisation=organisation["name"],
        organisation_slug=organisation["slug"],
        channels=[ChannelPublic.from_row(row) for row in rows],
    )
