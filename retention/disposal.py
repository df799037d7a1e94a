"""Disposal decisions (gallringsbeslut): which records, under which rule of which plan version,
checked against the holds; executed by destroying the records' keys, and documented for good."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from dateutil.relativedelta import relativedelta

from domain.actors import Actor, Role
from domain.base import RecordAggregate, required_text
from domain.errors import InvalidTransition, InvalidValue
from retention.holds import DisposalHolds, RecordFacts
from retention.plan import RecordClass, RecordsPlan, RuleKind, Trigger

DISPOSERS = {Role.RECORDS_OFFICER}
MAX_RECORDS = 10_000


class DisposalRefused(InvalidTransition):
    """The decision would dispose of something the plan or a hold does not allow."""


def due_at(record: RecordFacts, rule: RecordClass) -> datetime | None:
    """When the record may be disposed of under ``rule``; None when never by the passing of time."""
    if rule.rule != RuleKind.AFTER_PERIOD:
        return None
    start = record.removed_at if rule.trigger == Trigger.REMOVED else record.created_at
    months = rule.months
    if rule.trigger == Trigger.CASE_CLOSED or start is None or months is None:
        return None
    return start + relativedelta(months=months)


def record_keys(record_id: UUID) -> list[str]:
    return [f"record:{record_id}"]


def disposed_marker(reference: str, at: datetime) -> str:
    return f"[Gallrad enligt beslut {reference}, {at:%Y-%m-%d}]"


class DisposalDecision(RecordAggregate):
    """One decision to dispose of records, and its execution."""

    class Decided(RecordAggregate.Created):
        """Records were decided to be disposed of (gallringsbeslut) under a rule of the plan."""

        reference: str
        class_code: str
        plan_version: int
        rule: dict[str, Any]
        record_ids: list[UUID]
        keys: list[str]
        selection: dict[str, Any]
        assessment: str | None

    class Executed(RecordAggregate.Event):
        """The records' keys were destroyed: their content is gone from every copy (gallrat)."""

        reference: str
        record_ids: list[UUID]
        keys: list[str]

        def apply(self, decision: DisposalDecision) -> None:
            decision.executed = True

        @property
        def personal_data_only(self) -> bool:
            """An erasure of commenters' personal data: the records themselves remain."""
            return all(key.startswith("subject:") for key in self.keys)

    class RenderingRemade(RecordAggregate.Event):
        """A rendering the service made held content of the decision's records: it was made again
        without it (as ``remade_as``) and the old one's key, ``key``, destroyed — the decision
        reached that copy too (gallring av kopia)."""

        snapshot_id: UUID
        remade_as: UUID
        key: str

        def apply(self, decision: DisposalDecision) -> None:
            decision.rendering_keys = [*decision.rendering_keys, self.key]

    def __init__(self, org_id: UUID, reference: str, record_ids: list[UUID], keys: list[str]):
        self.org_id = org_id
        self.reference = reference
        self.record_ids = record_ids
        self.keys = keys
        self.executed = False
        self.rendering_keys: list[str] = []

    @classmethod
    def decide(
        cls,
        decision_id: UUID,
        reference: str,
        plan: RecordsPlan,
        holds: DisposalHolds,
        class_code: str,
        records: list[RecordFacts],
        selection: dict[str, Any],
        assessment: str | None,
        by: Actor,
        at: datetime,
    ) -> DisposalDecision:
        by.require(DISPOSERS, plan.org_id, "deciding on disposal")
        rule = _disposable_rule(plan, class_code, assessment)
        if not records:
            raise InvalidValue("records", "the selection matches no record that can be disposed of")
        if len(records) > MAX_RECORDS:
            raise InvalidValue("records", f"at most {MAX_RECORDS} records in one decision")
        for record in records:
            _check_record(record, rule, holds, at)
        holds.check(decision_id, by, at)
        keys = [key for record in records for key in record_keys(record.record_id)]
        return cls._create(
            cls.Decided,
            id=decision_id,
            reference=required_text("reference", reference, 60),
            class_code=class_code,
            plan_version=plan.plan_version,
            rule=vars(rule).copy(),
            record_ids=[r.record_id for r in records],
            keys=keys,
            selection=selection,
            assessment=assessment,
            **cls.envelope(by, at, None, plan.org_id),
        )

    @classmethod
    def erase_data_subject(
        cls,
        decision_id: UUID,
        reference: str,
        org_id: UUID,
        subject_key: str,
        comment_ids: list[UUID],
        legal_basis: str,
        by: Actor,
        at: datetime,
    ) -> DisposalDecision:
        """A commenter's personal data (name, author id) is erased from every comment they wrote,
        by destroying their data-subject key; the comments themselves remain records."""
        by.require(DISPOSERS, org_id, "erasing a data subject's personal data")
        if not comment_ids:
            raise InvalidValue("platform_author_id", "no comments by that data subject are recorded")
        return cls._create(
            cls.Decided,
            id=decision_id,
            reference=required_text("reference", reference, 60),
            class_code="personal_data",
            plan_version=0,
            rule={"legal_basis": required_text("legal_basis", legal_basis)},
            record_ids=comment_ids,
            keys=[subject_key],
            selection={"data_subject": True},
            assessment=None,
            **cls.envelope(by, at, None, org_id),
        )

    def record_execution(self, by: Actor, at: datetime) -> None:
        by.require(DISPOSERS, self.org_id, "executing a disposal decision")
        if self.executed:
            raise InvalidTransition("the decision is already executed")
        self._record(self.Executed, by, at, reference=self.reference, record_ids=self.record_ids, keys=self.keys)

    def record_rendering_remade(self, snapshot_id: UUID, remade_as: UUID, by: Actor, at: datetime) -> None:
        by.require(DISPOSERS, self.org_id, "making a rendering again after a disposal")
        if not self.executed:
            raise InvalidTransition("the decision is not executed yet: its records' content still exists")
        self._record(
            self.RenderingRemade, by, at, snapshot_id=snapshot_id, remade_as=remade_as, key=f"record:{snapshot_id}"
        )

    @property
    def reaches_content(self) -> bool:
        """Whether the decision destroys records' content (not only commenters' personal data)."""
        return any(key.startswith("record:") for key in self.keys)


def _disposable_rule(plan: RecordsPlan, class_code: str, assessment: str | None) -> RecordClass:
    if plan.plan_version == 0:
        raise DisposalRefused("no records plan is adopted: nothing can be disposed of")
    rule = plan.classes.get(class_code)
    if rule is None:
        raise InvalidValue("class_code", f"plan version {plan.plan_version} has no class {class_code!r}")
    if rule.rule == RuleKind.KEEP:
        raise DisposalRefused(f"class {class_code} is kept permanently (bevaras) under {rule.legal_basis}")
    if rule.rule == RuleKind.WHEN_NO_LONGER_RELEVANT and not (assessment or "").strip():
        raise InvalidValue(
            "assessment", f"class {class_code} is disposed of when no longer relevant: state the assessment that it is"
        )
    return rule


def _check_record(record: RecordFacts, rule: RecordClass, holds: DisposalHolds, at: datetime) -> None:
    if record.class_code != rule.code:
        raise DisposalRefused(f"record {record.record_id} is of class {record.class_code}, not {rule.code}")
    held = holds.holding(record)
    if held:
        raise DisposalRefused(f"record {record.record_id} is held by hold {held[0].hold_id}: {held[0].reason}")
    if rule.rule == RuleKind.AFTER_PERIOD:
        due = due_at(record, rule)
        if due is None or due > at:
            when = f"until {due:%Y-%m-%d}" if due else "until its trigger has happened"
            raise DisposalRefused(f"record {record.record_id} is kept {when} under {rule.legal_basis}")
