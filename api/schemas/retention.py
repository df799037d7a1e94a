"""Retention's requests and answers: the records plan, holds, disposal decisions and their log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from api.schemas.channels import Recorded
from api.types import Text

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
    {
        "code": "public_request",
        "name": "Begäran om allmän handling (beställarens kontaktuppgifter)",
        "rule": "after_period",
        "period": "P2Y",
        "trigger": "created",
        "legal_basis": "Kommunarkivets gallringsbeslut KS 2025/0117 p. 9",
    },
    {
        "code": "request_copy",
        "name": "Utlämnad kopia",
        "rule": "after_period",
        "period": "P2Y",
        "trigger": "created",
        "legal_basis": "Kommunarkivets gallringsbeslut KS 2025/0117 p. 9",
    },
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


class PlanClass(BaseModel):
    code: str
    name: str
    rule: Literal["keep", "after_period", "when_no_longer_relevant"]
    period: str | None = Field(description="ISO 8601 duration, e.g. P2Y, for after_period.")
    trigger: Literal["created", "removed"] | None
    legal_basis: str


class RecordsPlanInForce(BaseModel):
    """The version of the records plan (informationshanteringsplan) in force, and its classes."""

    org_id: UUID
    version: int
    decision_reference: str
    adopted_at: datetime
    adopted_by: str
    classes: list[PlanClass]


class RecordChanged(BaseModel):
    record_id: UUID
    class_code: str
    created_at: datetime


class PlanDryRunResult(BaseModel):
    newly_due: list[RecordChanged] = Field(description="Records the proposed plan would make due now.")
    no_longer_due: list[RecordChanged] = Field(description="Records due now that the proposed plan would keep.")


class DueRecords(BaseModel):
    """Records of one class on one channel due for disposal (and not held)."""

    class_code: str
    channel_id: UUID | None
    records: int
    oldest_due: datetime = Field(description="When the first of them became (or becomes) due.")
    oldest: datetime = Field(description="When the oldest of them came into being.")


class HeldRecord(BaseModel):
    record_id: UUID
    kind: str
    class_code: str
    channel_id: UUID | None
    created_at: datetime
    due_at: datetime | None


class HoldRecord(BaseModel):
    """A disposal hold (gallringsstopp), active until lifted."""

    hold_id: UUID
    org_id: UUID
    scope: Literal["record", "channel", "case", "query"]
    target: str | None
    query: dict[str, Any] | None
    reason: str
    placed_at: datetime
    placed_by: str
    lifted_at: datetime | None
    lift_reason: str | None


class DisposalLogEntry(BaseModel):
    """A disposal decision, kept permanently: what was disposed of, under which rule, by whom."""

    decision_id: UUID
    reference: str
    class_code: str
    plan_version: int
    rule: dict[str, Any] = Field(description="The class's rule as it stood in the plan version applied.")
    records: int
    key_count: int = Field(description="How many keys were destroyed.")
    assessment: str | None
    decided_at: datetime
    decided_by: str
    executed_at: datetime | None
    renderings: list[RenderingReached]
