"""The retention view's handlers: a record for every post, comment, reply and snapshot, with its
class (reclassified, removed, moved to a case, disposed of), the plans adopted, holds placed and
lifted, and disposals decided and executed."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

import orjson
from psycopg import Cursor

from domain.comment import Comment, ModerationAction
from domain.post import Post
from domain.public_request import PublicRecordRequest
from projections.core.base import BatchProjection, handles, key
from projections.core.storable import storable_json
from projections.retention.view import RetentionView
from retention.classification import RecordClassification
from retention.disposal import DisposalDecision
from retention.holds import DisposalHolds
from retention.plan import DEFAULT_CLASS, RecordKind, RecordsPlan, period_months
from retention.snapshots import ChannelSnapshot


def disposed_records(event: DisposalDecision.Executed) -> list[UUID]:
    """The records a disposal destroys; none when it erases only a data subject's personal data."""
    return [] if event.personal_data_only else event.record_ids


class RetentionProjection(BatchProjection[RetentionView]):
    name = "retention"
    view_class: ClassVar = RetentionView
    reads_sealed_content: ClassVar = False  # it reads no sealed content field

    def _record(
        self,
        position: int,
        record_id: UUID,
        org_id: UUID,
        kind: RecordKind,
        channel_id: UUID | None,
        created_at: datetime,
    ) -> None:
        self.rows("retention_records").insert(
            {
                "record_id": record_id,
                "org_id": org_id,
                "kind": kind.value,
                "class_code": DEFAULT_CLASS[kind],
                "explicit_class": False,
                "channel_id": channel_id,
                "case_number": None,
                "created_at": created_at,
                "removed_at": None,
                "disposed_at": None,
                "disposal_reference": None,
            },
            position,
            if_absent=True,
        )

    @handles(Post.Published, reads="retention_records")
    def post(self, event: Post.Published, curs: Cursor[Any], position: int) -> None:
        self._record(position, event.originator_id, event.org_id, RecordKind.POST, event.channel_id, event.occurred_at)

    @handles(Post.Deleted, reads="retention_records")
    def post_deleted(self, event: Post.Deleted, curs: Cursor[Any], position: int) -> None:
        self.rows("retention_records").update(event.originator_id, position, removed_at=event.occurred_at)

    @handles(ChannelSnapshot.Taken, reads="retention_records")
    def snapshot(self, event: ChannelSnapshot.Taken, curs: Cursor[Any], position: int) -> None:
        self._record(
            position, event.originator_id, event.org_id, RecordKind.SNAPSHOT, event.channel_id, event.occurred_at
        )

    @handles(Comment.Received, reads="retention_records")
    def comment(self, event: Comment.Received, curs: Cursor[Any], position: int) -> None:
        self._record(
            position, event.originator_id, event.org_id, RecordKind.COMMENT, event.channel_id, event.occurred_at
        )

    @handles(Comment.ReplyPosted, reads="retention_records", keys=key("reply_id"))
    def reply(self, event: Comment.ReplyPosted, curs: Cursor[Any], position: int) -> None:
        self._record(position, event.reply_id, event.org_id, RecordKind.REPLY, event.channel_id, event.occurred_at)

    @handles(PublicRecordRequest.Received, reads="retention_records")
    def request(self, event: PublicRecordRequest.Received, curs: Cursor[Any], position: int) -> None:
        self._record(position, event.originator_id, event.org_id, RecordKind.PUBLIC_REQUEST, None, event.timestamp)

    @handles(PublicRecordRequest.Answered, reads="retention_records", keys=lambda e: (e.copy_id,) if e.copy_id else ())
    def request_copy(self, event: PublicRecordRequest.Answered, curs: Cursor[Any], position: int) -> None:
        if event.copy_id is not None:
            self._record(position, event.copy_id, event.org_id, RecordKind.REQUEST_COPY, None, event.timestamp)

    @handles(Comment.Moderated, Comment.ModerationReversed, reads="retention_records")
    def moderation(self, event: Comment.Event, curs: Cursor[Any], position: int) -> None:
        removed = isinstance(event, Comment.Moderated) and event.action == ModerationAction.REMOVE
        kind = RecordKind.REMOVED_COMMENT if removed else RecordKind.COMMENT
        records = self.rows("retention_records")
        row = records.get(event.originator_id)
        if row is not None:
            records.update(
                event.originator_id,
                position,
                kind=kind.value,
                removed_at=event.timestamp if removed else None,
                class_code=row["class_code"] if row["explicit_class"] else DEFAULT_CLASS[kind],
            )

    @handles(Comment.TransferredToCase, reads="retention_records")
    def moved_to_case(self, event: Comment.TransferredToCase, curs: Cursor[Any], position: int) -> None:
        self.rows("retention_records").update(event.originator_id, position, case_number=event.diary_number)

    @handles(RecordClassification.Reclassified, reads="retention_records", keys=key("record_id"))
    def reclassified(self, event: RecordClassification.Reclassified, curs: Cursor[Any], position: int) -> None:
        self.rows("retention_records").update(event.record_id, position, class_code=event.to_class, explicit_class=True)

    @handles(RecordsPlan.VersionAdopted)
    def plan_adopted(self, event: RecordsPlan.VersionAdopted, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "INSERT INTO retention_plans VALUES (%s, %s, %s, %s, %s) ON CONFLICT (org_id) DO UPDATE"
            " SET version = excluded.version, decision_reference = excluded.decision_reference,"
            " adopted_at = excluded.adopted_at, adopted_by = excluded.adopted_by",
            (event.org_id, event.version, event.decision_reference, event.timestamp, event.actor_name),
        )
        for c in event.classes:
            months = period_months(c["period"]) if c.get("period") else None
            curs.execute(
                "INSERT INTO retention_plan_classes VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (
                    event.org_id,
                    event.version,
                    c["code"],
                    c["name"],
                    c["rule"],
                    c.get("period"),
                    months,
                    c.get("trigger"),
                    c["legal_basis"],
                ),
            )

    @handles(DisposalHolds.HoldPlaced)
    def hold_placed(self, event: DisposalHolds.HoldPlaced, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "INSERT INTO retention_holds (hold_id, org_id, scope, target, query, reason, placed_at, placed_by)"
            " VALUES (%s, %s, %s, %s, %s::jsonb, %s, %s, %s)",
            (
                event.hold_id,
                event.org_id,
                event.scope,
                event.target,
                storable_json(event.query) if event.query else None,
                event.reason,
                event.timestamp,
                event.actor_name,
            ),
        )

    @handles(DisposalHolds.HoldLifted)
    def hold_lifted(self, event: DisposalHolds.HoldLifted, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "UPDATE retention_holds SET lifted_at = %s, lift_reason = %s WHERE hold_id = %s",
            (event.timestamp, event.reason, event.hold_id),
        )

    @handles(DisposalDecision.Decided)
    def decided(self, event: DisposalDecision.Decided, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "INSERT INTO retention_disposals (decision_id, org_id, reference, class_code, plan_version, rule,"
            " record_ids, key_count, assessment, decided_at, decided_by) VALUES (%s, %s, %s, %s, %s, %s::jsonb,"
            " %s, %s, %s, %s, %s)",
            (
                event.originator_id,
                event.org_id,
                event.reference,
                event.class_code,
                event.plan_version,
                storable_json(event.rule),
                event.record_ids,
                len(event.keys),
                event.assessment,
                event.timestamp,
                event.actor_name,
            ),
        )

    @handles(DisposalDecision.Executed, reads="retention_records", keys=disposed_records)
    def executed(self, event: DisposalDecision.Executed, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "UPDATE retention_disposals SET executed_at = %s WHERE decision_id = %s",
            (event.timestamp, event.originator_id),
        )
        if not event.personal_data_only:
            records = self.rows("retention_records")
            for record_id in dict.fromkeys(event.record_ids):
                records.update(record_id, position, disposed_at=event.timestamp, disposal_reference=event.reference)

    @handles(DisposalDecision.RenderingRemade)
    def rendering_remade(self, event: DisposalDecision.RenderingRemade, curs: Cursor[Any], position: int) -> None:
        reached = orjson.dumps([{"snapshot_id": event.snapshot_id, "remade_as": event.remade_as}]).decode()
        curs.execute(
            "UPDATE retention_disposals SET renderings = renderings || %s::jsonb WHERE decision_id = %s",
            (reached, event.originator_id),
        )
