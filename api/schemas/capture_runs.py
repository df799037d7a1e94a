"""Capture runs and what they observed, as the API answers them."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field


class RunCountsPublic(BaseModel):
    read: int = Field(description="Items read from the file.")
    new: int
    unchanged: int
    edited: int
    hidden: int = Field(description="Newly hidden on the platform (not the body's moderation).")
    unhidden: int = Field(description="Visible again on the platform.")
    deletions_observed: int = Field(description="Recorded before, missing now from a complete capture.")
    account_deleted: int = Field(description="Deleted by the account itself, as the export says.")


class CaptureImported(BaseModel):
    """An import's run and what it found; a dry run records nothing and has no run."""

    run_id: UUID | None
    dry_run: bool
    counts: RunCountsPublic
    position: int = Field(description="Pass as wait_for_position to read the run and its records.")


class CaptureRunPublic(BaseModel):
    """A capture run (insamlingskörning): which file, by whom, when, covering what, and what it found."""

    run_id: UUID
    channel_id: UUID
    status: str = Field(description="started, completed or failed")
    source_format: str
    file_name: str
    sha256: str
    account_id: str | None
    account_handle: str | None
    period_start: datetime | None = Field(description="The platform times the file covers, when it says.")
    period_end: datetime | None
    posts_complete: bool = Field(description="The file holds every post of the period: missing ones were deleted.")
    complete_threads: int = Field(description="Posts whose every comment the file holds.")
    counts: RunCountsPublic | None
    error: str | None
    run_by_name: str
    run_by_role: str
    started_at: datetime
    finished_at: datetime | None


class ObservedDeletion(BaseModel):
    """An item last seen in one capture and missing from a later complete one (observerad borttagning)."""

    record_id: UUID
    kind: str
    platform_id: str
    post_id: UUID | None = Field(description="For a comment: the post it was on.")
    last_seen_at: datetime
    last_seen_run_id: UUID | None = Field(description="None: recorded outside a complete capture, last seen then.")
    missing_at: datetime
    missing_run_id: UUID
    deleted_at: datetime | None = Field(description="The platform's own time, when the source gives one.")
