"""Comments, replies and moderation: what the public wrote, what the organisation answered and decided."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import LongText
from api.types import Instant, Text
from domain.comment import ModerationAction


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
