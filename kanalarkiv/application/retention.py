"""The application's retention commands: adopt a plan, hold, reclassify, decide and execute
disposal by destroying keys, and erase a commenter's personal data (snapshots: ``snapshots.py``)."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from domain.base import RecordAggregate
from domain.channel import Channel
from domain.errors import InvalidTransition, InvalidValue
from kanalarkiv.application.base import RecordsBase
from kanalarkiv.application.conflicts import command
from kanalarkiv.application.context import current_actor
from kanalarkiv.application.outcomes import Recorded, RecordNotFound
from projections.retention.view import RetentionView
from retention.classification import RecordClassification
from retention.disposal import DISPOSERS, DisposalDecision, DisposalRefused
from retention.holds import DisposalHolds, Hold, HoldScope, RecordFacts
from retention.plan import RecordsPlan, RuleKind, validate_classes

if TYPE_CHECKING:
    pass


class NoPlan(InvalidTransition):
    """No records plan is adopted for the organisation."""


class RetentionCommands(RecordsBase):
    """The records plan, holds, classifications and disposals."""

    @command
    def adopt_records_plan(self, org_id: UUID, classes: list[dict[str, Any]], decision_reference: str) -> Recorded:
        by, at = current_actor(), self.clock()
        plan = self._plan(org_id) or RecordsPlan.open(org_id, by=by, at=at)
        plan.adopt(classes, decision_reference, by=by, at=at)
        return self._recorded(plan)

    def preview_plan(self, classes: list[dict[str, Any]]) -> list[Any]:
        """Check a proposed plan without adopting it (for the dry run)."""
        return validate_classes(classes)

    @command
    def place_hold(
        self, org_id: UUID, scope: str, target: str | None, query: dict[str, Any] | None, reason: str
    ) -> Recorded:
        by, at = current_actor(), self.clock()
        holds = self._holds(org_id) or DisposalHolds.open(org_id, by=by, at=at)
        hold_id = uuid4()
        holds.place(hold_id, scope, target, query, reason, by=by, at=at)
        self._own_hold_target(org_id, holds.holds[hold_id])  # once the rules let this actor place it
        return self._recorded(holds).for_record(hold_id)

    @command
    def lift_hold(self, org_id: UUID, hold_id: UUID, reason: str) -> Recorded:
        holds = self._holds(org_id)
        if holds is None:
            raise RecordNotFound(f"no hold {hold_id}")
        holds.lift(hold_id, reason, by=current_actor(), at=self.clock())
        return self._recorded(holds).for_record(hold_id)

    @command
    def reclassify_record(self, org_id: UUID, record_id: UUID, to_class: str, reason: str) -> Recorded:
        """Move a record of the retention view to another class of the plan in force."""
        by, at = current_actor(), self.clock()
        record = self.retention_records.record(record_id)
        if record is None or record["org_id"] != org_id:
            raise RecordNotFound(f"no record with id {record_id}")
        current_class = record["class_code"]
        plan = self._require_plan(org_id)
        classification = self._find(
            RecordClassification.id_for(record_id), RecordClassification, "classification"
        ) or RecordClassification.open(org_id, record_id, by=by, at=at)
        classification.reclassify(plan, current_class, to_class, reason, by=by, at=at)
        return self._recorded(classification).for_record(record_id)

    def decide_disposal(
        self,
        org_id: UUID,
        reference: str,
        class_code: str,
        record_ids: list[UUID] | None,
        channel_id: UUID | None,
        assessment: str | None,
    ) -> Recorded:
        """Dispose of the named records, or of every due record of the class (on ``channel_id`` if
        given) that no hold covers, as the retention view has them; when holds cover every due
        one, the refusal names the holds."""
        current_actor().require(DISPOSERS, org_id, "deciding on disposal")
        now = self.clock()
        records = self.retention_records.candidates(org_id, class_code, now, record_ids, channel_id)
        if record_ids:
            found = {record.record_id for record in records}
            missing = next((r for r in record_ids if r not in found), None)
            if missing is not None:
                raise InvalidValue(
                    "record_ids", f"the organisation has no record {missing} that is not yet disposed of"
                )
            selection: dict[str, Any] = {"record_ids": [str(r) for r in record_ids]}
        else:
            if not records:
                self._refuse_if_all_held(org_id, class_code, channel_id, now)
            selection = {"due_in_class": class_code, "channel_id": str(channel_id) if channel_id else None}
        return self.dispose(org_id, reference, class_code, records, selection, assessment)

    @cached_property
    def retention_records(self) -> RetentionView:
        """The retention view, read by its own queries (what a disposal selects from)."""
        return RetentionView(self.datastore)

    def dispose(
        self,
        org_id: UUID,
        reference: str,
        class_code: str,
        records: list[RecordFacts],
        selection: dict[str, Any],
        assessment: str | None,
    ) -> Recorded:
        """Decide (checked against the plan and, in the same transaction, the holds), destroy
        the records' keys, and record the execution."""
        by, at = current_actor(), self.clock()
        plan = self._require_plan(org_id)
        holds = self._holds(org_id) or DisposalHolds.open(org_id, by=by, at=at)
        decision = DisposalDecision.decide(
            uuid4(), reference, plan, holds, class_code, records, selection, assessment, by=by, at=at
        )
        self._recorded(decision, holds)
        return self.execute_disposal(decision.id)

    def erase_data_subject(
        self, org_id: UUID, reference: str, platform_author_id: str, comment_ids: list[UUID], legal_basis: str
    ) -> Recorded:
        by, at = current_actor(), self.clock()
        subject_key = self.keystore.subject_key_id(org_id, platform_author_id.strip())
        decision = DisposalDecision.erase_data_subject(
            uuid4(), reference, org_id, subject_key, comment_ids, legal_basis, by=by, at=at
        )
        self._recorded(decision)
        return self.execute_disposal(decision.id)

    def execute_disposal(self, decision_id: UUID) -> Recorded:
        """Destroy the decision's keys and record that; safe to repeat after a failure between the two."""
        decision = self._get(decision_id, DisposalDecision, "disposal decision")
        by, at = current_actor(), self.clock()
        self.keystore.destroy(decision.keys, decision.id, decision.reference, at)
        decision.record_execution(by=by, at=at)
        return self._recorded(decision)

    def reapply_disposals(self, decision_ids: list[UUID]) -> int:
        """Destroy again the keys of executed decisions, and of the renderings they reached — after
        the key store was restored from a backup older than them. Returns how many had come back."""
        restored = 0
        for decision_id in decision_ids:
            decision = self.get_disposal_decision(decision_id)
            if decision.executed:
                keys = decision.keys + decision.rendering_keys
                restored += self.keystore.destroy(keys, decision.id, decision.reference, self.clock())
        return restored

    def get_disposal_decision(self, decision_id: UUID) -> DisposalDecision:
        return self._get(decision_id, DisposalDecision, "disposal decision")

    def _refuse_if_all_held(self, org_id: UUID, class_code: str, channel_id: UUID | None, now: datetime) -> None:
        plan, holds = self._plan(org_id), self._holds(org_id)
        rule = plan.classes.get(class_code) if plan else None
        if rule is None or holds is None:
            return
        held_ids = [
            row["record_id"]
            for row in self.retention_records.held(org_id)
            if row["class_code"] == class_code
            and channel_id in (None, row["channel_id"])
            and (rule.rule == RuleKind.WHEN_NO_LONGER_RELEVANT or (row["due_at"] and row["due_at"] <= now))
        ]
        if not held_ids:
            return
        held = self.retention_records.candidates(org_id, class_code, now, held_ids, None)
        by_hold = {hold.hold_id: hold for record in held for hold in holds.holding(record)}
        named = "; ".join(f"hold {hold.hold_id}: {hold.reason}" for hold in by_hold.values())
        raise DisposalRefused(f"every due record of class {class_code} is held ({len(held_ids)} held), by {named}")

    def _own_hold_target(self, org_id: UUID, hold: Hold) -> None:
        """What a hold names is the organisation's own: a channel, a record or a case of its diary."""
        if hold.scope == HoldScope.CHANNEL:
            self._own(org_id, hold.target, "target", Channel, "channel")
        elif hold.scope == HoldScope.RECORD:
            self._own_record(org_id, hold.target or "")
        elif hold.scope == HoldScope.CASE:
            number = self._case_number(hold.target, "target")
            assert number is not None, "a case hold names its case (DisposalHolds.place requires it)"
            self._case(org_id, number, "target")
        elif hold.query and hold.query.get("channel_id"):
            self._own(org_id, hold.query["channel_id"], "query.channel_id", Channel, "channel")

    def _own_record(self, org_id: UUID, record_id: str) -> None:
        """A record of the log (a post, comment, snapshot …), or one that lives inside another (a
        reply in its comment), known then by the retention view."""
        try:
            row = self.retention_records.record(UUID(record_id))
        except ValueError:
            row = None
        if row is None or row["org_id"] != org_id:
            self._own(org_id, record_id, "target", RecordAggregate)

    def _plan(self, org_id: UUID) -> RecordsPlan | None:
        return self._find(RecordsPlan.id_for(org_id), RecordsPlan, "records plan")

    def _require_plan(self, org_id: UUID) -> RecordsPlan:
        plan = self._plan(org_id)
        if plan is None or plan.plan_version == 0:
            raise NoPlan("no records plan is adopted for the organisation: adopt one first")
        return plan

    def _holds(self, org_id: UUID) -> DisposalHolds | None:
        return self._find(DisposalHolds.id_for(org_id), DisposalHolds, "holds")
