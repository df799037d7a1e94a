"""The channel content's tables: posts and every version of them, comments and replies. Every
version of each row is kept by log position (``VERSIONED``), for reads as of any position."""

from __future__ import annotations

from projections.core.temporal import Versioned

TABLES = ("content_posts", "content_post_versions", "content_comments", "content_replies")
CREATE_STATEMENTS = (
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
BULK_TABLES = {
    "content_posts": ("post_id",),
    "content_post_versions": ("post_id", "version"),
    "content_comments": ("comment_id",),
    "content_replies": ("reply_id",),
}
VERSIONED = (
    Versioned("content_posts", ("post_id",), (("channel_id",), ("post_id",))),
    Versioned("content_post_versions", ("post_id", "version"), (("post_id",),)),
    Versioned("content_comments", ("comment_id",), (("post_id",), ("comment_id",))),
    Versioned("content_replies", ("reply_id",), (("comment_id",),)),
)
