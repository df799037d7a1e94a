"""Bulk capture: a capture client hands over a platform export (posts and the comments on them)
in one request. Records already captured are skipped by their platform ids; the rest are stored
in chunks (``chunked_saves``), their keys created in one round trip per 5,000 records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from psycopg import sql

from domain.comment import Comment
from domain.errors import InvalidValue
from domain.post import Post, platform_record_id
from domain.roster import valid_assignment
from kanalarkiv.application.base import RecordsBase
from kanalarkiv.application.context import current_actor

MAX_ITEMS = 20_000


@dataclass(frozen=True)
class BulkOutcome:
    received: int
    created: int
    duplicates: int
    position: int


@dataclass(frozen=True)
class CapturedPost:
    platform_post_id: str
    text: str
    published_at: datetime
    captured_at: datetime
    author_name: str
    author_id: str | None = None


@dataclass(frozen=True)
class CapturedComment:
    platform_comment_id: str
    post_platform_id: str
    author_name: str
    text: str
    received_at: datetime
    captured_at: datetime
    platform_author_id: str | None = None


class BulkCaptureCommands(RecordsBase):
    """A platform export's posts and comments, captured in one request."""

    def capture_bulk(
        self, channel_id: UUID, posts: Sequence[CapturedPost], comments: Sequence[CapturedComment]
    ) -> BulkOutcome:
        if len(posts) + len(comments) > MAX_ITEMS:
            raise InvalidValue("posts", f"at most {MAX_ITEMS} posts and comments in one capture")
        channel = self.get_channel(channel_id)
        by, at = current_actor(), self.clock()
        # Asked before the look-up of what was captured before: only a capture client of the
        # channel's organisation may learn which of these platform ids are recorded.
        Post.authorise_capture(channel.org_id, by)
        if comments:
            Comment.authorise_receipt(channel.org_id, by)
        roster = self._roster(channel_id)
        post_id = {p.platform_post_id: platform_record_id("post", channel_id, p.platform_post_id) for p in posts}
        comment_id = {
            c.platform_comment_id: platform_record_id("comment", channel_id, c.platform_comment_id) for c in comments
        }
        already = self._recorded_ids([*post_id.values(), *comment_id.values()])
        new_posts: dict[UUID, Post] = {}
        for item in posts:
            record_id = post_id[item.platform_post_id]
            if record_id not in already and record_id not in new_posts:
                new_posts[record_id] = Post.capture(
                    record_id,
                    channel,
                    valid_assignment(roster, item.author_id, item.published_at),
                    item.platform_post_id,
                    item.text,
                    item.published_at,
                    item.captured_at,
                    item.author_id,
                    item.author_name,
                    by=by,
                    at=at,
                )
        new_comments: dict[UUID, Comment] = {}
        for comment in comments:
            record_id = comment_id[comment.platform_comment_id]
            if record_id not in already and record_id not in new_comments:
                post = self._post_of(channel_id, comment.post_platform_id, new_posts)
                new_comments[record_id] = Comment.receive(
                    record_id,
                    post,
                    comment.platform_comment_id,
                    comment.author_name,
                    comment.platform_author_id,
                    comment.text,
                    comment.received_at,
                    comment.captured_at,
                    by=by,
                    at=at,
                )
        aggregates = [*new_posts.values(), *new_comments.values()]
        # A single capture of the same platform id may win the race since the look-up: skipped.
        position = self.save_in_chunks(aggregates, skip_taken=True)
        received = len(posts) + len(comments)
        return BulkOutcome(
            received, len(aggregates), received - len(aggregates), position or self.recorder.max_notification_id() or 0
        )

    def _post_of(self, channel_id: UUID, platform_post_id: str, new_posts: dict[UUID, Post]) -> Post:
        record_id = platform_record_id("post", channel_id, platform_post_id)
        if record_id in new_posts:
            return new_posts[record_id]
        post = self._find(record_id, Post, "post")
        if post is None:
            raise InvalidValue("comments.post_platform_id", f"no post {platform_post_id!r} on this channel")
        return post

    def _recorded_ids(self, record_ids: list[UUID]) -> set[UUID]:
        """Which of these records exist already: one index look-up on the log's primary key."""
        if not record_ids:
            return set()
        query = sql.SQL("SELECT originator_id FROM {} WHERE originator_id = ANY(%s) AND originator_version = 1").format(
            sql.Identifier(self.events_table_name)
        )
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            return {row["originator_id"] for row in curs.execute(query, (record_ids,))}
