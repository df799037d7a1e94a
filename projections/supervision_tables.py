"""The supervision view's tables (``projections/supervision.py``)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.comment import Comment
from domain.supervision.flags import Flag

TABLES = (
    "supervision_comments",
    "supervision_flags",
    "supervision_targets",
    "supervision_removals",
    "supervision_user_information",
    "supervision_lexicon_terms",
    "supervision_lexicons",
    "supervision_organisations",
)

CREATE_STATEMENTS = (
    """CREATE TABLE IF NOT EXISTS supervision_comments (
        comment_id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        channel_id uuid NOT NULL,
        post_id uuid NOT NULL,
        received_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        target_hours float8,
        due_at timestamptz,
        first_reply_at timestamptz,
        response_working_seconds float8,
        moderated boolean NOT NULL,
        moved_to_case boolean NOT NULL,
        open_flags integer NOT NULL,
        in_queue boolean GENERATED ALWAYS AS
            (open_flags > 0 OR (first_reply_at IS NULL AND NOT moderated AND NOT moved_to_case)) STORED
    )""",
    # The queue's one query walks this partial index in order: only comments still in the queue.
    "CREATE INDEX IF NOT EXISTS supervision_queue_idx ON supervision_comments (org_id, received_at, comment_id)"
    " WHERE in_queue",
    "CREATE INDEX IF NOT EXISTS supervision_comments_channel_idx ON supervision_comments (channel_id, received_at)",
    """CREATE TABLE IF NOT EXISTS supervision_flags (
        flag_id uuid PRIMARY KEY,
        comment_id uuid NOT NULL,
        reply_id uuid,
        org_id uuid NOT NULL,
        channel_id uuid NOT NULL,
        kind text NOT NULL,
        span_start integer NOT NULL,
        span_end integer NOT NULL,
        term text,
        lexicon_version text NOT NULL,
        raised_at timestamptz NOT NULL,
        position bigint NOT NULL,
        resolution text,
        decision_id uuid,
        resolved_at timestamptz,
        resolved_by_name text,
        resolved_by_role text,
        resolution_position bigint
    )""",
    "CREATE INDEX IF NOT EXISTS supervision_flags_comment_idx ON supervision_flags (comment_id) INCLUDE (resolution, kind)",
    "CREATE INDEX IF NOT EXISTS supervision_flags_reply_idx ON supervision_flags (reply_id) WHERE reply_id IS NOT NULL",
    """CREATE TABLE IF NOT EXISTS supervision_targets (
        channel_id uuid PRIMARY KEY, org_id uuid NOT NULL, working_hours float8 NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS supervision_removals (
        decision_id uuid PRIMARY KEY,
        comment_id uuid NOT NULL,
        org_id uuid NOT NULL,
        channel_id uuid NOT NULL,
        ground text NOT NULL,
        removed_at timestamptz NOT NULL,
        removed_by_name text NOT NULL,
        reversed boolean NOT NULL,
        notice text,
        notice_channel text,
        notice_at timestamptz,
        notice_reason text,
        noticed_by_name text
    )""",
    "CREATE INDEX IF NOT EXISTS supervision_removals_org_idx ON supervision_removals (org_id, removed_at)",
    """CREATE TABLE IF NOT EXISTS supervision_user_information (
        channel_id uuid NOT NULL,
        version integer NOT NULL,
        org_id uuid NOT NULL,
        provider text NOT NULL,
        public_records text NOT NULL,
        comment_rules text NOT NULL,
        removal text NOT NULL,
        personal_data text NOT NULL,
        contact text NOT NULL,
        changed_at timestamptz NOT NULL,
        changed_by_name text NOT NULL,
        changed_by_role text NOT NULL,
        position bigint NOT NULL,
        PRIMARY KEY (channel_id, version)
    )""",
    """CREATE TABLE IF NOT EXISTS supervision_lexicon_terms (
        org_id uuid NOT NULL, kind text NOT NULL, term text NOT NULL, position bigint NOT NULL,
        PRIMARY KEY (org_id, kind, term))""",
    "CREATE TABLE IF NOT EXISTS supervision_lexicons (org_id uuid PRIMARY KEY, version integer NOT NULL)",
    "CREATE TABLE IF NOT EXISTS supervision_organisations (org_id uuid PRIMARY KEY, name text NOT NULL)",
)


def flag_row(
    event: Any, flag: Flag, flag_id: UUID, comment_id: UUID, reply_id: UUID | None, lexicon: str, position: int
) -> dict[str, Any]:
    return {
        "flag_id": flag_id,
        "comment_id": comment_id,
        "reply_id": reply_id,
        "org_id": event.org_id,
        "channel_id": event.channel_id,
        "kind": flag.kind.value,
        "span_start": flag.start,
        "span_end": flag.end,
        "term": flag.term,
        "lexicon_version": lexicon,
        "raised_at": event.timestamp,
        "position": position,
        "resolution": None,
        "decision_id": None,
        "resolved_at": None,
        "resolved_by_name": None,
        "resolved_by_role": None,
        "resolution_position": None,
    }


def removal_row(event: Comment.Moderated) -> dict[str, Any]:
    return {
        "decision_id": event.decision_id,
        "comment_id": event.originator_id,
        "org_id": event.org_id,
        "channel_id": event.channel_id,
        "ground": event.ground,
        "removed_at": event.timestamp,
        "removed_by_name": event.actor_name,
        "reversed": False,
        "notice": None,
        "notice_channel": None,
        "notice_at": None,
        "notice_reason": None,
        "noticed_by_name": None,
    }
