"""An edited post's versions compared word by word (the public archive shows the same)."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import OptionalActor, ViewsDep, WaitFor, reads_records
from api.routes.posts import post_row
from domain.errors import InvalidValue, NotPermitted
from domain.text_changes import text_changes

router = APIRouter(tags=["posts"])


class TextChange(BaseModel):
    kind: Literal["same", "removed", "added"]
    text: str


class VersionComparison(BaseModel):
    """What changed from one version of a post to another: runs of text kept, removed and added."""

    post_id: UUID
    from_version: int
    to_version: int
    changes: list[TextChange] = Field(description="Joined, the same and removed runs give the earlier text.")


@router.get(
    "/v1/posts/{post_id}/versions/compare",
    response_model=VersionComparison,
    summary="Compare two versions of a post",
)
def compare_versions(
    post_id: UUID,
    views: ViewsDep,
    actor: OptionalActor,
    from_version: Annotated[
        int, Query(ge=1, description="The earlier version, as the post's versions number them (1: as published).")
    ] = 1,
    to_version: Annotated[int | None, Query(ge=1, description="The later version; the latest if left out.")] = None,
    wait_for_position: WaitFor = None,
) -> VersionComparison:
    """Anyone may compare the versions of a published post; a deleted post's versions are for
    records officers and auditors of its organisation."""
    views.wait_for("channel_content", wait_for_position)
    post = post_row(views, post_id)
    if post["deleted_at"] is not None and not reads_records(actor, post["org_id"]):
        raise NotPermitted("the post is deleted: its versions are for records officers and auditors")
    texts = {row["version"]: row["text"] for row in views.channel_content.post_versions(post_id)}
    later = to_version or max(texts)
    for field, version in (("from_version", from_version), ("to_version", later)):
        if version not in texts:
            raise InvalidValue(field, f"the post's versions are {', '.join(str(v) for v in sorted(texts))}")
    if later < from_version:
        raise InvalidValue("to_version", "must not be before from_version")
    changes = text_changes(texts[from_version], texts[later])
    return VersionComparison(
        post_id=post_id,
        from_version=from_version,
        to_version=later,
        changes=[TextChange(kind=c.kind, text=c.text) for c in changes],
    )
