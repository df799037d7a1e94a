"""Capture clients' requests: a post or a whole platform export as captured, and what was recorded of it."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import LongText
from api.types import Instant, Text


class PostCapture(BaseModel):
    platform_post_id: Text = Field(min_length=1, max_length=200)
    text: Text = LongText
    published_at: Instant
    captured_at: Instant
    author_name: Text = Field(min_length=1, max_length=200, description="Who the platform shows as publisher.")
    author_id: Text | None = Field(None, max_length=200, description="The employee's actor id, when known.")
    model_config = ConfigDict(extra="forbid")


class Captured(BaseModel):
    id: UUID
    version: int
    position: int
    created: bool = Field(description="False when the platform id was recorded before (nothing new recorded).")


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
