"""A channel's own record: its posts (every version, and deletions) and the comments on them
(with replies, moderation state and case transfers). Public reads filter what the public may
see; records officers and auditors read everything but commenters' identity fields."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from psycopg import Cursor, sql

from domain.comment import Comment, ModerationAction
from domain.post import Post
from projections.channel_content_edits import EDITED_COMMENT_EVENTS, CapturedCommentEdits
from projections.core.base import BatchProjection, View, handles
from projections.core.temporal import Versioned, source
from retention.disposal import DisposalDecision, disposed_marker

PAGE_MAX = 200


class ChannelContentView(View):
    name = "channel_content"
    tables = ("content_posts", "content_post_versions", "content_comments", "content_replies")
    create_statements = (
        """CREATE TABLE IF NOT EXISTS content_posts (
            post_id uuid PRIMARY KEY,
            org_id uuid NOT NULL,
            channel_id uuid NOT NULL,
            platform_post_id text,
            text text NOT NULL,
            author_id text,
            author_name text NOT NULL,
            source text NOT NULL,
            assignment_id uuid,
            published_at timestamptz NOT NULL,
            captured_at timestamptz,
            recorded_at timestamptz NOT NULL,
            recorded_by_name text NOT NULL,
            version integer NOT NULL,
            edits integer NOT NULL DEFAULT 0,
            deleted_at timestamptz,
            deleted_recorded_at timestamptz,
            deleted_by_id text,
            deleted_by_name text,
            deleted_by_role text,
            delete_ground text,
            delete_reason text,
            position bigint NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS content_posts_channel_idx ON content_posts (channel_id, published_at DESC, post_id)",
        """CREATE TABLE IF NOT EXISTS content_post_versions (
            post_id uuid NOT NULL,
            version integer NOT NULL,
            text text NOT NULL,
            changed_at timestamptz NOT NULL,
            recorded_at timestamptz NOT NULL,
            changed_by_name text NOT NULL,
            changed_by_role text NOT NULL,
            PRIMARY KEY (post_id, version)
        )""",
        """CREATE TABLE IF NOT EXISTS content_comments (
            comment_id uuid PRIMARY KEY,
            org_id uuid NOT NULL,
            channel_id uuid NOT NULL,
            post_id uuid NOT NULL,
            platform_comment_id text,
            author_name text NOT NULL,
            platform_author_id text,
            text text NOT NULL,
            received_at timestamptz NOT NULL,
            captured_at timestamptz,
            recorded_at timestamptz NOT NULL,
            version integer NOT NULL,
            visibility text NOT NULL DEFAULT 'visible',
            moderation_ground text,
            moderation_provision text,
            moderation_justification text,
            moderated_by_name text,
            moderated_at timestamptz,
            case_diary_number text,
            moved_to_case boolean NOT NULL DEFAULT false,
            replies integer NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX IF NOT EXISTS content_comments_post_idx ON content_comments (post_id, received_at, comment_id)",
        "CREATE INDEX IF NOT EXISTS content_comments_author_idx ON content_comments (org_id, platform_author_id)",
        """CREATE TABLE IF NOT EXISTS content_replies (
            reply_id uuid PRIMARY KEY,
            comment_id uuid NOT NULL,
            text text NOT NULL,
            author_name text NOT NULL,
            replied_at timestamptz NOT NULL,
            assignment_id uuid,
            source text NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS content_replies_comment_idx ON content_replies (comment_id, replied_at)",
    )
    bulk_tables: ClassVar = {
        "content_posts": ("post_id",),
        "content_post_versions": ("post_id", "version"),
        "content_comments": ("comment_id",),
        "content_replies": ("reply_id",),
    }
    versioned = (
        Versioned("content_posts", ("post_id",), (("channel_id",), ("post_id",))),
        Versioned("content_post_versions", ("post_id", "version"), (("post_id",),)),
        Versioned("content_comments", ("comment_id",), (("post_id",), ("comment_id",))),
        Versioned("content_replies", ("reply_id",), (("comment_id",),)),
    )

    def post(self, post_id: UUID, as_of: int | None = None) -> dict[str, Any] | None:
        return self.fetch_one(_from("SELECT * FROM {} WHERE post_id = %s", "content_posts", as_of), (post_id,))

    def post_versions(self, post_id: UUID, as_of: int | None = None) -> list[dict[str, Any]]:
        return self.fetch_all(
            _from("SELECT * FROM {} WHERE post_id = %s ORDER BY version", "content_post_versions", as_of), (post_id,)
        )

    def posts_of(self, channel_id: UUID, limit: int, offset: int, as_of: int | None = None) -> list[dict[str, Any]]:
        return self.fetch_all(
            _from(
                "SELECT * FROM {} WHERE channel_id = %s ORDER BY published_at DESC, post_id LIMIT %s OFFSET %s",
                "content_posts",
                as_of,
            ),
            (channel_id, min(limit, PAGE_MAX), offset),
        )

    def posts_between(self, channel_id: UUID, start: datetime, end: datetime) -> list[dict[str, Any]]:
        return self.fetch_all(
            "SELECT * FROM content_posts WHERE channel_id = %s AND published_at >= %s AND published_at < %s"
            " ORDER BY published_at, post_id",
            (channel_id, start, end),
        )

    def comments_on(self, post_id: UUID, visible_only: bool, as_of: int | None = None) -> list[dict[str, Any]]:
        condition = "AND visibility = 'visible'" if visible_only else ""
        return self.fetch_all(
            _from(
                f"SELECT * FROM {{}} WHERE post_id = %s {condition} ORDER BY received_at, comment_id",
                "content_comments",
                as_of,
            ),
            (post_id,),
        )

    def comment(self, comment_id: UUID, as_of: int | None = None) -> dict[str, Any] | None:
        return self.fetch_one(_from("SELECT * FROM {} WHERE comment_id = %s", "content_comments", as_of), (comment_id,))

    def replies_to(self, comment_ids: list[UUID], as_of: int | None = None) -> list[dict[str, Any]]:
        return self.fetch_all(
            _from(
                "SELECT * FROM {} WHERE comment_id = ANY(%s) ORDER BY replied_at, reply_id", "content_replies", as_of
            ),
            (comment_ids,),
        )

    def comments_by_author(
        self, org_id: UUID, platform_author_id: str | None, author_name: str | None
    ) -> list[dict[str, Any]]:
        """Only for a recorded data-subject request (GDPR art. 15/17); never exposed otherwise."""
        return self.fetch_all(
            "SELECT * FROM content_comments WHERE org_id = %(org)s AND ("
            " (%(author_id)s::text IS NOT NULL AND platform_author_id = %(author_id)s)"
            " OR (%(name)s::text IS NOT NULL AND lower(author_name) = lower(%(name)s)))"
            " ORDER BY received_at, comment_id",
            {"org": org_id, "author_id": platform_author_id, "name": author_name},
        )


def _from(query: str, table: str, as_of: int | None) -> sql.Composed:
    return sql.SQL(query).format(source(table, as_of))  # type: ignore[arg-type]


class ChannelContentProjection(CapturedCommentEdits, BatchProjection[ChannelContentView]):
    name = "channel_content"
    view_class: ClassVar = ChannelContentView
    # A disposal overwrites content in every stored version by SQL, after the rows changed before it.
    barrier_events: ClassVar = (DisposalDecision.Executed,)

    def prefetch(self, events: Sequence[tuple[Any, int]]) -> dict[str, Any]:
        posts, comments = set(), set()
        for event, _ in events:
            if isinstance(event, (Post.Edited, Post.Deleted)):
                posts.add(event.originator_id)
            elif isinstance(
                event,
                (
                    Comment.ReplyPosted,
                    Comment.Moderated,
                    Comment.ModerationReversed,
                    Comment.TransferredToCase,
                    *EDITED_COMMENT_EVENTS,
                ),
            ):
                comments.add(event.originator_id)
        return {"content_posts": posts, "content_comments": comments}

    @handles(Post.Published)
    def published(self, event: Post.Published, curs: Cursor[Any], position: int) -> None:
        self.rows("content_posts").insert(
            {
                "post_id": event.originator_id,
                "org_id": event.org_id,
                "channel_id": event.channel_id,
                "platform_post_id": event.platform_post_id,
                "text": event.text,
                "author_id": event.author_id,
                "author_name": event.author_name,
                "source": event.source,
                "assignment_id": event.assignment_id,
                "published_at": event.occurred_at,
                "captured_at": event.captured_at,
                "recorded_at": event.timestamp,
                "recorded_by_name": event.actor_name,
                "version": event.originator_version,
                "edits": 0,
                "deleted_at": None,
                "deleted_recorded_at": None,
                "deleted_by_id": None,
                "deleted_by_name": None,
                "deleted_by_role": None,
                "delete_ground": None,
                "delete_reason": None,
                "position": position,
            },
            position,
        )
        self._version(event, event.text, position)

    @handles(Post.Edited)
    def edited(self, event: Post.Edited, curs: Cursor[Any], position: int) -> None:
        posts = self.rows("content_posts")
        row = posts.get(event.originator_id)
        if row is not None:
            posts.update(
                event.originator_id,
                position,
                text=event.text_after,
                edits=row["edits"] + 1,
                version=event.originator_version,
            )
        self._version(event, event.text_after, position)

    @handles(Post.Deleted)
    def deleted(self, event: Post.Deleted, curs: Cursor[Any], position: int) -> None:
        self.rows("content_posts").update(
            event.originator_id,
            position,
            deleted_at=event.occurred_at,
            deleted_recorded_at=event.timestamp,
            deleted_by_id=event.actor_id,
            deleted_by_name=event.actor_name,
            deleted_by_role=event.actor_role,
            delete_ground=event.ground,
            delete_reason=event.reason,
            version=event.originator_version,
        )

    def _version(self, event: Post.Event, text: str, position: int) -> None:
        self.rows("content_post_versions").insert(
            {
                "post_id": event.originator_id,
                "version": event.originator_version,
                "text": text,
                "changed_at": event.occurred_at,
                "recorded_at": event.timestamp,
                "changed_by_name": event.actor_name,
                "changed_by_role": event.actor_role,
            },
            position,
        )

    @handles(Comment.Received)
    def received(self, event: Comment.Received, curs: Cursor[Any], position: int) -> None:
        self.rows("content_comments").insert(
            {
                "comment_id": event.originator_id,
                "org_id": event.org_id,
                "channel_id": event.channel_id,
                "post_id": event.post_id,
                "platform_comment_id": event.platform_comment_id,
                "author_name": event.author_name,
                "platform_author_id": event.platform_author_id,
                "text": event.text,
                "received_at": event.occurred_at,
                "captured_at": event.captured_at,
                "recorded_at": event.timestamp,
                "version": event.originator_version,
                "visibility": "visible",
                "moderation_ground": None,
                "moderation_provision": None,
                "moderation_justification": None,
                "moderated_by_name": None,
                "moderated_at": None,
                "case_diary_number": None,
                "moved_to_case": False,
                "replies": 0,
            },
            position,
        )

    @handles(Comment.ReplyPosted)
    def replied(self, event: Comment.ReplyPosted, curs: Cursor[Any], position: int) -> None:
        self.rows("content_replies").insert(
            {
                "reply_id": event.reply_id,
                "comment_id": event.originator_id,
                "text": event.text,
                "author_name": event.author_name,
                "replied_at": event.occurred_at,
                "assignment_id": event.assignment_id,
                "source": "capture" if event.captured_at else "editor",
            },
            position,
        )
        comments = self.rows("content_comments")
        row = comments.get(event.originator_id)
        if row is not None:
            comments.update(event.originator_id, position, replies=row["replies"] + 1, version=event.originator_version)

    @handles(Comment.Moderated)
    def moderated(self, event: Comment.Moderated, curs: Cursor[Any], position: int) -> None:
        visibility = "hidden" if event.action == ModerationAction.HIDE else "removed"
        self.rows("content_comments").update(
            event.originator_id,
            position,
            visibility=visibility,
            moderation_ground=event.ground,
            moderation_provision=event.provision,
            moderation_justification=event.justification,
            moderated_by_name=event.actor_name,
            moderated_at=event.timestamp,
            version=event.originator_version,
        )

    @handles(Comment.ModerationReversed)
    def reversed_(self, event: Comment.ModerationReversed, curs: Cursor[Any], position: int) -> None:
        self.rows("content_comments").update(
            event.originator_id,
            position,
            visibility="visible",
            moderation_ground=None,
            moderation_provision=None,
            moderation_justification=None,
            moderated_by_name=event.actor_name,
            moderated_at=event.timestamp,
            version=event.originator_version,
        )

    @handles(DisposalDecision.Executed)
    def disposed(self, event: DisposalDecision.Executed, curs: Cursor[Any], position: int) -> None:
        """Disposal reaches this copy too: content becomes the disposal marker."""
        marker, ids = disposed_marker(event.reference, event.timestamp), event.record_ids
        # Every stored version of the rows too: disposed content stays disposed in the past.
        for table in ("content_comments", "content_comments_history"):
            curs.execute(
                f"UPDATE {table} SET author_name = %s, platform_author_id = NULL WHERE comment_id = ANY(%s)",
                (marker, ids),
            )
        if event.personal_data_only:
            return
        for table, key in (
            ("content_posts", "post_id"),
            ("content_post_versions", "post_id"),
            ("content_comments", "comment_id"),
            ("content_replies", "reply_id"),
        ):
            for target in (table, f"{table}_history"):
                curs.execute(f"UPDATE {target} SET text = %s WHERE {key} = ANY(%s)", (marker, ids))

    @handles(Comment.TransferredToCase)
    def transferred(self, event: Comment.TransferredToCase, curs: Cursor[Any], position: int) -> None:
        self.rows("content_comments").update(
            event.originator_id,
            position,
            moved_to_case=True,
            case_diary_number=event.diary_number,
            version=event.originator_version,
        )
