"""Request and response bodies of the editorial record."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import LongText
from api.types import Instant, Text


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
