"""Request and response bodies of the editorial record."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.types import Instant, Text
from domain.comment import ModerationAction

LongText = Field(min_length=1, max_length=100_000)


class AssignmentCreate(BaseModel):
    editor_id: Text = Field(min_length=1, max_length=200, description="The editor's actor id (from their token).")
    editor_name: Text = Field(min_length=1, max_length=200)
    valid_from: Instant
    valid_until: Instant | None = None
    scope: Text = Field(min_length=1, max_length=1000, description="Uppdragets omfattning: what the editor may do.")
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "editor_id": "actor:5f1e2184-db18-4887-b8ec-8871a192d32b",
                    "editor_name": "Erik Eriksson",
                    "valid_from": "2026-03-01T00:00:00+01:00",
                    "valid_until": "2026-12-31T23:59:59+01:00",
                    "scope": "Publicera nyheter och svara på kommentarer",
                }
            ]
        },
    )


class AssignmentRevoke(BaseModel):
    reason: Text = Field(min_length=1, max_length=500)
    effective_from: Instant | None = Field(None, description="When the assignment ends; now if left out.")
    model_config = ConfigDict(extra="forbid")


class AssignmentPublic(BaseModel):
    assignment_id: UUID
    channel_id: UUID
    editor_id: str
    editor_name: str
    scope: str
    valid_from: datetime
    valid_until: datetime | None
    assigned_by_name: str
    assigned_by_role: str
    assigned_at: datetime
    revoked_from: datetime | None
    revoked_by_name: str | None
    revoke_reason: str | None


class PostCreate(BaseModel):
    text: Text = LongText
    published_at: Instant | None = Field(None, description="When it was published on the platform; now if left out.")
    platform_post_id: Text | None = Field(None, max_length=200, description="The platform's id, if known.")
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "text": "Hej från Valdemarsviks kommun! Nu öppnar badplatserna. /Kommunikationsenheten",
                    "published_at": "2026-06-01T09:00:00+02:00",
                    "platform_post_id": "fb_123456789",
                }
            ]
        },
    )


class PostCapture(BaseModel):
    platform_post_id: Text = Field(min_length=1, max_length=200)
    text: Text = LongText
    published_at: Instant
    captured_at: Instant
    author_name: Text = Field(min_length=1, max_length=200, description="Who the platform shows as publisher.")
    author_id: Text | None = Field(None, max_length=200, description="The employee's actor id, when known.")
    model_config = ConfigDict(extra="forbid")


class PostEdit(BaseModel):
    text: Text = LongText
    occurred_at: Instant | None = Field(None, description="When it was edited on the platform; now if left out.")
    captured_at: Instant | None = Field(None, description="Capture clients: when the edit was captured.")
    model_config = ConfigDict(extra="forbid")


class PostDelete(BaseModel):
    ground: Text = Field(description="One of GET /v1/grounds (for posts, also own_decision, published_by_mistake).")
    reason: Text = Field(min_length=1, max_length=2000)
    occurred_at: Instant | None = None
    captured_at: Instant | None = None
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"ground": "published_by_mistake", "reason": "Fel datum för mötet angavs."}]},
    )


class CommentCapture(BaseModel):
    platform_comment_id: Text | None = Field(None, max_length=200)
    author_name: Text = Field(min_length=1, max_length=200, description="The display name the platform shows.")
    platform_author_id: Text | None = Field(
        None, max_length=200, description="The platform's author id, if it gives one."
    )
    text: Text = LongText
    received_at: Instant = Field(description="When it was posted on the platform (inkommen).")
    captured_at: Instant | None = None
    model_config = ConfigDict(extra="forbid")


class ReplyCreate(BaseModel):
    text: Text = LongText
    occurred_at: Instant | None = None
    captured_at: Instant | None = None
    author_id: Text | None = Field(None, max_length=200, description="Capture clients: the replying employee's id.")
    author_name: Text | None = Field(None, max_length=200, description="Capture clients: the name the platform shows.")
    model_config = ConfigDict(extra="forbid")


class ModerationCreate(BaseModel):
    action: ModerationAction
    ground: Text = Field(description="One of GET /v1/grounds.")
    provision: Text | None = Field(
        None, max_length=100, description="For secrecy: the OSL provision, e.g. 'OSL 26 kap. 1 §'."
    )
    justification: Text = Field(min_length=1, max_length=2000)
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "action": "remove",
                    "ground": "offensive_personal_data",
                    "justification": "Kommentaren pekar ut en namngiven person som brottslig.",
                }
            ]
        },
    )


class ModerationReverse(BaseModel):
    justification: Text = Field(min_length=1, max_length=2000)
    model_config = ConfigDict(extra="forbid")


class CaseTransfer(BaseModel):
    diary_number: Text | None = Field(
        None, max_length=40, description="The case's diary number; none opens a new case."
    )
    note: Text = Field(min_length=1, max_length=2000)
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"diary_number": "SN 2026/0042", "note": "Gäller pågående bygglovsärende; besvaras i ärendet."}
            ]
        },
    )


class IdentityRequest(BaseModel):
    reason: Text = Field(min_length=1, max_length=2000)
    model_config = ConfigDict(extra="forbid")


class AuthorIdentityShown(BaseModel):
    comment_id: UUID
    author_name: str
    platform_author_id: str | None
    position: int = Field(description="Where the disclosure itself was recorded.")


class DataSubjectRequest(BaseModel):
    article: Literal["15", "17"] = Field(description="GDPR art. 15 (access) or 17 (erasure).")
    case_reference: Text = Field(min_length=1, max_length=40, description="The request's diary number.")
    platform_author_id: Text | None = Field(None, max_length=200)
    author_name: Text | None = Field(None, max_length=200)
    reason: Text = Field(min_length=1, max_length=2000)
    model_config = ConfigDict(extra="forbid")


class Captured(BaseModel):
    id: UUID
    version: int
    position: int
    created: bool = Field(description="False when the platform id was recorded before (nothing new recorded).")


class PostVersion(BaseModel):
    version: int
    text: str
    changed_at: datetime
    recorded_at: datetime
    changed_by_name: str
    changed_by_role: str


class Deletion(BaseModel):
    """ "Why was this post deleted?" — who, when, on what ground, why."""

    deleted_at: datetime = Field(description="When it was deleted on the platform.")
    recorded_at: datetime
    deleted_by_name: str
    deleted_by_role: str
    ground: str
    ground_label: str
    reason: str


class PostPublic(BaseModel):
    post_id: UUID
    channel_id: UUID
    published_at: datetime
    author_name: str
    text: str | None = Field(description="None when deleted: the public sees that, not what it said.")
    deleted: bool
    edited: bool


class PostRecord(PostPublic):
    """The post as records officers and auditors see it: every version, the deletion, the source."""

    platform_post_id: str | None
    source: str
    assignment_id: UUID | None
    deviation: bool = Field(description="Published without a valid editor's assignment.")
    captured_at: datetime | None
    recorded_at: datetime
    version: int
    versions: list[PostVersion]
    deletion: Deletion | None


class DeletionAnswer(BaseModel):
    post_id: UUID
    channel_id: UUID
    deletion: Deletion
    text: str | None = Field(description="What the post said when deleted; for records officers and auditors only.")
    versions: list[PostVersion] | None


class ReplyPublic(BaseModel):
    reply_id: UUID
    text: str
    author_name: str
    replied_at: datetime


class CommentPublic(BaseModel):
    comment_id: UUID
    post_id: UUID
    author_name: str
    text: str
    received_at: datetime
    moved_to_case: str | None = Field(description="'dnr …' when the comment was moved to a case.")
    replies: list[ReplyPublic]


class CommentRecord(BaseModel):
    """A comment as records officers and auditors see it: removed content too, never the author's identity."""

    comment_id: UUID
    post_id: UUID
    text: str
    received_at: datetime
    captured_at: datetime | None
    recorded_at: datetime
    visibility: str
    moderation_ground: str | None
    moderation_provision: str | None
    moderation_justification: str | None
    moderated_by_name: str | None
    moved_to_case: str | None
    version: int
    replies: list[ReplyPublic]


class GroundPublic(BaseModel):
    ground: str
    label_sv: str
    law: str
    for_comments: bool
    for_posts: bool


class MonthlyResponse(BaseModel):
    month: str
    comments: int = Field(description="Comments needing a reply (not moderated, not moved to a case).")
    answered: int
    share_answered: float
    median_seconds: float | None
    p90_seconds: float | None
    unanswered_past_threshold: int


class ComplianceReport(BaseModel):
    org_id: UUID
    as_of: datetime
    unanswered_threshold_hours: float
    posts_without_assignment: list[dict[str, Any]]
    deletions_to_review: list[dict[str, Any]]
    unanswered_comments: list[dict[str, Any]]
    channels_without_editor: list[dict[str, Any]]
    late_recordings: list[dict[str, Any]] = Field(
        description="Sen registrering: what a person recorded more than 24 hours after it happened (posts "
        "published, edited or deleted, replies), with who recorded it and how many hours late."
    )


class BulkPost(BaseModel):
    platform_post_id: Text = Field(min_length=1, max_length=200)
    text: Text = LongText
    published_at: Instant
    captured_at: Instant
    author_name: Text = Field(min_length=1, max_length=200)
    author_id: Text | None = Field(None, max_length=200)
    model_config = ConfigDict(extra="forbid")


class BulkComment(BaseModel):
    platform_comment_id: Text = Field(min_length=1, max_length=200)
    post_platform_id: Text = Field(min_length=1, max_length=200, description="The platform's id of the post.")
    author_name: Text = Field(min_length=1, max_length=200)
    platform_author_id: Text | None = Field(None, max_length=200)
    text: Text = LongText
    received_at: Instant
    captured_at: Instant
    model_config = ConfigDict(extra="forbid")


class BulkCapture(BaseModel):
    """A platform export: posts, and comments that name their post by its platform id."""

    posts: list[BulkPost] = Field(default_factory=list, max_length=20_000)
    comments: list[BulkComment] = Field(default_factory=list, max_length=20_000)
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "posts": [
                        {
                            "platform_post_id": "fb_1",
                            "text": "Välkommen!",
                            "published_at": "2026-05-01T09:00:00+02:00",
                            "captured_at": "2026-05-02T09:00:00+02:00",
                            "author_name": "Valdemarsviks kommun",
                        }
                    ],
                    "comments": [
                        {
                            "platform_comment_id": "fb_c_1",
                            "post_platform_id": "fb_1",
                            "author_name": "Kalle",
                            "text": "Tack!",
                            "received_at": "2026-05-01T10:00:00+02:00",
                            "captured_at": "2026-05-02T09:00:00+02:00",
                        }
                    ],
                }
            ]
        },
    )


class BulkCaptured(BaseModel):
    received: int
    created: int
    duplicates: int = Field(description="Items whose platform id was recorded before: nothing new recorded.")
    position: int
