"""Keeping the public-records diary (diarium), OSL 5 kap.: records officers set up the series,
register records (by hand, or one step from a comment, post or moderation decision), keep cases,
and correct, annul and mark entries — each a later event naming its reason. The reads are in
``api.routes.diary``."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, status

from api.deps import AppDep, CurrentActor, ExpectedVersion
from api.schemas.channels import Recorded
from api.schemas.common import Reason
from api.schemas.diary import (
    CaseClosing,
    CaseOpening,
    CommentCaseOpening,
    CommentRegistration,
    Correction,
    DiaryRegistered,
    DiarySetUp,
    ManualRegistration,
    RecordRegistration,
    SecrecyMarking,
)
from domain.actors import Actor
from domain.diary import Links
from domain.diary_entry import Secrecy
from domain.errors import InvalidValue, NotPermitted
from kanalarkiv.application.diary_numbering import Numbered

router = APIRouter(tags=["diary"])
Registration = CommentRegistration | CommentCaseOpening | RecordRegistration | ManualRegistration


# Setting up and registering (records officers)


@router.put("/v1/diary", response_model=Recorded, summary="Set up the diary's series prefix")
def set_up_diary(body: DiarySetUp, actor: CurrentActor, app: AppDep) -> Recorded:
    """Numbers read '{prefix} {year}/{number}'. Changing the prefix later starts a new series
    (earlier numbers keep theirs); give a reason then."""
    return Recorded.model_validate(app.set_up_diary(_org(actor), body.series_prefix, body.reason), from_attributes=True)


@router.post(
    "/v1/comments/{comment_id}/registration",
    status_code=status.HTTP_201_CREATED,
    response_model=DiaryRegistered,
    summary="Register a comment in the diary",
)
def register_comment(comment_id: UUID, body: CommentRegistration, actor: CurrentActor, app: AppDep) -> DiaryRegistered:
    """Like a phone call (seed 003): the comment stays the record, the note adds to it. It is
    *inkommen* on the date it was posted. A comment an editor moved to a case goes into that case."""
    return _registered(app.register_comment(comment_id, **_registration(body)))


@router.post(
    "/v1/comments/{comment_id}/diary-case",
    status_code=status.HTTP_201_CREATED,
    response_model=DiaryRegistered,
    summary="Open a case and register the comment in it",
)
def open_case_for_comment(
    comment_id: UUID, body: CommentCaseOpening, actor: CurrentActor, app: AppDep
) -> DiaryRegistered:
    """For a comment moved to a new case: the case gets the next number in the series and the
    comment becomes its first record (…-1), in one transaction."""
    return _registered(app.open_case_for_comment(comment_id, **_registration(body)))


@router.post(
    "/v1/posts/{post_id}/registration",
    status_code=status.HTTP_201_CREATED,
    response_model=DiaryRegistered,
    summary="Register a post in the diary",
)
def register_post(post_id: UUID, body: RecordRegistration, actor: CurrentActor, app: AppDep) -> DiaryRegistered:
    """The body's own post is *upprättad* when it was published."""
    return _registered(app.register_post(post_id, **_registration(body)))


@router.post(
    "/v1/comments/{comment_id}/moderation/{decision_id}/registration",
    status_code=status.HTTP_201_CREATED,
    response_model=DiaryRegistered,
    summary="Register a moderation decision in the diary",
)
def register_decision(
    comment_id: UUID, decision_id: UUID, body: RecordRegistration, actor: CurrentActor, app: AppDep
) -> DiaryRegistered:
    """A decision to hide, remove or show again a comment, *upprättad* when it was made."""
    return _registered(app.register_moderation_decision(comment_id, decision_id, **_registration(body)))


@router.post(
    "/v1/diary/entries",
    status_code=status.HTTP_201_CREATED,
    response_model=DiaryRegistered,
    summary="Register any record by hand",
)
def register_record(body: ManualRegistration, actor: CurrentActor, app: AppDep) -> DiaryRegistered:
    """A snapshot (skärmdump) or any other record, with the diary fields as given."""
    links = Links(channel_id=body.channel_id, snapshot_id=body.snapshot_id)
    return _registered(
        app.register_record(_org(actor), **_registration(body, {"channel_id", "snapshot_id"}), links=links)
    )


# Cases


@router.post(
    "/v1/diary/cases", status_code=status.HTTP_201_CREATED, response_model=DiaryRegistered, summary="Open a case"
)
def open_case(body: CaseOpening, actor: CurrentActor, app: AppDep) -> DiaryRegistered:
    return _registered(app.open_case(_org(actor), body.subject, body.responsible_unit))


@router.post("/v1/diary/cases/{case_id}/close", response_model=Recorded, summary="Close a case")
def close_case(
    case_id: UUID, body: CaseClosing, actor: CurrentActor, app: AppDep, version: ExpectedVersion
) -> Recorded:
    return Recorded.model_validate(app.close_case(case_id, body.note, version), from_attributes=True)


@router.post("/v1/diary/cases/{case_id}/reopen", response_model=Recorded, summary="Reopen a closed case")
def reopen_case(case_id: UUID, body: Reason, actor: CurrentActor, app: AppDep, version: ExpectedVersion) -> Recorded:
    return Recorded.model_validate(app.reopen_case(case_id, body.reason, version), from_attributes=True)


# Corrections, annulment and secrecy: each a later event naming its reason


@router.post("/v1/diary/entries/{entry_id}/corrections", response_model=Recorded, summary="Correct an entry")
def correct(entry_id: UUID, body: Correction, actor: CurrentActor, app: AppDep, version: ExpectedVersion) -> Recorded:
    """Give only the fields to correct. The earlier reading is kept; the public diary shows the new one."""
    changes = body.model_dump(exclude={"reason"}, exclude_unset=True)
    if not changes:
        raise InvalidValue("reason", "name at least one field to correct besides the reason")
    return Recorded.model_validate(
        app.correct_diary_entry(entry_id, changes, body.reason, version), from_attributes=True
    )


@router.post("/v1/diary/entries/{entry_id}/annulment", response_model=Recorded, summary="Annul an entry")
def annul(entry_id: UUID, body: Reason, actor: CurrentActor, app: AppDep, version: ExpectedVersion) -> Recorded:
    """The entry stays in the diary as annulled (makulerad); its number is never reused."""
    return Recorded.model_validate(app.annul_diary_entry(entry_id, body.reason, version), from_attributes=True)


@router.post("/v1/diary/entries/{entry_id}/secrecy", response_model=Recorded, summary="Mark an entry for secrecy")
def mark_secret(
    entry_id: UUID, body: SecrecyMarking, actor: CurrentActor, app: AppDep, version: ExpectedVersion
) -> Recorded:
    """OSL 5:5: the marking names the provision; the marked fields leave every public view."""
    return Recorded.model_validate(
        app.mark_diary_entry_secret(entry_id, body.provision, list(body.fields), version), from_attributes=True
    )


@router.post("/v1/diary/entries/{entry_id}/secrecy/lift", response_model=Recorded, summary="Lift a secrecy marking")
def lift_secrecy(entry_id: UUID, body: Reason, actor: CurrentActor, app: AppDep, version: ExpectedVersion) -> Recorded:
    return Recorded.model_validate(app.lift_diary_entry_secrecy(entry_id, body.reason, version), from_attributes=True)


def _registration(body: Registration, exclude: set[str] | None = None) -> dict[str, Any]:
    """A registration's fields as its command takes them, the secrecy marking as the domain's value."""
    marking = body.secrecy
    return body.model_dump(exclude={"secrecy", *(exclude or ())}) | {
        "secrecy": Secrecy(marking.provision, tuple(marking.fields)) if marking else None
    }


def _registered(outcome: Numbered) -> DiaryRegistered:
    return DiaryRegistered(
        **vars(outcome.recorded), diary_number=outcome.number, case_id=outcome.case_id, case_number=outcome.case_number
    )


def _org(actor: Actor) -> UUID:
    if actor.org_id is None:
        raise NotPermitted("the diary is kept by a records officer of the organisation")
    return actor.org_id
