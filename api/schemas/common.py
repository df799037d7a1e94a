"""Shapes several resources share: a reason, and the length of a post's or comment's text."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from api.types import Text


class Reason(BaseModel):
    """Why: a channel paused or closed, a case reopened, an entry annulled, secrecy lifted."""

    reason: Text = Field(min_length=1, max_length=1000, description="Why (skäl); kept in the audit trail.")
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"reason": "Sommaruppehåll"}]})


LongText = Field(min_length=1, max_length=100_000)
