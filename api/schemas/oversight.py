"""Supervision's answers: the grounds for removal, response times per month, and the compliance view."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field


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
    removals_without_notice: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Removed comments whose poster was not told (meddelande om borttagning) and for which no "
        "reason for sending none is recorded.",
    )
