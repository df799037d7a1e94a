"""Reading the public-records diary (diarium), OSL 5 kap.: anyone reads the public diary, where
marked fields hold a neutral text; records officers and auditors read everything, with every
earlier reading. The commands that keep the diary are in ``api.routes.diary_commands``.

The public routes never look at a token: what they answer is the same for everyone."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response

from api.deps import AsOf, CurrentActor, OptionalActor, ViewsDep, WaitFor, own_organisation, require_own_past
from api.diary_answers import (
    diary_query,
    entry_public,
    entry_record,
    organisation_of,
    public_entries_fields,
    public_entry_row,
    swedish_date,
)
from api.responses import json_response
from api.schemas.diary_reads import (
    CasePublic,
    CaseRecord,
    DiaryEntryPublic,
    DiaryEntryRecord,
    DiaryPage,
    DiaryRecordPage,
    MarkingEvent,
    PendingTransfer,
    Reading,
)
from api.types import Day, Text
from domain.diary import DIARY_READERS, RecordType
from domain.period import SWEDISH_TIME
from kanalarkiv.application.outcomes import RecordNotFound

router = APIRouter(tags=["diary"])

Words = Annotated[
    Text | None, Query(max_length=200, description="Words to search for (PostgreSQL full-text search, Swedish).")
]
DateFrom = Annotated[Day | None, Query(alias="from", description="Received or drawn up on or after this date.")]
DateTo = Annotated[Day | None, Query(alias="to", description="Received or drawn up on or before this date.")]
NumberParam = Annotated[
    Text | None, Query(max_length=40, description="One entry's diary number, e.g. 'KS 2026/0042-3'.")
]
CaseParam = Annotated[Text | None, Query(alias="case", max_length=40, description="A case's number: its records.")]
TypeParam = Annotated[RecordType | None, Query(description="Only entries of this record type.")]
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


# The records officers' view


@router.get("/v1/diary/entries", response_model=DiaryRecordPage, summary="The diary, every field (officers)")
def officer_entries(
    actor: CurrentActor,
    views: ViewsDep,
    as_of: AsOf,
    q: Words = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    diary_number: NumberParam = None,
    case: CaseParam = None,
    record_type: TypeParam = None,
    limit: Limit = 50,
    offset: Offset = 0,
    wait_for_position: WaitFor = None,
) -> DiaryRecordPage:
    """Records officers and auditors: marked fields, notes, annulment reasons; searched over all text.
    ``as_of`` reads the diary as it stood then (each entry in the reading it had)."""
    org_id = own_organisation(actor, DIARY_READERS, "reading the records officers' diary")
    views.wait_for("diary", as_of or wait_for_position)
    rows, total = views.diary.entries(
        org_id, diary_query(q, date_from, date_to, diary_number, case, record_type, limit, offset), as_of
    )
    return DiaryRecordPage(total=total, limit=limit, offset=offset, entries=[entry_record(row) for row in rows])


@router.get("/v1/diary/entries/{entry_id}", response_model=DiaryEntryRecord, summary="One entry and its history")
def officer_entry(
    entry_id: UUID, actor: CurrentActor, views: ViewsDep, wait_for_position: WaitFor = None
) -> DiaryEntryRecord:
    """Every reading (as registered, and after each correction) and every secrecy marking."""
    views.wait_for("diary", wait_for_position)
    row = views.diary.entry(entry_id)
    if row is None:
        raise RecordNotFound(f"no diary entry with id {entry_id}")
    actor.require(DIARY_READERS, row["org_id"], "reading the records officers' diary")
    return entry_record(row).model_copy(
        update={
            "readings": [Reading.model_validate(r) for r in views.diary.readings(entry_id)],
            "markings": [MarkingEvent.model_validate(m) for m in views.diary.markings(entry_id)],
        }
    )


@router.get("/v1/diary/cases/{case_id}", response_model=CaseRecord, summary="One case and its records (officers)")
def officer_case(case_id: UUID, actor: CurrentActor, views: ViewsDep, wait_for_position: WaitFor = None) -> CaseRecord:
    views.wait_for("diary", wait_for_position)
    row = views.diary.case(case_id)
    if row is None:
        raise RecordNotFound(f"no case with id {case_id}")
    actor.require(DIARY_READERS, row["org_id"], "reading the records officers' diary")
    entries = [entry_record(e) for e in views.diary.case_entries(case_id, public=False)]
    return CaseRecord.model_validate(row | {"entries": entries})


@router.get(
    "/v1/diary/transfers", response_model=list[PendingTransfer], summary="Comments moved to a case, to register"
)
def pending_transfers(actor: CurrentActor, views: ViewsDep, wait_for_position: WaitFor = None) -> list[PendingTransfer]:
    """The records officer's queue: comments editors moved to a case that no entry registers yet."""
    org_id = own_organisation(actor, DIARY_READERS, "reading the records officers' diary")
    views.wait_for("diary", wait_for_position)
    return [PendingTransfer.model_validate(row) for row in views.diary.pending_transfers(org_id)]


# The public diary


@router.get("/v1/organisations/{slug}/diary", response_model=DiaryPage, summary="Diariet: the public diary")
def public_diary(
    slug: Text,
    views: ViewsDep,
    actor: OptionalActor,
    as_of: AsOf,
    q: Words = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    diary_number: NumberParam = None,
    case: CaseParam = None,
    record_type: TypeParam = None,
    limit: Limit = 50,
    offset: Offset = 0,
    wait_for_position: WaitFor = None,
) -> Response:
    """Newest registration first. No token needed; marked fields read 'Sekretess enligt OSL …'.
    Auditors and records officers may read it as it stood at a past instant (``as_of``)."""
    views.wait_for("diary", as_of or wait_for_position)
    organisation = organisation_of(views, slug)
    require_own_past(actor, organisation["org_id"], as_of, "diary")
    query = diary_query(q, date_from, date_to, diary_number, case, record_type, limit, offset)
    rows, total = views.diary.public_entries(organisation["org_id"], query, as_of)
    # Serialised once, straight from the rows: the body is what DiaryPage serialises to.
    return json_response(
        {
            "organisation": organisation["name"],
            "organisation_slug": slug,
            "total": total,
            "limit": limit,
            "offset": offset,
            "entries": public_entries_fields(slug, rows),
        }
    )


@router.get(
    "/v1/organisations/{slug}/diary/entries/{entry_id}",
    response_model=DiaryEntryPublic,
    summary="One public diary entry",
)
def public_entry(slug: Text, entry_id: UUID, views: ViewsDep, wait_for_position: WaitFor = None) -> DiaryEntryPublic:
    views.wait_for("diary", wait_for_position)
    return entry_public(slug, public_entry_row(views, slug, entry_id))


@router.get("/v1/organisations/{slug}/diary/cases/{case_id}", response_model=CasePublic, summary="One public case")
def public_case(slug: Text, case_id: UUID, views: ViewsDep, wait_for_position: WaitFor = None) -> CasePublic:
    views.wait_for("diary", wait_for_position)
    organisation = organisation_of(views, slug)
    row = views.diary.case(case_id)
    if row is None or row["org_id"] != organisation["org_id"]:
        raise RecordNotFound(f"no case with id {case_id} in {slug}'s diary")
    entries = [entry_public(slug, e) for e in views.diary.case_entries(case_id, public=True)]
    return CasePublic(
        case_id=case_id,
        diary_number=row["diary_number"],
        subject=row["subject"],
        responsible_unit=row["responsible_unit"],
        status=row["status"],
        opened_on=row["opened_at"].astimezone(SWEDISH_TIME).date(),  # a case is always opened
        closed_on=swedish_date(row["closed_at"]),
        entries=entries,
    )
