"""Registering a social-media record in one step (seed 003: "like a phone call"): the diary
fields are drawn from the record, and the record itself stays the record. A comment is
*inkommen* on the date it was posted; the body's post is *upprättad* when published; a
moderation decision is *upprättad* when made."""

from __future__ import annotations

from datetime import datetime

from domain.channel import Channel
from domain.comment import NEW_CASE, Comment, ModerationAction
from domain.diary import Direction, Links, Reading, RecordType
from domain.errors import InvalidTransition
from domain.grounds import Ground
from domain.post import Post


def comment_reading(
    comment: Comment,
    received_at: datetime,
    channel: Channel,
    description: str | None,
    counterpart: str | None,
    note: str | None,
    at: datetime,
) -> tuple[Reading, Links]:
    """The sender is the name the platform shows publicly, unless the records officer writes
    another. The default description names the channel, not what the comment says: the diary
    is kept for good, while the comment may be disposed of, and no copy of it may outlive that."""
    reading = Reading.checked(
        received_at,
        Direction.RECEIVED,
        RecordType.COMMENT,
        counterpart or comment.author_name,
        description or f"Kommentar på {channel.platform.label_sv}, {channel.name}",
        note,
        at,
    )
    return reading, Links(channel_id=channel.id, post_id=comment.post_id, comment_id=comment.id)


def post_reading(
    post: Post, published_at: datetime, channel: Channel, description: str | None, note: str | None, at: datetime
) -> tuple[Reading, Links]:
    reading = Reading.checked(
        published_at,
        Direction.DRAWN_UP,
        RecordType.POST,
        f"Allmänheten via {channel.name} ({channel.platform.label_sv})",
        description or f"Inlägg på {channel.platform.label_sv}, {channel.name}",
        note,
        at,
    )
    return reading, Links(channel_id=channel.id, post_id=post.id)


def decision_reading(
    comment: Comment,
    decision: Comment.Moderated | Comment.ModerationReversed,
    channel: Channel,
    description: str | None,
    note: str | None,
    at: datetime,
) -> tuple[Reading, Links]:
    if isinstance(decision, Comment.Moderated):
        verb = "dölja" if decision.action == ModerationAction.HIDE else "ta bort"
        default = f"Beslut att {verb} en kommentar på {channel.platform.label_sv}: {Ground(decision.ground).label_sv}"
    else:
        default = f"Beslut att åter visa en kommentar på {channel.platform.label_sv}"
    reading = Reading.checked(
        decision.occurred_at, Direction.DRAWN_UP, RecordType.MODERATION_DECISION, None, description or default, note, at
    )
    return reading, Links(
        channel_id=channel.id, post_id=comment.post_id, comment_id=comment.id, decision_id=decision.decision_id
    )


def comment_case(comment: Comment, case_number: str | None) -> str | None:
    """The case a comment is registered into: the one asked for, else the one an editor moved it
    to. A comment moved to a *new* case waits for the records officer to open that case."""
    if case_number:
        return case_number
    if comment.case_transfer == NEW_CASE:
        raise InvalidTransition(
            "the comment was moved to a new case: open the case and register the comment "
            "with POST /v1/comments/{id}/diary-case, or name the case in case_number"
        )
    return comment.case_transfer
