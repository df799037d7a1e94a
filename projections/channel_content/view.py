"""The channel content's queries: a post and its versions, a channel's posts, the comments on a
post and their replies, each as of any log position; and the comments of one author, only for a
recorded data-subject request."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from projections.channel_content.tables import BULK_TABLES, CREATE_STATEMENTS, TABLES, VERSIONED
from projections.core.base import View
from projections.core.temporal import as_of_query

PAGE_MAX = 200


class ChannelContentView(View):
    name = "channel_content"
    tables = TABLES
    create_statements = CREATE_STATEMENTS
    bulk_tables = BULK_TABLES
    versioned = VERSIONED

    def post(self, post_id: UUID, as_of: int | None = None) -> dict[str, Any] | None:
        return self.fetch_one(as_of_query("SELECT * FROM {} WHERE post_id = %s", "content_posts", as_of), (post_id,))

    def post_versions(self, post_id: UUID, as_of: int | None = None) -> list[dict[str, Any]]:
        return self.fetch_all(
            as_of_query("SELECT * FROM {} WHERE post_id = %s ORDER BY version", "content_post_versions", as_of),
            (post_id,),
        )

    def posts_of(self, channel_id: UUID, limit: int, offset: int, as_of: int | None = None) -> list[dict[str, Any]]:
        return self.fetch_all(
            as_of_query(
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
            as_of_query(
                f"SELECT * FROM {{}} WHERE post_id = %s {condition} ORDER BY received_at, comment_id",
                "content_comments",
                as_of,
            ),
            (post_id,),
        )

    def comment(self, comment_id: UUID, as_of: int | None = None) -> dict[str, Any] | None:
        return self.fetch_one(
            as_of_query("SELECT * FROM {} WHERE comment_id = %s", "content_comments", as_of), (comment_id,)
        )

    def replies_to(self, comment_ids: list[UUID], as_of: int | None = None) -> list[dict[str, Any]]:
        return self.fetch_all(
            as_of_query(
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
