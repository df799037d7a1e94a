"""Retention and disposal for records officers (and auditors, who read): the records plan,
what is due, holds, disposal decisions, and the erasure of a commenter's personal data."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, status

from api.deps import SUPERVISORS, AppDep, CurrentActor, ViewsDep, WaitFor, own_organisation
from api.schemas.channels import Recorded
from api.schemas.retention import (
    DisposalCreate,
    DisposalDone,
    DisposalLogEntry,
    DueRecords,
    HeldRecord,
    HoldLift,
    HoldPlace,
    HoldRecord,
    PlanAdopt,
    PlanDryRun,
    PlanDryRunResult,
    Reclassify,
    RecordsPlanInForce,
    SubjectErasure,
)
from domain.actors import Role
from domain.audience import RECORD_READERS
from kanalarkiv.application.outcomes import RecordNotFound
from kanalarkiv.archival.renderings import reach_copies

router = APIRouter(tags=["retention"])


def _done(reach: Any) -> DisposalDone:
    return DisposalDone(
        **vars(reach.recorded),
        renderings_remade=[vars(r) for r in reach.renderings_remade],
        uploaded_snapshots=reach.uploaded_snapshots,
    )


@router.get(
    "/v1/records-plan",
    summary="The records plan in force",
    responses={404: {"description": "No records plan is adopted yet"}},
)
def read_plan(actor: CurrentActor, views: ViewsDep, wait_for_position: WaitFor = None) -> RecordsPlanInForce:
    org_id = own_organisation(actor, SUPERVISORS, "reading the records plan")
    views.wait_for("retention", wait_for_position)
    plan = views.retention.plan(org_id)
    if plan is None:
        raise RecordNotFound("no records plan is adopted yet")
    return RecordsPlanInForce.model_validate(plan)


@router.post(
    "/v1/records-plan",
    status_code=status.HTTP_201_CREATED,
    response_model=Recorded,
    summary="Adopt a new version of the records plan",
)
def adopt_plan(body: PlanAdopt, actor: CurrentActor, app: AppDep) -> Recorded:
    org_id = own_organisation(actor, {Role.RECORDS_OFFICER}, "adopting a records plan")
    return Recorded.model_validate(
        app.adopt_records_plan(org_id, body.classes, body.decision_reference), from_attributes=True
    )


@router.post("/v1/records-plan/dry-run", summary="What a proposed plan would change")
def dry_run(body: PlanDryRun, actor: CurrentActor, app: AppDep, views: ViewsDep) -> PlanDryRunResult:
    """Records that would become due, and those no longer due, if the proposed plan were adopted now."""
    org_id = own_organisation(actor, RECORD_READERS, "trying out a records plan")
    return PlanDryRunResult.model_validate(views.retention.dry_run(org_id, app.preview_plan(body.classes), app.clock()))


@router.get("/v1/retention/due", summary="Due for disposal (now, or within some days)")
def due(
    actor: CurrentActor,
    views: ViewsDep,
    app: AppDep,
    within_days: Annotated[int, Query(ge=0, le=3650, description="0: due now; N: due within N days")] = 0,
    wait_for_position: WaitFor = None,
) -> list[DueRecords]:
    org_id = own_organisation(actor, RECORD_READERS, "reading what is due for disposal")
    views.wait_for("retention", wait_for_position)
    return [
        DueRecords.model_validate(row)
        for row in views.retention.due_summary(org_id, app.clock(), timedelta(days=within_days))
    ]


@router.get("/v1/retention/held", summary="Records covered by a disposal hold")
def held(actor: CurrentActor, views: ViewsDep, wait_for_position: WaitFor = None) -> list[HeldRecord]:
    org_id = own_organisation(actor, RECORD_READERS, "reading held records")
    views.wait_for("retention", wait_for_position)
    return [HeldRecord.model_validate(row) for row in views.retention.held(org_id)]


@router.get("/v1/retention/holds", summary="Disposal holds, active and lifted")
def holds(actor: CurrentActor, views: ViewsDep, wait_for_position: WaitFor = None) -> list[HoldRecord]:
    org_id = own_organisation(actor, RECORD_READERS, "reading disposal holds")
    views.wait_for("retention", wait_for_position)
    return [HoldRecord.model_validate(row) for row in views.retention.holds(org_id)]


@router.post(
    "/v1/retention/holds",
    status_code=status.HTTP_201_CREATED,
    response_model=Recorded,
    summary="Place a disposal hold (gallringsstopp)",
)
def place_hold(body: HoldPlace, actor: CurrentActor, app: AppDep) -> Recorded:
    org_id = own_organisation(actor, RECORD_READERS, "placing a disposal hold")
    return Recorded.model_validate(
        app.place_hold(org_id, body.scope, body.target, body.query, body.reason), from_attributes=True
    )


@router.post("/v1/retention/holds/{hold_id}/lift", response_model=Recorded, summary="Lift a disposal hold")
def lift_hold(hold_id: UUID, body: HoldLift, actor: CurrentActor, app: AppDep) -> Recorded:
    org_id = own_organisation(actor, RECORD_READERS, "lifting a disposal hold")
    return Recorded.model_validate(app.lift_hold(org_id, hold_id, body.reason), from_attributes=True)


@router.post("/v1/records/{record_id}/reclassify", response_model=Recorded, summary="Reclassify a record")
def reclassify(record_id: UUID, body: Reclassify, actor: CurrentActor, app: AppDep) -> Recorded:
    org_id = own_organisation(actor, {Role.RECORDS_OFFICER}, "reclassifying a record")
    return Recorded.model_validate(
        app.reclassify_record(org_id, record_id, body.to_class, body.reason), from_attributes=True
    )


@router.post(
    "/v1/disposals",
    status_code=status.HTTP_201_CREATED,
    response_model=DisposalDone,
    summary="Decide and execute a disposal",
)
def dispose(
    body: DisposalCreate, actor: CurrentActor, app: AppDep, views: ViewsDep, wait_for_position: WaitFor = None
) -> DisposalDone:
    """The records are checked against the rule of their class in the plan in force and against
    every hold; their keys are then destroyed and the disposal is recorded. Every rendering
    holding their content is made again without it (the old one destroyed); uploaded snapshots
    covering them are listed. The answer's ``id`` is the decision's."""
    org_id = own_organisation(actor, {Role.RECORDS_OFFICER}, "deciding on disposal")
    views.wait_for("retention", wait_for_position)
    result = app.decide_disposal(
        org_id, body.reference, body.class_code, body.record_ids, body.channel_id, body.assessment
    )
    return _done(reach_copies(app, views, result))


@router.get("/v1/disposals", summary="The disposal log (kept permanently)")
def disposal_log(actor: CurrentActor, views: ViewsDep, wait_for_position: WaitFor = None) -> list[DisposalLogEntry]:
    org_id = own_organisation(actor, RECORD_READERS, "reading the disposal log")
    views.wait_for("retention", wait_for_position)
    return [DisposalLogEntry.model_validate(row) for row in views.retention.disposal_log(org_id)]


@router.post(
    "/v1/data-subject-erasures",
    status_code=status.HTTP_201_CREATED,
    response_model=DisposalDone,
    summary="Erase a commenter's personal data",
)
def erase_subject(
    body: SubjectErasure, actor: CurrentActor, app: AppDep, views: ViewsDep, wait_for_position: WaitFor = None
) -> DisposalDone:
    """The commenter's name and author id are destroyed in every comment they wrote (their key
    is destroyed); the comments remain records. Lawful only where archiving duties allow.
    Renderings never show commenters' identity; uploaded snapshots covering the comments are listed."""
    org_id = own_organisation(actor, {Role.RECORDS_OFFICER}, "erasing personal data")
    views.wait_for("channel_content", wait_for_position)
    comments = views.channel_content.comments_by_author(org_id, body.platform_author_id, None)
    result = app.erase_data_subject(
        org_id, body.reference, body.platform_author_id, [row["comment_id"] for row in comments], body.legal_basis
    )
    return _done(reach_copies(app, views, result))
