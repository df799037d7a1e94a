"""Platform exports as files: an upload imported as a capture run, the channel's runs, and what
disappeared from the channel since a given time (observed deletions)."""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePath
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, File, Form, Query, UploadFile

from api.deps import AppDep, CurrentActor, ViewsDep, WaitFor, require_staff_of_channel
from api.schemas.capture_runs import CaptureImported, CaptureRunPublic, ObservedDeletion, RunCountsPublic
from api.types import Instant, Text
from domain.actors import Role
from domain.audience import RECORD_READERS
from domain.errors import InvalidValue
from kanalarkiv.capture.bundle import MAX_MEMBER_BYTES
from kanalarkiv.capture.registry import formats

router = APIRouter(tags=["capture"])
RUN_READERS = set(RECORD_READERS | {Role.CAPTURE_CLIENT})
UPLOAD_BLOCK = 1 << 20


@router.post(
    "/v1/channels/{channel_id}/captures/imports",
    response_model=CaptureImported,
    summary="Import a platform export (a file or zip) as a capture run",
)
def import_capture(
    channel_id: UUID,
    actor: CurrentActor,
    app: AppDep,
    file: Annotated[UploadFile, File(description="The export: a JSON/JS file or a zip archive, at most 50 MB.")],
    format: Annotated[Text, Form(description=f"One of: {', '.join(formats())}.")],
    dry_run: Annotated[bool, Form(description="Report what would change; record nothing.")] = False,
) -> CaptureImported:
    """Capture clients import an export. The whole file is checked first: a file that is not what
    its format says, or of another account, answers 422 naming ``file`` and the item, and records
    only the failed run. A dry run answers the counts and records nothing."""
    with tempfile.TemporaryDirectory(prefix="kanalarkiv-upload-") as directory:
        name = upload_name(file.filename)
        path = Path(directory) / "upload"
        copy_capped(file, path, name)
        outcome = app.import_capture(channel_id, path, format, dry_run, name=name)
    return CaptureImported(
        run_id=outcome.run_id,
        dry_run=outcome.dry_run,
        counts=RunCountsPublic(**vars(outcome.counts)),
        position=outcome.position,
    )


@router.get(
    "/v1/channels/{channel_id}/captures/runs",
    response_model=list[CaptureRunPublic],
    summary="The channel's capture runs, newest first",
)
def capture_runs(
    channel_id: UUID,
    actor: CurrentActor,
    views: ViewsDep,
    wait_for_position: WaitFor = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[CaptureRunPublic]:
    """Records officers, auditors and capture clients: what was captured when, from which file (and
    its SHA-256), by whom, covering which period — and so where the gaps are."""
    require_staff_of_channel(views, channel_id, actor, "reading the capture runs", RUN_READERS)
    views.wait_for("capture_runs", wait_for_position)
    return [run_public(row) for row in views.capture_runs.runs_of(channel_id, limit)]


@router.get(
    "/v1/channels/{channel_id}/captures/observed-deletions",
    response_model=list[ObservedDeletion],
    summary="What disappeared from the channel since a time",
)
def observed_deletions(
    channel_id: UUID,
    actor: CurrentActor,
    views: ViewsDep,
    since: Annotated[Instant | None, Query(description="Missing at or after this instant.")] = None,
    wait_for_position: WaitFor = None,
) -> list[ObservedDeletion]:
    """Records officers and auditors: every post and comment last seen in one capture run and
    missing from a later complete one, with both runs. Our own deletions are not here."""
    require_staff_of_channel(views, channel_id, actor, "reading observed deletions", set(RECORD_READERS))
    views.wait_for("capture_runs", wait_for_position)
    return [deletion_public(row) for row in views.capture_runs.observed_deletions(channel_id, since)]


def upload_name(filename: str | None) -> str:
    name = PurePath((filename or "").replace("\\", "/")).name
    if not name or name in (".", ".."):
        raise InvalidValue("file", "the upload names no file")
    return name[:200]


def copy_capped(upload: UploadFile, target: Path, name: str) -> None:
    """The upload to disk, refused past the limit before more of it is read."""
    copied = 0
    with target.open("wb") as out:
        while block := upload.file.read(UPLOAD_BLOCK):
            copied += len(block)
            if copied > MAX_MEMBER_BYTES:
                raise InvalidValue(
                    "file", f"{name}: larger than {MAX_MEMBER_BYTES // 1_048_576} MB; nothing was recorded"
                )
            out.write(block)


def run_public(row: dict[str, Any]) -> CaptureRunPublic:
    counts = RunCountsPublic(**{k: row[k] for k in RunCountsPublic.model_fields}) if row["read"] is not None else None
    return CaptureRunPublic(**{k: row[k] for k in CaptureRunPublic.model_fields if k != "counts"}, counts=counts)


def deletion_public(row: dict[str, Any]) -> ObservedDeletion:
    return ObservedDeletion(
        record_id=row["record_id"],
        kind=row["kind"],
        platform_id=row["platform_id"],
        post_id=UUID(row["parent_key"]) if row["kind"] != "post" else None,
        last_seen_at=row["last_seen_at"],
        last_seen_run_id=row["last_seen_run_id"],
        missing_at=row["missing_at"],
        missing_run_id=row["run_id"],
        deleted_at=row["deleted_at"],
    )
