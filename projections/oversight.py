"""Supervision (uppsikt) of the channels, stories 2–4: response times per channel and month,
and the compliance view — posts without a valid assignment, deletions whose ground needs review,
comments left unanswered past a threshold, active channels with no editor, and late recordings:
what a person (not a capture client) recorded more than a day after it happened."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar
from uuid import UUID

from psycopg import Cursor

from domain.actors import Role
from domain.channel import LIFE_CYCLE_EVENTS, STATUS_AFTER, Channel
from domain.comment import Comment
from domain.grounds import REVIEW_GROUNDS
from domain.post import Post
from domain.roster import ChannelRoster
from domain.values import recorded_late
from projections.core.base import BatchProjection, View, handles, key

TIMEZONE = "Europe/Stockholm"


class OversightView(View):
    name = "oversight"
    tables = (
        "oversight_channels",
        "oversight_assignments",
        "oversight_posts",
        "oversight_deletions",
        "oversight_comments",
        "oversight_late_recordings",
    )
    create_statements = (
        """CREATE TABLE IF NOT EXISTS oversight_channels (
            channel_id uuid PRIMARY KEY, org_id uuid NOT NULL, name text NOT NULL, status text NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS oversight_assignments (
            assignment_id uuid PRIMARY KEY, channel_id uuid NOT NULL, valid_from timestamptz NOT NULL,
            valid_until timestamptz, revoked_from timestamptz)""",
        """CREATE TABLE IF NOT EXISTS oversight_posts (
            post_id uuid PRIMARY KEY, channel_id uuid NOT NULL, org_id uuid NOT NULL,
            published_at timestamptz NOT NULL, author_name text NOT NULL, source text NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS oversight_deletions (
            post_id uuid PRIMARY KEY, channel_id uuid NOT NULL, org_id uuid NOT NULL, ground text NOT NULL,
            reason text NOT NULL, deleted_at timestamptz NOT NULL, deleted_by_name text NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS oversight_comments (
            comment_id uuid PRIMARY KEY, channel_id uuid NOT NULL, org_id uuid NOT NULL,
            received_at timestamptz NOT NULL, first_reply_at timestamptz,
            moderated boolean NOT NULL DEFAULT false, moved_to_case boolean NOT NULL DEFAULT false,
            needs_no_reply boolean GENERATED ALWAYS AS (moderated OR moved_to_case) STORED)""",
        "CREATE INDEX IF NOT EXISTS oversight_comments_channel_idx ON oversight_comments (channel_id, received_at)",
        """CREATE TABLE IF NOT EXISTS oversight_late_recordings (
            record_id uuid NOT NULL, version integer NOT NULL, channel_id uuid NOT NULL, org_id uuid NOT NULL,
            event_type text NOT NULL, occurred_at timestamptz NOT NULL, recorded_at timestamptz NOT NULL,
            recorded_by_name text NOT NULL, recorded_by_role text NOT NULL, PRIMARY KEY (record_id, version))""",
        "CREATE INDEX IF NOT EXISTS oversight_late_org_idx ON oversight_late_recordings (org_id, recorded_at)",
    )
    bulk_tables: ClassVar = {
        "oversight_channels": ("channel_id",),
        "oversight_assignments": ("assignment_id",),
        "oversight_posts": ("post_id",),
        "oversight_deletions": ("post_id",),
        "oversight_comments": ("comment_id",),
        "oversight_late_recordings": ("record_id", "version"),
    }

    def response_times(self, channel_id: UUID, now: datetime, threshold: timedelta) -> list[dict[str, Any]]:
        """Per month (Swedish time) of receipt: comments needing a reply, share answered, median
        and 90th percentile of time to first reply, and those unanswered past ``threshold``."""
        return self.fetch_all(
            "SELECT to_char(date_trunc('month', received_at AT TIME ZONE %(tz)s), 'YYYY-MM') AS month,"
            " count(*) AS comments, count(first_reply_at) AS answered,"
            " percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_reply_at - received_at))"
            "   FILTER (WHERE first_reply_at IS NOT NULL) AS median_seconds,"
            " percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM first_reply_at - received_at))"
            "   FILTER (WHERE first_reply_at IS NOT NULL) AS p90_seconds,"
            " count(*) FILTER (WHERE first_reply_at IS NULL AND received_at < %(cutoff)s) AS unanswered_past_threshold"
            " FROM oversight_comments WHERE channel_id = %(channel)s AND NOT needs_no_reply"
            " GROUP BY 1 ORDER BY 1",
            {"tz": TIMEZONE, "cutoff": now - threshold, "channel": channel_id},
        )

    def unanswered(self, org_id: UUID, now: datetime, threshold: timedelta) -> list[dict[str, Any]]:
        return self.fetch_all(
            "SELECT comment_id, channel_id, received_at FROM oversight_comments WHERE org_id = %s"
            " AND first_reply_at IS NULL AND NOT needs_no_reply AND received_at < %s ORDER BY received_at",
            (org_id, now - threshold),
        )

    def posts_without_assignment(self, org_id: UUID) -> list[dict[str, Any]]:
        return self.fetch_all(
            "SELECT * FROM oversight_posts WHERE org_id = %s ORDER BY published_at, post_id", (org_id,)
        )

    def deletions_to_review(self, org_id: UUID) -> list[dict[str, Any]]:
        return self.fetch_all(
            "SELECT * FROM oversight_deletions WHERE org_id = %s ORDER BY deleted_at, post_id", (org_id,)
        )

    def channels_without_editor(self, org_id: UUID, now: datetime) -> list[dict[str, Any]]:
        return self.fetch_all(
            "SELECT c.channel_id, c.name FROM oversight_channels c WHERE c.org_id = %(org)s AND c.status = 'active'"
            " AND NOT EXISTS (SELECT 1 FROM oversight_assignments a WHERE a.channel_id = c.channel_id"
            "   AND a.valid_from <= %(now)s AND (a.valid_until IS NULL OR %(now)s < a.valid_until)"
            "   AND (a.revoked_from IS NULL OR %(now)s < a.revoked_from))"
            " ORDER BY c.name, c.channel_id",
            {"org": org_id, "now": now},
        )

    def late_recordings(self, org_id: UUID) -> list[dict[str, Any]]:
        return self.fetch_all(
            "SELECT record_id, version, channel_id, event_type, occurred_at, recorded_at, recorded_by_name,"
            " recorded_by_role, round(extract(epoch FROM recorded_at - occurred_at) / 3600, 1)::float8 AS hours_late"
            " FROM oversight_late_recordings WHERE org_id = %s"
            " ORDER BY recorded_at, record_id, version",
            (org_id,),
        )

    def channel_names(self, org_id: UUID) -> dict[UUID, str]:
        rows = self.fetch_all("SELECT channel_id, name FROM oversight_channels WHERE org_id = %s", (org_id,))
        return {row["channel_id"]: row["name"] for row in rows}


class OversightProjection(BatchProjection[OversightView]):
    name = "oversight"
    view_class: ClassVar = OversightView
    reads_sealed_content: ClassVar = False  # it reads no sealed content field

    @handles(Channel.Registered)
    def channel_registered(self, event: Channel.Registered, curs: Cursor[Any], position: int) -> None:
        self.rows("oversight_channels").insert(
            {"channel_id": event.originator_id, "org_id": event.org_id, "name": event.name, "status": "planned"},
            position,
        )

    @handles(*LIFE_CYCLE_EVENTS, reads="oversight_channels")
    def channel_status(self, event: Channel.Event, curs: Cursor[Any], position: int) -> None:
        self.rows("oversight_channels").update(event.originator_id, position, status=STATUS_AFTER[type(event)].value)

    @handles(ChannelRoster.EditorAssigned)
    def assigned(self, event: ChannelRoster.EditorAssigned, curs: Cursor[Any], position: int) -> None:
        self.rows("oversight_assignments").insert(
            {
                "assignment_id": event.assignment_id,
                "channel_id": event.channel_id,
                "valid_from": event.valid_from,
                "valid_until": event.valid_until,
                "revoked_from": None,
            },
            position,
        )

    @handles(ChannelRoster.AssignmentRevoked, reads="oversight_assignments", keys=key("assignment_id"))
    def revoked(self, event: ChannelRoster.AssignmentRevoked, curs: Cursor[Any], position: int) -> None:
        self.rows("oversight_assignments").update(event.assignment_id, position, revoked_from=event.effective_from)

    def _if_late(self, event: Post.Event | Comment.Event, channel_id: UUID, position: int) -> None:
        if event.actor_role != Role.CAPTURE_CLIENT and recorded_late(event.occurred_at, event.timestamp):
            self.rows("oversight_late_recordings").insert(
                {
                    "record_id": event.originator_id,
                    "version": event.originator_version,
                    "channel_id": channel_id,
                    "org_id": event.org_id,
                    "event_type": type(event).__qualname__,
                    "occurred_at": event.occurred_at,
                    "recorded_at": event.timestamp,
                    "recorded_by_name": event.actor_name,
                    "recorded_by_role": event.actor_role,
                },
                position,
            )

    @handles(Post.Published)
    def published(self, event: Post.Published, curs: Cursor[Any], position: int) -> None:
        self._if_late(event, event.channel_id, position)
        if event.assignment_id is None:
            self.rows("oversight_posts").insert(
                {
                    "post_id": event.originator_id,
                    "channel_id": event.channel_id,
                    "org_id": event.org_id,
                    "published_at": event.occurred_at,
                    "author_name": event.author_name,
                    "source": event.source,
                },
                position,
            )

    @handles(Post.Edited)
    def edited(self, event: Post.Edited, curs: Cursor[Any], position: int) -> None:
        self._if_late(event, event.channel_id, position)

    @handles(Post.Deleted)
    def deleted(self, event: Post.Deleted, curs: Cursor[Any], position: int) -> None:
        self._if_late(event, event.channel_id, position)
        if event.ground in REVIEW_GROUNDS:
            self.rows("oversight_deletions").insert(
                {
                    "post_id": event.originator_id,
                    "channel_id": event.channel_id,
                    "org_id": event.org_id,
                    "ground": event.ground,
                    "reason": event.reason,
                    "deleted_at": event.occurred_at,
                    "deleted_by_name": event.actor_name,
                },
                position,
            )

    @handles(Comment.Received)
    def received(self, event: Comment.Received, curs: Cursor[Any], position: int) -> None:
        self.rows("oversight_comments").insert(
            {
                "comment_id": event.originator_id,
                "channel_id": event.channel_id,
                "org_id": event.org_id,
                "received_at": event.occurred_at,
                "first_reply_at": None,
                "moderated": False,
                "moved_to_case": False,
            },
            position,
        )

    @handles(Comment.ReplyPosted, reads="oversight_comments")
    def replied(self, event: Comment.ReplyPosted, curs: Cursor[Any], position: int) -> None:
        self._if_late(event, event.channel_id, position)
        comments = self.rows("oversight_comments")
        row = comments.get(event.originator_id)
        if row is not None:
            first = row["first_reply_at"]
            comments.update(
                event.originator_id,
                position,
                first_reply_at=event.occurred_at if first is None else min(first, event.occurred_at),
            )

    @handles(Comment.Moderated, Comment.ModerationReversed, reads="oversight_comments")
    def moderation(self, event: Comment.Event, curs: Cursor[Any], position: int) -> None:
        self.rows("oversight_comments").update(
            event.originator_id, position, moderated=isinstance(event, Comment.Moderated)
        )

    @handles(Comment.TransferredToCase, reads="oversight_comments")
    def moved_to_case(self, event: Comment.TransferredToCase, curs: Cursor[Any], position: int) -> None:
        self.rows("oversight_comments").update(event.originator_id, position, moved_to_case=True)
