"""Retention and disposal for records officers (and auditors, who read): the records plan,
what is due, holds, disposal decisions, and the erasure of a commenter's personal data."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict, Field, JsonValue

from api.deps import SUPERVISORS, AppDep, CurrentActor, ViewsDep, WaitFor, own_organisation
from api.schemas.channels import Recorded
from api.types import Text
from domain.actors import Role
from domain.audience import RECORD_READERS
from kanalarkiv.application.outcomes import RecordNotFound
from kanalarkiv.archival.renderings import reach_copies

router = APIRouter(tags=["retention"])

EXAMPLE_PLAN: list[JsonValue] = [
    {
        "code": "post",
        "name": "Inlägg i egen kanal",
        "rule": "after_period",
        "period": "P2Y",
        "trigger": "created",
        "legal_basis": "Kommunarkivets gallringsbeslut KS 2025/0117 p. 4",
    },
    {
        "code": "comment",
        "name": "Kommentar från allmänheten",
        "rule": "when_no_longer_relevant",
        "legal_basis": "Kommunarkivets gallringsbeslut KS 2025/0117 p. 5",
    },
    {
        "code": "removed_comment",
        "name": "Borttagen kommentar",
        "rule": "after_period",
        "period": "P1Y",
        "trigger": "removed",
        "legal_basis": "Kommunarkivets gallringsbeslut KS 2025/0117 p. 6",
    },
    {
        "code": "reply",
        "name": "Svar på kommentar",
        "rule": "after_period",
        "period": "P2Y",
        "trigger": "created",
        "legal_basis": "Kommunarkivets gallringsbeslut KS 2025/0117 p. 4",
    },
    {"code": "snapshot", "name": "Skärmdump av kanal", "rule": "keep", "legal_basis": "RA-FS 2009:1"},
    {"code": "diary_entry", "name": "Diarieföring", "rule": "keep", "legal_basis": "OSL 5 kap. 1 §, arkivlagen"},
    {"code": "assignment", "name": "Redaktörsuppdrag", "rule": "keep", "legal_basis": "Arkivlagen 3 §"},
]


class PlanAdopt(BaseModel):
    classes: list[dict[Text, Any]] = Field(
        description="Each: code, name, rule (keep | after_period | "
        "when_no_longer_relevant), period (ISO, e.g. P2Y) and trigger "
        "(created | removed) for after_period, legal_basis."
    )
    decision_reference: Text = Field(min_length=1, max_length=200, description="The decision adopting this version.")
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"classes": EXAMPLE_PLAN, "decision_reference": "KS 2026/0012, § 14"}]},
    )


class PlanDryRun(BaseModel):
    classes: list[dict[Text, Any]]
    model_config = ConfigDict(extra="forbid")


class HoldPlace(BaseModel):
    scope: Literal["record", "channel", "case", "query"]
    target: Text | None = Field(None, max_length=200, description="The record id, channel id or case diary number.")
    query: dict[Text, Text] | None = Field(
        None, description="For scope=query: channel_id, class_code, kind, created_from, created_to."
    )
    reason: Text = Field(min_length=1, max_length=2000)
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "scope": "channel",
                    "target": "44bc5a00-2c68-4387-bb9b-d3dabcc3cbd6",
                    "reason": "JO:s utredning dnr 1234-2026",
                }
            ]
        },
    )


class HoldLift(BaseModel):
    reason: Text = Field(min_length=1, max_length=2000)
    model_config = ConfigDict(extra="forbid")


class Reclassify(BaseModel):
    to_class: Text = Field(min_length=1, max_length=60)
    reason: Text = Field(min_length=1, max_length=2000)
    model_config = ConfigDict(extra="forbid")


class DisposalCreate(BaseModel):
    reference: Text = Field(min_length=1, max_length=60, description="The decision's diary number, e.g. KS 2026/0201.")
    class_code: Text = Field(min_length=1, max_length=60)
    record_ids: list[UUID] | None = Field(
        None,
        max_length=10_000,
        description="The records; or leave out to take every due record of the class (on channel_id if given).",
    )
    channel_id: UUID | None = None
    assessment: Text | None = Field(None, max_length=2000, description="For 'when no longer relevant': why they are.")
    model_config = ConfigDict(extra="forbid")


class SubjectErasure(BaseModel):
    platform_author_id: Text = Field(min_length=1, max_length=200)
    reference: Text = Field(min_length=1, max_length=60, description="The data subject's request, e.g. KS 2026/0101.")
    legal_basis: Text = Field(min_length=1, max_length=500, description="Why the erasure is lawful (GDPR art. 17).")
    model_config = ConfigDict(extra="forbid")


class RenderingReached(BaseModel):
    snapshot_id: UUID = Field(description="The rendering that held disposed content: its key is destroyed (410).")
    remade_as: UUID = Field(description="The same rendering made again without it.")


class UploadCovering(BaseModel):
    snapshot_id: UUID
    channel_id: UUID
    period_start: date
    period_end: date
    taken_at: datetime
    taken_by: str
    filename: str
    records: int = Field(description="How many of the decision's records came into being in its period.")


class DisposalDone(Recorded):
    renderings_remade: list[RenderingReached] = Field(description="The service's renderings the decision reached.")
    uploaded_snapshots: list[UploadCovering] = Field(
        description=(
            "Uploaded snapshots whose period covers a disposed record. They are the webmaster's own records under "
            "their own class and are left as they are; dispose of one by a decision on that class if it must go."
        )
    )


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
def read_plan(actor: CurrentActor, views: ViewsDep, wait_for_position: WaitFor = None) -> dict[str, Any]:
    org_id = own_organisation(actor, SUPERVISORS, "reading the records plan")
    views.wait_for("retention", wait_for_position)
    plan = views.retention.plan(org_id)
    if plan is None:
        raise RecordNotFound("no records plan is adopted yet")
    return plan


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
def dry_run(body: PlanDryRun, actor: CurrentActor, app: AppDep, views: ViewsDep) -> dict[str, Any]:
    """Records that would become due, and those no longer due, if the proposed plan were adopted now."""
    org_id = own_organisation(actor, RECORD_READERS, "trying out a records plan")
    return views.retention.dry_run(org_id, app.preview_plan(body.classes), app.clock())


@router.get("/v1/retention/due", summary="Due for disposal (now, or within some days)")
def due(
    actor: CurrentActor,
    views: ViewsDep,
    app: AppDep,
    within_days: Annotated[int, Query(ge=0, le=3650, description="0: due now; N: due within N days")] = 0,
    wait_for_position: WaitFor = None,
) -> list[dict[str, Any]]:
    org_id = own_organisation(actor, RECORD_READERS, "reading what is due for disposal")
    views.wait_for("retention", wait_for_position)
    return views.retention.due_summary(org_id, app.clock(), timedelta(days=within_days))


@router.get("/v1/retention/held", summary="Records covered by a disposal hold")
def held(actor: CurrentActor, views: ViewsDep, wait_for_position: WaitFor = None) -> list[dict[str, Any]]:
    org_id = own_organisation(actor, RECORD_READERS, "reading held records")
    views.wait_for("retention", wait_for_position)
    return views.retention.held(org_id)


@router.get("/v1/retention/holds", summary="Disposal holds, active and lifted")
def holds(actor: CurrentActor, views: ViewsDep, wait_for_position: WaitFor = None) -> list[dict[str, Any]]:
    org_id = own_organisation(actor, RECORD_READERS, "reading disposal holds")
    views.wait_for("retention", wait_for_position)
    return views.retention.holds(org_id)


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
def disposal_log(actor: CurrentActor, views: ViewsDep, wait_for_position: WaitFor = None) -> list[dict[str, Any]]:
    org_id = own_organisation(actor, RECORD_READERS, "reading the disposal log")
    views.wait_for("retention", wait_for_position)
    return views.retention.disposal_log(org_id)


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
