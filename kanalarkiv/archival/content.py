"""What goes into an archival package: one channel's records of a period as they stand at one
log position, and the events of the log that concern them (leverans till e-arkiv).

The period selects records by when they came into being: posts published in it, snapshots taken
in it. Each post comes whole — every version, its deletion, every comment with its moderation and
case markers, every reply — and so do the events that made it so, whenever they were recorded up
to that position. The channel's own events (its register entry, its editors' assignments) are
those recorded in the period. Disposed content reads as its disposal marker, as in every view."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from domain.organisation import Organisation
from domain.period import Period
from kanalarkiv.application.outcomes import RecordNotFound
from kanalarkiv.readside.views import Views
from projections.core.temporal import as_of_query

CHANNEL_ENTITIES = ("Channel", "ChannelRoster")
NAMING_FIELDS = ("record_id", "comment_id", "post_id", "snapshot_id", "target")


@dataclass
class ChannelRecord:
    """One channel's records of a period, read at log position ``position``."""

    organisation: Organisation
    channel: dict[str, Any]
    period: Period
    position: int
    assignments: list[dict[str, Any]]
    posts: list[dict[str, Any]]
    snapshots: list[dict[str, Any]]
    plan: dict[str, Any] | None
    disposals: list[dict[str, Any]]
    events: list[dict[str, Any]] = field(default_factory=list)

    def record_ids(self) -> list[UUID]:
        """The package's records that are aggregates of their own: posts, comments, snapshots."""
        comments = [c["comment_id"] for post in self.posts for c in post["comments"]]
        return [p["post_id"] for p in self.posts] + comments + [s["snapshot_id"] for s in self.snapshots]

    def reply_ids(self) -> list[UUID]:
        return [r["reply_id"] for post in self.posts for c in post["comments"] for r in c["replies"]]


def read_channel_record(
    views: Views, organisation: Organisation, channel_id: UUID, period: Period, position: int
) -> ChannelRecord:
    channel = views.channel_register.channel(channel_id, position)
    if channel is None or channel["org_id"] != organisation.id:
        raise RecordNotFound(f"no channel {channel_id} in organisation '{organisation.slug}'")
    record = ChannelRecord(
        organisation,
        channel,
        period,
        position,
        assignments=views.editor_assignments.of_channel(channel_id, position),
        posts=read_posts(views, channel_id, period, position),
        snapshots=views.snapshots.fetch_all(
            "SELECT * FROM snapshot_register WHERE channel_id = %s AND taken_at >= %s AND taken_at < %s"
            " ORDER BY taken_at, snapshot_id",
            (channel_id, period.start_at, period.end_at),
        ),
        plan=views.retention.plan(organisation.id),
        disposals=_disposals(views, organisation.id, channel_id),
    )
    _add_retention(views, record)
    record.events = _events(views, record)
    return record


def read_posts(views: Views, channel_id: UUID, period: Period, position: int) -> list[dict[str, Any]]:
    """The posts published in ``period``, each with every version, every comment (whatever its
    visibility) and their replies, as they stood at log position ``position``."""
    content = views.channel_content
    posts = content.fetch_all(
        as_of_query(
            "SELECT * FROM {} WHERE channel_id = %s AND published_at >= %s AND published_at < %s"
            " ORDER BY published_at, post_id",
            "content_posts",
            position,
        ),
        (channel_id, period.start_at, period.end_at),
    )
    for post in posts:
        post["versions"] = content.post_versions(post["post_id"], position)
        post["comments"] = content.comments_on(post["post_id"], visible_only=False, as_of=position)
        replies = content.replies_to([c["comment_id"] for c in post["comments"]], position)
        for comment in post["comments"]:
            comment["replies"] = [r for r in replies if r["comment_id"] == comment["comment_id"]]
    return posts


def _disposals(views: Views, org_id: UUID, channel_id: UUID) -> list[dict[str, Any]]:
    """The decisions that disposed of (or erased personal data from) any record of the channel."""
    return views.retention.fetch_all(
        "SELECT d.decision_id, d.reference, d.class_code, d.plan_version, d.rule, d.record_ids, d.assessment,"
        " d.decided_at, d.decided_by, d.executed_at, d.renderings FROM retention_disposals d WHERE d.org_id = %s AND EXISTS"
        " (SELECT 1 FROM retention_records r WHERE r.record_id = ANY(d.record_ids) AND r.channel_id = %s)"
        " ORDER BY d.decided_at, d.decision_id",
        (org_id, channel_id),
    )


def _add_retention(views: Views, record: ChannelRecord) -> None:
    """Each record's class in the records plan and, once disposed of, the decision."""
    rows = views.retention.fetch_all(
        "SELECT record_id, class_code, disposed_at, disposal_reference FROM retention_records"
        " WHERE record_id = ANY(%s)",
        (record.record_ids() + record.reply_ids(),),
    )
    found = {row.pop("record_id"): row for row in rows}
    for post in record.posts:
        post["retention"] = found.get(post["post_id"])
        for comment in post["comments"]:
            comment["retention"] = found.get(comment["comment_id"])
            for reply in comment["replies"]:
                reply["retention"] = found.get(reply["reply_id"])
    for snapshot in record.snapshots:
        snapshot["retention"] = found.get(snapshot["snapshot_id"])


def _events(views: Views, record: ChannelRecord) -> list[dict[str, Any]]:
    """The audit trail's rows that concern the package: every event of its records; every event
    naming one of them (disposal decisions, reclassifications, holds and their lifting, diary
    registrations, disclosures of a commenter's identity); the channel's own events recorded in
    the period; and the history of the records plan."""
    ids = record.record_ids()
    texts = [str(i) for i in ids + record.reply_ids()]
    naming = " OR ".join(f"details->>'{name}' = ANY(%(texts)s)" for name in NAMING_FIELDS)
    return views.audit_trail.fetch_all(
        f"""WITH scope AS (SELECT * FROM audit_events WHERE org_id = %(org)s AND position <= %(position)s),
        named AS (SELECT * FROM scope WHERE entity_id = ANY(%(ids)s) OR {naming}
                  OR details->'record_ids' ?| %(texts)s
                  OR (entity_type = ANY(%(channel_entities)s) AND channel_id = %(channel)s
                      AND recorded_at >= %(start)s AND recorded_at < %(end)s)
                  OR entity_type = 'RecordsPlan')
        SELECT * FROM named
        UNION SELECT * FROM scope WHERE details->>'hold_id' IN (SELECT details->>'hold_id' FROM named)
        ORDER BY position""",
        {
            "org": record.organisation.id,
            "position": record.position,
            "ids": ids,
            "texts": texts,
            "channel_entities": list(CHANNEL_ENTITIES),
            "channel": record.channel["id"],
            "start": record.period.start_at,
            "end": record.period.end_at,
        },
    )
