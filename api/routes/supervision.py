"""Supervision (uppsikt, BBS-lagen 4–5 §§): the queue of flagged and unanswered comments, flags
and the decisions that resolve them, removal notices, and the organisation's lexicons."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from api.deps import AppDep, CurrentActor, ViewsDep, WaitFor, own_organisation
from api.responses import json_response
from api.schemas.channels import Recorded
from api.schemas.supervision import (
    FlagRecord,
    FlagResolution,
    LexiconPublic,
    Lexicons,
    LexiconTerms,
    NoRemovalNotice,
    QueueItem,
    RemovalNotice,
)
from api.supervision_answers import queue_item
from domain.actors import Role
from domain.supervision.defaults import default_terms, default_version_at
from domain.supervision.flags import FlagKind
from domain.supervision.lexicon import LexiconKind
from kanalarkiv.application.outcomes import RecordNotFound

router = APIRouter(tags=["supervision"])
WATCHERS = frozenset({Role.EDITOR, Role.MANAGER, Role.RECORDS_OFFICER})
"""Who watches the queue: editors, managers and records officers of the organisation."""


@router.get("/v1/supervision/queue", response_model=list[QueueItem], summary="The supervision queue")
def queue(
    actor: CurrentActor,
    views: ViewsDep,
    app: AppDep,
    channel_id: UUID | None = None,
    kind: Annotated[FlagKind | None, Query(description="Only comments with an open flag of this kind.")] = None,
    older_than_hours: Annotated[float, Query(ge=0, le=24 * 3650, description="Received at least this long ago.")] = 0,
    past_target: Annotated[bool, Query(description="Only unanswered comments past their response target.")] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    wait_for_position: WaitFor = None,
) -> Response:
    """Comments with open flags, and comments not yet answered (nor hidden, removed or moved to a
    case), oldest first. A flag is an observation for an editor to look at, not a decision."""
    org_id = own_organisation(actor, WATCHERS, "reading the supervision queue")
    views.wait_for("supervision", wait_for_position)
    rows = views.supervision.queue(
        org_id,
        app.clock(),
        channel_id,
        kind.value if kind else None,
        timedelta(hours=older_than_hours),
        past_target,
        limit,
    )
    return json_response([queue_item(row) for row in rows])  # serialised once: what list[QueueItem] serialises to


@router.get("/v1/comments/{comment_id}/flags", response_model=list[FlagRecord], summary="A comment's flags")
def comment_flags(
    comment_id: UUID, actor: CurrentActor, views: ViewsDep, wait_for_position: WaitFor = None
) -> list[FlagRecord]:
    """Every flag the comment and its replies raised, open or resolved, with the decision that resolved it."""
    views.wait_for("supervision", wait_for_position)
    rows = views.supervision.flags_of(comment_id)
    if not rows or not actor.belongs_to(rows[0]["org_id"]) or actor.role not in WATCHERS | {Role.AUDITOR}:
        raise RecordNotFound(f"no flags of a comment with id {comment_id}")
    return [FlagRecord.model_validate(_flag(row)) for row in rows]


@router.post(
    "/v1/supervision/flags/{flag_id}/resolution", response_model=Recorded, summary="Resolve a flag by a decision"
)
def resolve(
    flag_id: UUID,
    body: FlagResolution,
    actor: CurrentActor,
    views: ViewsDep,
    app: AppDep,
    wait_for_position: WaitFor = None,
) -> Recorded:
    """The decision (no action with a reason; hide or remove on a ground; move to a case) is
    recorded with its link to the flag and to the comment's other open flags; the answer's ``id``
    is the decision's."""
    views.wait_for("supervision", wait_for_position)
    flag = views.supervision.flag(flag_id)
    if flag is None or not actor.belongs_to(flag["org_id"]):
        raise RecordNotFound(f"no flag with id {flag_id}")
    flag_ids = [flag_id, *(f for f in views.supervision.open_flag_ids(flag["comment_id"]) if f != flag_id)]
    result = app.resolve_flags(
        flag["comment_id"], flag_ids, body.decision.value, **body.model_dump(exclude={"decision"})
    )
    return Recorded.model_validate(result, from_attributes=True)


@router.post(
    "/v1/comments/{comment_id}/removal-notice",
    response_model=Recorded,
    status_code=status.HTTP_201_CREATED,
    summary="Record the notice sent to a removed comment's poster",
)
def removal_notice(comment_id: UUID, body: RemovalNotice, actor: CurrentActor, app: AppDep) -> Recorded:
    result = app.record_removal_notice(comment_id, body.text, body.notice_channel.value, body.sent_at)
    return Recorded.model_validate(result, from_attributes=True)


@router.post(
    "/v1/comments/{comment_id}/removal-notice/withheld",
    response_model=Recorded,
    status_code=status.HTTP_201_CREATED,
    summary="Record why no removal notice was sent",
)
def no_removal_notice(comment_id: UUID, body: NoRemovalNotice, actor: CurrentActor, app: AppDep) -> Recorded:
    return Recorded.model_validate(app.withhold_removal_notice(comment_id, body.reason), from_attributes=True)


@router.get("/v1/supervision/lexicons", response_model=Lexicons, summary="The lexicons in force")
def lexicons(actor: CurrentActor, views: ViewsDep, app: AppDep, wait_for_position: WaitFor = None) -> Lexicons:
    """The Swedish default terms of the version in force now, and the organisation's own."""
    org_id = own_organisation(actor, WATCHERS | {Role.AUDITOR}, "reading the lexicons")
    views.wait_for("supervision", wait_for_position)
    version = default_version_at(app.clock())
    defaults, own = default_terms(version), views.supervision.own_terms(org_id)
    return Lexicons(
        default_version=version,
        own_version=views.supervision.own_lexicon_version(org_id),
        lexicons=[
            LexiconPublic(
                kind=kind,
                default_terms=[t.text for t in defaults if t.kind is kind],
                own_terms=[row["term"] for row in own if row["kind"] == kind.value],
            )
            for kind in LexiconKind
        ],
    )


@router.post(
    "/v1/supervision/lexicons/{kind}/terms",
    response_model=Recorded,
    status_code=status.HTTP_201_CREATED,
    summary="Add terms to a lexicon",
)
def add_terms(kind: LexiconKind, body: LexiconTerms, actor: CurrentActor, app: AppDep) -> Recorded:
    """Terms apply to comments recorded from now on; each change is an event."""
    org_id = own_organisation(actor, {Role.MANAGER, Role.RECORDS_OFFICER}, "changing the lexicons")
    return Recorded.model_validate(app.add_lexicon_terms(org_id, kind.value, body.terms), from_attributes=True)


@router.post("/v1/supervision/lexicons/{kind}/terms/removal", response_model=Recorded, summary="Remove own terms")
def remove_terms(kind: LexiconKind, body: LexiconTerms, actor: CurrentActor, app: AppDep) -> Recorded:
    org_id = own_organisation(actor, {Role.MANAGER, Role.RECORDS_OFFICER}, "changing the lexicons")
    return Recorded.model_validate(app.remove_lexicon_terms(org_id, kind.value, body.terms), from_attributes=True)


def _flag(row: dict[str, Any]) -> dict[str, Any]:
    return row | {"start": row["span_start"], "end": row["span_end"]}
