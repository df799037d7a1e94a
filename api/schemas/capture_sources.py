"""Live sources (insamlingskällor) as the API takes and answers them. Credentials come in and
never go out: an answer says only whether a source has them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from api.schemas.capture_runs import RunCountsPublic
from api.types import Text
from domain.capture_source import SourceKind
from projections.capture_sources import STATES

Secret = Annotated[SecretStr, Field(min_length=1, max_length=4000)]
Minutes = Annotated[int, Field(ge=5, le=1440, description="Minutes between polls: 5 to 1440 (a day).")]


class SourceCredentials(BaseModel):
    """The platform's secrets for this source, sealed at once outside the log; never answered."""

    access_token: Secret = Field(description="The page, account or member access token.")
    refresh_token: Secret | None = Field(
        None, description="Google, LinkedIn: renews the access token (an hour long; 60 days) before or when it ends."
    )
    app_secret: Secret | None = Field(
        None,
        description="The app secret that signs the platform's webhooks; Google, LinkedIn: the OAuth client's secret.",
    )
    client_id: Secret | None = Field(
        None, description="Google, LinkedIn: the OAuth client the refresh token was issued to."
    )
    verify_token: Secret | None = Field(None, description="The webhook subscription's verify token.")
    model_config = ConfigDict(extra="forbid")


class CaptureSourceCreate(BaseModel):
    kind: SourceKind
    platform_id: Text | None = Field(
        None,
        max_length=200,
        description="The account's id on the platform (a Page id, a channel id, an organization URN).",
    )
    url: Text | None = Field(None, max_length=2000, description="A feed's address; for other kinds, optional.")
    polling_interval_minutes: Minutes = 15
    credentials: SourceCredentials | None = Field(None, description="Needed by every kind but a public feed.")
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "facebook_page",
                    "platform_id": "104000000000001",
                    "polling_interval_minutes": 15,
                    "credentials": {"access_token": "<the Page access token>"},
                }
            ]
        },
    )


class CaptureSourceChange(BaseModel):
    polling_interval_minutes: Minutes | None = None
    url: Text | None = Field(None, max_length=2000)
    credentials: SourceCredentials | None = Field(None, description="New credentials; a stopped source resumes.")
    model_config = ConfigDict(extra="forbid")


class FoundPublic(BaseModel):
    """What the source's completed runs found, in all."""

    new: int
    edited: int
    hidden: int
    deletions_observed: int


class CaptureSourcePublic(BaseModel):
    """A live source and how its polling goes."""

    source_id: UUID
    channel_id: UUID
    kind: str
    platform_id: str | None
    url: str | None
    polling_interval_seconds: int
    has_credentials: bool
    state: str = Field(description=f"One of {', '.join(STATES)}; failing: the last run failed, or polling stopped.")
    suspended_reason: str | None = Field(description="Why polling stopped (credentials_expired …), until new ones.")
    suspended_detail: str | None
    last_run_id: UUID | None
    last_run_at: datetime | None
    last_run_status: str | None
    last_run_error: str | None
    last_success_at: datetime | None = Field(description="When the last good capture began.")
    next_poll_at: datetime | None = Field(description="When it is due next; none when never polled or stopped.")
    lag_seconds: int = Field(description="Seconds since the last good capture (since connection, if none yet).")
    last_read: int | None = Field(description="Items the last completed run read.")
    runs_completed: int
    runs_failed: int
    throttled_responses: int = Field(description="Answers in which the platform said to slow down (429 …), in all.")
    throttled_seconds: float = Field(description="Seconds its polls waited for the platform's throttling, in all.")
    found: FoundPublic
    connected: bool
    connected_at: datetime
    connected_by_name: str
    disconnected_at: datetime | None
    disconnect_reason: str | None


class PollPublic(BaseModel):
    """One poll's outcome: completed (a run), not_modified (a feed unchanged: no run), failed or
    suspended (a failed run; suspended: polling stopped until new credentials)."""

    source_id: UUID
    outcome: str
    run_id: UUID | None
    counts: RunCountsPublic | None
    reason: str | None
    detail: str | None
    next_poll_at: datetime | None
    position: int = Field(description="Pass as wait_for_position to read the run.")


class SourceTried(BaseModel):
    """A dry fetch: whether the token and the account work. Nothing is recorded."""

    ok: bool
    answers: int = Field(description="Answers read from the platform (the last day's items).")
    reason: str | None
    detail: str | None


def source_public(row: dict[str, Any], now: datetime) -> CaptureSourcePublic:
    since = row["last_success_at"] or row["connected_at"]
    fields = {k: row[k] for k in CaptureSourcePublic.model_fields if k in row}
    return CaptureSourcePublic(
        **fields,
        has_credentials=row["credentials_id"] is not None,
        lag_seconds=max(int((now - since).total_seconds()), 0),
        found=FoundPublic(**{k: row[f"found_{k}"] for k in FoundPublic.model_fields}),
    )
