"""What the webhook routes answer the platforms."""

from __future__ import annotations

from pydantic import BaseModel, Field


class WebhookReceived(BaseModel):
    """A verified delivery, kept in the inbox before this answer (the platform needs only the 200)."""

    changes: int = Field(description="Changes read from the delivery.")
    stored: int = Field(description="Kept in the inbox now, to be captured by the worker.")
    duplicates: int = Field(description="Kept before: a delivery the platform retried (stored once).")
    unrouted: int = Field(description="For an account no channel of the organisation is connected to: dropped.")
    skipped: int = Field(description="Fields, items or actions not read (reactions, shares, likes).")


class LinkedInValidation(BaseModel):
    challengeCode: str
    challengeResponse: str = Field(description="Hex HMAC-SHA256 of the challengeCode under the client secret.")
