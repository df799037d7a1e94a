"""The webhook inbox as records officers and managers see it: the changes the worker could not
capture, and what is done with them (retried, dismissed, pruned)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.types import Text


class WebhookChangePublic(BaseModel):
    """A change a platform pushed that the worker could not capture (webhookändring)."""

    id: int = Field(description="The change's id in the inbox: retry or dismiss it by this.")
    source_id: UUID
    channel_id: UUID
    platform: str
    delivery_id: str = Field(description="The platform's notification id, or a digest of the change.")
    received_at: datetime
    state: str = Field(description="failed (only failed changes are listed).")
    failed_at: datetime | None
    reason: str | None = Field(description="Why it could not be captured.")
    retries: int = Field(description="How often a person retried it.")
    retried_at: datetime | None
    retried_by: str | None
    change: dict[str, Any] | None = Field(
        description="What the platform said (author, text: personal data), with `content=true` only."
    )


class WebhookChangesRetried(BaseModel):
    retried: list[int] = Field(description="The changes pending again; the worker captures them shortly.")


class WebhookChangeDismissal(BaseModel):
    reason: Text = Field(min_length=1, max_length=1000, description="Why it is not captured (skäl); kept in the log.")
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "Inlägget är borttaget; en hämtning tar resten."}]}
    )


class WebhookChangeDismissed(BaseModel):
    id: int = Field(description="The change, dismissed now (kept until pruned).")
    source_id: UUID = Field(description="The source whose record holds the dismissal.")
    version: int = Field(description="The source's version after it.")
    position: int = Field(description="The log position of the dismissal (wait_for_position of the audit trail).")


class WebhookInboxPruned(BaseModel):
    pruned: int = Field(description="Captured and dismissed changes deleted from the inbox.")
    older_than_days: int
