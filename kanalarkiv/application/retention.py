"""The application's retention commands: adopt a plan, hold, reclassify, decide and execute
disposal by destroying keys, and erase a commenter's personal data."""

from __future__ import annotations

from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from domain.audience import Audience
from domain.channel import Channel
from domain.errors import InvalidTransition, InvalidValue
from kanalarkiv.adapters.snapshot_store import SnapshotDisposed
from kanalarkiv.application.conflicts import command
from kanalarkiv.application.context import current_actor
from kanalarkiv.application.outcomes import Recorded, RecordNotFound
from projections.retention import RetentionView
from retention.classification import RecordClassification
from retention.disposal import DISPOSERS, DisposalDecision, DisposalRefused
from retention.holds import DisposalHolds, Hold, HoldScope, RecordFacts
from retention.plan import RecordsPlan, RuleKind, validate_classes
from retention.snapshots import ChannelSnapshot, sniffed_media_type

if TYPE_CHECKING:
    from retention.rendering_document import RenderingDocument


class NoPlan(InvalidTransition):
    """No records plan is adopted for the organisation."""


class RetentionCommands:
    """Mixed into ``RecordsApplication``; relies on its ``_get``, ``_own``, ``_recorded``, ``keystore`` and
    ``clock``, and on the diary's ``_case_number`` and ``_case``."""

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
        classification_id = RecordClassification.id_for(record_id)
        classification = (
            self._get(classification_id, RecordClassification, "classification")
            if classification_id in self.repository
            else RecordClassification.open(org_id, record_id, by=by, at=at)
        )
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
        return RetentionView(self.factory.datastore)  # type: ignore[attr-defined]

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
            self._case(org_id, self._case_number(hold.target, "target"), "target")
        elif (hold.query or {}).get("channel_id"):
            self._own(org_id, hold.query["channel_id"], "query.channel_id", Channel, "channel")  # type: ignore[index]

    def _own_record(self, org_id: UUID, record_id: str) -> None:
        """A record of the log (a post, comment, snapshot …), or one that lives inside another (a
        reply in its comment), known then by the retention view."""
        try:
            row = self.retention_records.record(UUID(record_id))
        except ValueError:
            row = None
        if row is None or row["org_id"] != org_id:
            self._own(org_id, record_id, "target")

    def _plan(self, org_id: UUID) -> RecordsPlan | None:
        plan_id = RecordsPlan.id_for(org_id)
        return self._get(plan_id, RecordsPlan, "records plan") if plan_id in self.repository else None

    def _require_plan(self, org_id: UUID) -> RecordsPlan:
        plan = self._plan(org_id)
        if plan is None or plan.plan_version == 0:
            raise NoPlan("no records plan is adopted for the organisation: adopt one first")
        return plan

    def _holds(self, org_id: UUID) -> DisposalHolds | None:
        holds_id = DisposalHolds.id_for(org_id)
        return self._get(holds_id, DisposalHolds, "holds") if holds_id in self.repository else None


class SnapshotCommands:
    """Mixed into ``RecordsApplication``: half-year snapshots, stored encrypted, checked for fixity."""

    def take_snapshot(
        self,
        channel_id: UUID,
        period_start: date,
        period_end: date,
        filename: str,
        media_type: str,
        content: bytes,
        taken_at: datetime | None = None,
    ) -> Recorded:
        """An uploaded snapshot: the webmaster's own record (renderings are kept by record_rendering)."""
        channel = self.get_channel(channel_id)
        by, at = current_actor(), self.clock()
        checked_type = sniffed_media_type(media_type, content[:16])
        snapshot_id = uuid4()
        sha256 = self.snapshot_store.put(channel.org_id, snapshot_id, content)
        snapshot = ChannelSnapshot.take(
            snapshot_id,
            channel,
            period_start,
            period_end,
            sha256,
            len(content),
            checked_type.value,
            filename,
            False,
            taken_at,
            by=by,
            at=at,
        )
        return self._recorded(snapshot)

    def rendering_audience(self, channel_id: UUID, asked: Audience | None) -> tuple[Channel, Audience]:
        """The channel, and the audience a rendering of it is made for (checked before it is read)."""
        channel = self.get_channel(channel_id)
        return channel, ChannelSnapshot.rendering_audience(channel, asked, current_actor())

    def record_rendering(
        self,
        channel: Channel,
        document: RenderingDocument,
        pdf: bytes,
        remakes: ChannelSnapshot | None = None,
        decision: DisposalDecision | None = None,
    ) -> Recorded:
        """Keep a rendering, its file bound to the keys of the records it holds. With ``remakes``,
        it replaces that rendering under ``decision``: the old one is recorded as made again and
        its key destroyed, in that order, so that nothing is lost unrecorded."""
        by, at = current_actor(), self.clock()
        snapshot_id, record_ids, period = uuid4(), document.record_ids, document.period
        sha256 = self.snapshot_store.put(channel.org_id, snapshot_id, pdf, [f"record:{r}" for r in record_ids])
        snapshot = ChannelSnapshot.render(
            snapshot_id,
            channel,
            period.start,
            period.end,
            sha256,
            len(pdf),
            f"{channel.name}-{period.start}-{period.end}.pdf",
            document.audience,
            record_ids,
            document.position,
            by=by,
            at=at,
            taken_at=remakes.taken_at if remakes else None,
            remakes=remakes,
            decision_reference=decision.reference if decision else None,
        )
        if remakes is None or decision is None:
            return self._recorded(snapshot)
        remakes.shred(snapshot, decision.id, decision.reference, by=by, at=at)
        decision.record_rendering_remade(remakes.id, snapshot.id, by=by, at=at)
        recorded = self._recorded(snapshot, remakes, decision)
        self.keystore.destroy([f"record:{remakes.id}"], decision.id, decision.reference, at)
        return recorded

    def check_fixity(self, snapshot_id: UUID) -> tuple[bool, Recorded]:
        snapshot = self.get_snapshot(snapshot_id)
        try:
            found = self.snapshot_store.sha256_of(snapshot.org_id, snapshot.sha256, snapshot.id, snapshot.bound_keys)
        except SnapshotDisposed as disposed:
            raise InvalidTransition(f"{disposed}: its content is gone, there is no file to check") from None
        snapshot.record_fixity(found, by=current_actor(), at=self.clock())
        return snapshot.last_fixity is True, self._recorded(snapshot)

    def snapshot_content(self, snapshot_id: UUID) -> tuple[ChannelSnapshot, bytes]:
        """The snapshot's file, for those who may see what it holds (a rendering: its audience)."""
        snapshot = self.get_snapshot(snapshot_id)
        snapshot.require_reader(current_actor())
        try:
            content = self.snapshot_store.get(snapshot.org_id, snapshot.sha256, snapshot.id, snapshot.bound_keys)
        except SnapshotDisposed as disposed:
            if snapshot.remade_as is None:
                raise
            raise SnapshotDisposed(disposed.reference, remade_as=snapshot.remade_as) from None
        if content is None:
            raise RecordNotFound(f"the file of snapshot {snapshot_id} is missing from storage; check its fixity")
        return snapshot, content

    def get_snapshot(self, snapshot_id: UUID) -> ChannelSnapshot:
        return self._get(snapshot_id, ChannelSnapshot, "snapshot")
