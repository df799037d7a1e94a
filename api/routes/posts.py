"""The body's posts: recorded by editors or captured from the platform; edits, deletions, and
"why was this post deleted?"."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from api.deps import (
    AppDep,
    AsOf,
    CurrentActor,
    ExpectedVersion,
    OptionalActor,
    ViewsDep,
    WaitFor,
    reads_records,
    require_own_past,
)
from api.responses import json_response
from api.schemas.capture import BulkCapture, BulkCaptured, Captured, PostCapture
from api.schemas.channels import Recorded
from api.schemas.comments import CommentCapture
from api.schemas.editorial import (
    Deletion,
    DeletionAnswer,
    PostCreate,
    PostDelete,
    PostEdit,
    PostPublic,
    PostRecord,
    PostVersion,
)
from domain.actors import Role
from domain.audience import RECORD_READERS
from domain.grounds import Ground
from kanalarkiv.application.capture import CapturedComment, CapturedPost
from kanalarkiv.application.outcomes import RecordNotFound

router = APIRouter(tags=["posts"])
DELETION_READERS = RECORD_READERS | {Role.MANAGER}


def captured(response: Response, outcome: Any) -> Captured:
    if not outcome.created:
        response.status_code = status.HTTP_200_OK
    return Captured(**vars(outcome.recorded), created=outcome.created)


@router.post(
    "/v1/channels/{channel_id}/posts",
    status_code=status.HTTP_201_CREATED,
    response_model=Recorded,
    summary="Record a post published in service",
)
def publish_post(channel_id: UUID, body: PostCreate, actor: CurrentActor, app: AppDep) -> Recorded:
    """An editor records a post; they must hold a valid assignment for the channel when it was published."""
    result = app.publish_post(channel_id, body.text, body.published_at, body.platform_post_id)
    return Recorded.model_validate(result, from_attributes=True)


@router.post(
    "/v1/channels/{channel_id}/captures/posts",
    status_code=status.HTTP_201_CREATED,
    response_model=Captured,
    summary="Capture a post from the platform",
)
def capture_post(channel_id: UUID, body: PostCapture, actor: CurrentActor, app: AppDep, response: Response) -> Captured:
    """A capture client records a post as it appeared. Re-sending the same platform id answers
    200 with the existing record and records nothing."""
    return captured(response, app.capture_post(channel_id, **body.model_dump()))


@router.post(
    "/v1/channels/{channel_id}/captures", response_model=BulkCaptured, summary="Capture a platform export in bulk"
)
def capture_bulk(channel_id: UUID, body: BulkCapture, actor: CurrentActor, app: AppDep) -> BulkCaptured:
    """Posts and their comments from a platform export, idempotent on platform ids like single
    captures, stored in large transactions."""
    outcome = app.capture_bulk(
        channel_id,
        [CapturedPost(**p.model_dump()) for p in body.posts],
        [CapturedComment(**c.model_dump()) for c in body.comments],
    )
    return BulkCaptured(**vars(outcome))


@router.post("/v1/posts/{post_id}/edit", response_model=Recorded, summary="Record an edit of a post")
def edit_post(post_id: UUID, body: PostEdit, actor: CurrentActor, app: AppDep, version: ExpectedVersion) -> Recorded:
    result = app.edit_post(post_id, body.text, body.occurred_at, body.captured_at, version)
    return Recorded.model_validate(result, from_attributes=True)


@router.post("/v1/posts/{post_id}/delete", response_model=Recorded, summary="Record the deletion of a post")
def delete_post(
    post_id: UUID, body: PostDelete, actor: CurrentActor, app: AppDep, version: ExpectedVersion
) -> Recorded:
    """Removing a post from the channel is not disposal: what it said stays a record."""
    result = app.delete_post(post_id, body.ground, body.reason, body.occurred_at, body.captured_at, version)
    return Recorded.model_validate(result, from_attributes=True)


@router.get("/v1/channels/{channel_id}/posts", response_model=list[PostPublic], summary="A channel's posts")
def list_posts(
    channel_id: UUID,
    views: ViewsDep,
    actor: OptionalActor,
    as_of: AsOf,
    wait_for_position: WaitFor = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    """Newest first. Deleted posts show that they were deleted, not what they said. As of a past
    instant only for the channel's own organisation's auditors and records officers."""
    views.wait_for("channel_content", as_of or wait_for_position)
    if as_of is not None:
        channel = views.channel_register.channel(channel_id)
        if channel is None:
            raise RecordNotFound(f"no channel with id {channel_id}")
        require_own_past(actor, channel["org_id"], as_of, "posts")
    rows = views.channel_content.posts_of(channel_id, limit, offset, as_of)
    # Serialised once, straight from the rows: the body is what list[PostPublic] serialises to.
    return json_response([public_post_fields(row) for row in rows])


@router.get("/v1/posts/{post_id}", response_model=PostRecord | PostPublic, summary="One post")
def read_post(
    post_id: UUID, actor: OptionalActor, views: ViewsDep, as_of: AsOf, wait_for_position: WaitFor = None
) -> PostRecord | PostPublic:
    views.wait_for("channel_content", as_of or wait_for_position)
    row = post_row(views, post_id, as_of)
    require_own_past(actor, row["org_id"], as_of, "post")
    if not reads_records(actor, row["org_id"]):
        return public_post(row)
    return PostRecord(
        **public_post(row).model_dump(exclude={"text"}),
        text=row["text"],
        platform_post_id=row["platform_post_id"],
        source=row["source"],
        assignment_id=row["assignment_id"],
        deviation=row["assignment_id"] is None,
        captured_at=row["captured_at"],
        recorded_at=row["recorded_at"],
        version=row["version"],
        versions=_versions(views, post_id, as_of),
        deletion=_deletion(row),
    )


@router.get("/v1/posts/{post_id}/deletion", response_model=DeletionAnswer, summary="Why was this post deleted?")
def why_deleted(
    post_id: UUID, actor: CurrentActor, views: ViewsDep, wait_for_position: WaitFor = None
) -> DeletionAnswer:
    """Who deleted the post, when, on what ground and why — and, for records officers and
    auditors, what it said and every earlier version."""
    views.wait_for("channel_content", wait_for_position)
    row = post_row(views, post_id)
    actor.require(DELETION_READERS, row["org_id"], "asking why a post was deleted")
    deletion = _deletion(row)
    if deletion is None:
        raise RecordNotFound(f"post {post_id} has not been deleted")
    may_read = reads_records(actor, row["org_id"])
    return DeletionAnswer(
        post_id=post_id,
        channel_id=row["channel_id"],
        deletion=deletion,
        text=row["text"] if may_read else None,
        versions=_versions(views, post_id) if may_read else None,
    )


@router.post(
    "/v1/posts/{post_id}/comments",
    status_code=status.HTTP_201_CREATED,
    response_model=Captured,
    summary="Record a comment received on a post",
)
def record_comment(
    post_id: UUID, body: CommentCapture, actor: CurrentActor, app: AppDep, response: Response
) -> Captured:
    """Capture clients (and records officers) record comments from the public. Re-sending the
    same platform comment id answers 200 with the existing record."""
    return captured(response, app.record_comment(post_id, **body.model_dump()))


def public_post(row: dict[str, Any]) -> PostPublic:
    return PostPublic(**public_post_fields(row))


def public_post_fields(row: dict[str, Any]) -> dict[str, Any]:
    """A post's row as ``PostPublic``'s fields, in its order, as plain values (serialised directly
    by ``list_posts``). A deleted post's text is left out."""
    deleted = row["deleted_at"] is not None
    return {
        "post_id": row["post_id"],
        "channel_id": row["channel_id"],
        "published_at": row["published_at"],
        "author_name": row["author_name"],
        "text": None if deleted else row["text"],
        "deleted": deleted,
        "edited": row["edits"] > 0,
    }


def post_row(views: ViewsDep, post_id: UUID, as_of: int | None = None) -> dict[str, Any]:
    row = views.channel_content.post(post_id, as_of)
    if row is None:
        raise RecordNotFound(f"no post with id {post_id}")
    return row


def _versions(views: ViewsDep, post_id: UUID, as_of: int | None = None) -> list[PostVersion]:
    return [PostVersion.model_validate(v) for v in views.channel_content.post_versions(post_id, as_of)]


def _deletion(row: dict[str, Any]) -> Deletion | None:
    if row["deleted_at"] is None:
        return None
    return Deletion(
        deleted_at=row["deleted_at"],
        recorded_at=row["deleted_recorded_at"],
        deleted_by_name=row["deleted_by_name"],
        deleted_by_role=row["deleted_by_role"],
        ground=row["delete_ground"],
        ground_label=Ground(row["delete_ground"]).label_sv,
        reason=row["delete_reason"],
    )
