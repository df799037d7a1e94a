"""Comments from the public: replies, moderation, transfer to a case, and the recorded
look-ups of commenters' personal data."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, status

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
from api.routes.posts import post_row
from api.schemas.channels import Recorded
from api.schemas.comments import (
    AuthorIdentityShown,
    CaseTransfer,
    CommentPublic,
    CommentRecord,
    DataSubjectRequest,
    IdentityRequest,
    ModerationCreate,
    ModerationReverse,
    ReplyCreate,
    ReplyPublic,
)
from domain.comment import NEW_CASE
from domain.errors import NotPermitted
from kanalarkiv.application.outcomes import RecordNotFound

router = APIRouter(tags=["comments"])


@router.get(
    "/v1/posts/{post_id}/comments",
    response_model=list[CommentRecord] | list[CommentPublic],
    summary="The comments on a post",
)
def list_comments(
    post_id: UUID, actor: OptionalActor, views: ViewsDep, as_of: AsOf, wait_for_position: WaitFor = None
) -> list[CommentRecord] | list[CommentPublic]:
    """The public sees visible comments. Records officers and auditors of the organisation also
    see hidden and removed ones, with the decision — but never the author's identity.
    ``as_of`` reads them with their moderation state as it stood then."""
    views.wait_for("channel_content", as_of or wait_for_position)
    post = post_row(views, post_id, as_of)
    full = reads_records(actor, post["org_id"])
    require_own_past(actor, post["org_id"], as_of, "comments")
    rows = views.channel_content.comments_on(post_id, visible_only=not full, as_of=as_of)
    replies = _replies(views, rows, as_of)
    if full:
        return [comment_record(row, replies.get(row["comment_id"], [])) for row in rows]
    return [comment_public(row, replies.get(row["comment_id"], [])) for row in rows]


@router.get("/v1/comments/{comment_id}", response_model=CommentRecord | CommentPublic, summary="One comment")
def read_comment(
    comment_id: UUID, actor: OptionalActor, views: ViewsDep, as_of: AsOf, wait_for_position: WaitFor = None
) -> CommentRecord | CommentPublic:
    views.wait_for("channel_content", as_of or wait_for_position)
    row = views.channel_content.comment(comment_id, as_of)
    full = row is not None and reads_records(actor, row["org_id"])
    if row is None or (not full and (row["visibility"] != "visible" or as_of is not None)):
        raise RecordNotFound(f"no comment with id {comment_id}")
    replies = _replies(views, [row], as_of).get(comment_id, [])
    return comment_record(row, replies) if full else comment_public(row, replies)


@router.post(
    "/v1/comments/{comment_id}/replies",
    status_code=status.HTTP_201_CREATED,
    response_model=Recorded,
    summary="Reply to a comment",
)
def reply(comment_id: UUID, body: ReplyCreate, actor: CurrentActor, app: AppDep) -> Recorded:
    """An editor with a valid assignment answers; the answer's ``id`` is the reply's."""
    return Recorded.model_validate(app.reply_to_comment(comment_id, **body.model_dump()), from_attributes=True)


@router.post("/v1/comments/{comment_id}/moderation", response_model=Recorded, summary="Hide or remove a comment")
def moderate(
    comment_id: UUID, body: ModerationCreate, actor: CurrentActor, app: AppDep, version: ExpectedVersion
) -> Recorded:
    """A moderation decision on a ground from GET /v1/grounds; the answer's ``id`` is the decision's."""
    result = app.moderate_comment(comment_id, body.action, body.ground, body.provision, body.justification, version)
    return Recorded.model_validate(result, from_attributes=True)


@router.post(
    "/v1/comments/{comment_id}/moderation/reverse",
    response_model=Recorded,
    summary="Reverse the last moderation decision",
)
def reverse(
    comment_id: UUID, body: ModerationReverse, actor: CurrentActor, app: AppDep, version: ExpectedVersion
) -> Recorded:
    """A later decision makes the comment visible again; the earlier one is never edited."""
    result = app.reverse_moderation(comment_id, body.justification, version)
    return Recorded.model_validate(result, from_attributes=True)


@router.post(
    "/v1/comments/{comment_id}/case-transfer", response_model=Recorded, summary="Move a comment to an individual's case"
)
def transfer(
    comment_id: UUID, body: CaseTransfer, actor: CurrentActor, app: AppDep, version: ExpectedVersion
) -> Recorded:
    result = app.transfer_comment_to_case(comment_id, body.diary_number, body.note, version)
    return Recorded.model_validate(result, from_attributes=True)


@router.post(
    "/v1/comments/{comment_id}/author-identity",
    response_model=AuthorIdentityShown,
    summary="See a comment author's stored identity (recorded)",
)
def author_identity(comment_id: UUID, body: IdentityRequest, actor: CurrentActor, app: AppDep) -> AuthorIdentityShown:
    """Records officers only, with a stated reason. The look-up is itself recorded, so the body
    can show that it never investigated a source."""
    shown = app.reveal_comment_author(comment_id, body.reason)
    return AuthorIdentityShown(
        comment_id=shown.comment_id,
        author_name=shown.author_name,
        platform_author_id=shown.platform_author_id,
        position=shown.disclosure.position,
    )


@router.post("/v1/data-subject-requests", response_model=list[CommentRecord], summary="A data subject's own request")
def data_subject_request(
    body: DataSubjectRequest, actor: CurrentActor, app: AppDep, views: ViewsDep
) -> list[CommentRecord]:
    """The one search by author: to answer a person's own request under GDPR art. 15 or 17,
    under the request's case. The search is recorded before it runs."""
    if actor.org_id is None:
        raise NotPermitted("a data subject's request is answered by a records officer of the organisation")
    search, recorded = app.record_data_subject_search(actor.org_id, **body.model_dump())
    views.wait_for("channel_content", recorded.position)
    rows = views.channel_content.comments_by_author(actor.org_id, search.platform_author_id, search.author_name)
    replies = _replies(views, rows)
    return [comment_record(row, replies.get(row["comment_id"], [])) for row in rows]


def _replies(views: ViewsDep, rows: list[dict[str, Any]], as_of: int | None = None) -> dict[UUID, list[ReplyPublic]]:
    found: dict[UUID, list[ReplyPublic]] = {}
    for reply_row in views.channel_content.replies_to([row["comment_id"] for row in rows], as_of):
        found.setdefault(reply_row["comment_id"], []).append(ReplyPublic.model_validate(reply_row))
    return found


def _case_marker(row: dict[str, Any]) -> str | None:
    if not row["moved_to_case"]:
        return None
    return f"dnr {row['case_diary_number']}" if row["case_diary_number"] else NEW_CASE


def comment_public(row: dict[str, Any], replies: list[ReplyPublic]) -> CommentPublic:
    return CommentPublic(
        comment_id=row["comment_id"],
        post_id=row["post_id"],
        author_name=row["author_name"],
        text=row["text"],
        received_at=row["received_at"],
        moved_to_case=_case_marker(row),
        replies=replies,
    )


def comment_record(row: dict[str, Any], replies: list[ReplyPublic]) -> CommentRecord:
    fields = {k: row[k] for k in CommentRecord.model_fields if k in row and k not in ("replies", "moved_to_case")}
    return CommentRecord(**fields, moved_to_case=_case_marker(row), replies=replies)
