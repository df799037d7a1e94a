"""The channel content's handlers: posts published, edited and deleted; comments received,
replied to, moderated and moved to a case; and disposal, which reaches every stored version."""

from __future__ import annotations

from typing import Any, ClassVar

from psycopg import Cursor

from domain.comment import VISIBILITY_AFTER, Comment, ModerationAction, Visibility
from domain.post import Post
from projections.channel_content.edits import CapturedCommentEdits
from projections.channel_content.view import ChannelContentView
from projections.core.base import BatchProjection, handles
from retention.disposal import DisposalDecision, disposed_marker


class ChannelContentProjection(CapturedCommentEdits, BatchProjection[ChannelContentView]):
    name = "channel_content"
    view_class: ClassVar = ChannelContentView
    # A disposal overwrites content in every stored version by SQL, after the rows changed before it.
    barrier_events: ClassVar = (DisposalDecision.Executed,)

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

    @handles(Post.Edited, reads="content_posts")
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

    @handles(Post.Deleted, reads="content_posts")
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
                "visibility": Visibility.VISIBLE.value,
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

    @handles(Comment.ReplyPosted, reads="content_comments")
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

    @handles(Comment.Moderated, reads="content_comments")
    def moderated(self, event: Comment.Moderated, curs: Cursor[Any], position: int) -> None:
        self.rows("content_comments").update(
            event.originator_id,
            position,
            visibility=VISIBILITY_AFTER[ModerationAction(event.action)].value,
            moderation_ground=event.ground,
            moderation_provision=event.provision,
            moderation_justification=event.justification,
            moderated_by_name=event.actor_name,
            moderated_at=event.timestamp,
            version=event.originator_version,
        )

    @handles(Comment.ModerationReversed, reads="content_comments")
    def reversed_(self, event: Comment.ModerationReversed, curs: Cursor[Any], position: int) -> None:
        self.rows("content_comments").update(
            event.originator_id,
            position,
            visibility=Visibility.VISIBLE.value,
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

    @handles(Comment.TransferredToCase, reads="content_comments")
    def transferred(self, event: Comment.TransferredToCase, curs: Cursor[Any], position: int) -> None:
        self.rows("content_comments").update(
            event.originator_id,
            position,
            moved_to_case=True,
            case_diary_number=event.diary_number,
            version=event.originator_version,
        )
