"""Editors' assignments (redaktörsuppdrag) on a channel."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status

from api.deps import AppDep, AsOf, CurrentActor, ViewsDep, WaitFor, require_staff_of_channel
from api.schemas.channels import Recorded
from api.schemas.editorial import AssignmentCreate, AssignmentPublic, AssignmentRevoke
from api.types import Instant

router = APIRouter(prefix="/v1/channels/{channel_id}", tags=["editors' assignments"])


@router.post("/assignments", status_code=status.HTTP_201_CREATED, response_model=Recorded, summary="Assign an editor")
def assign_editor(channel_id: UUID, body: AssignmentCreate, actor: CurrentActor, app: AppDep) -> Recorded:
    """A manager (or a records officer acting for one) assigns an employee as editor for a period.
    The answer's ``id`` is the assignment's."""
    result = app.assign_editor(channel_id, **body.model_dump())
    return Recorded.model_validate(result, from_attributes=True)


@router.post("/assignments/{assignment_id}/revoke", response_model=Recorded, summary="Revoke an assignment")
def revoke_assignment(
    channel_id: UUID, assignment_id: UUID, body: AssignmentRevoke, actor: CurrentActor, app: AppDep
) -> Recorded:
    result = app.revoke_assignment(channel_id, assignment_id, body.reason, body.effective_from)
    return Recorded.model_validate(result, from_attributes=True)


@router.get("/assignments", response_model=list[AssignmentPublic], summary="All assignments of a channel")
def list_assignments(
    channel_id: UUID, actor: CurrentActor, views: ViewsDep, as_of: AsOf, wait_for_position: WaitFor = None
) -> list[AssignmentPublic]:
    views.wait_for("editor_assignments", as_of or wait_for_position)
    require_staff_of_channel(views, channel_id, actor, "reading a channel's editors")
    return [AssignmentPublic.model_validate(row) for row in views.editor_assignments.of_channel(channel_id, as_of)]


@router.get("/editors", response_model=list[AssignmentPublic], summary="Who could post at an instant")
def editors_at(
    channel_id: UUID,
    actor: CurrentActor,
    views: ViewsDep,
    at: Annotated[Instant, Query(description="The instant asked about, e.g. 2026-03-01T12:00:00+01:00.")],
    as_of: AsOf,
    wait_for_position: WaitFor = None,
) -> list[AssignmentPublic]:
    """ "Who could post on this channel at that time, and who assigned them?" — for any past
    instant. With ``as_of``, as the assignments were known then (before later revocations)."""
    views.wait_for("editor_assignments", as_of or wait_for_position)
    require_staff_of_channel(views, channel_id, actor, "reading a channel's editors")
    return [AssignmentPublic.model_validate(row) for row in views.editor_assignments.valid_at(channel_id, at, as_of)]
