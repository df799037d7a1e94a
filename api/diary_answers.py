"""The diary's rows as its answers: the search the API, the pages and the extract share, and an
entry or case as the public or a records officer sees it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from api.deps import ViewsDep
from api.schemas.diary_reads import (
    DiaryEntryPublic,
    DiaryEntryRecord,
    DiaryLinks,
    Marking,
)
from domain.diary import Direction, RecordType
from domain.diary_numbers import DiaryNumber
from domain.errors import InvalidValue
from domain.period import SWEDISH_TIME
from kanalarkiv.application.outcomes import RecordNotFound
from projections.diary import DiaryQuery


def diary_query(
    q: str | None,
    date_from: date | None,
    date_to: date | None,
    diary_number: str | None,
    case: str | None,
    record_type: RecordType | None,
    limit: int,
    offset: int,
) -> DiaryQuery:
    start, end = day_range(date_from, date_to)
    return DiaryQuery(
        text=q.strip() or None if q else None,
        date_from=start,
        date_to=end,
        diary_number=DiaryNumber.parse(diary_number) if diary_number else None,
        case_number=DiaryNumber.parse(case, "case").case_number if case else None,
        record_type=record_type.value if record_type else None,
        limit=limit,
        offset=offset,
    )


def day_range(date_from: date | None, date_to: date | None) -> tuple[datetime | None, datetime | None]:
    """Whole Swedish days: from the start of ``date_from`` to the end of ``date_to``."""
    if date_from and date_to and date_to < date_from:
        raise InvalidValue("to", "must not be before from")
    start = datetime.combine(date_from, time.min, SWEDISH_TIME) if date_from else None
    end = datetime.combine(date_to + timedelta(days=1), time.min, SWEDISH_TIME) if date_to else None
    return start, end


def organisation_of(views: ViewsDep, slug: str) -> dict[str, Any]:
    organisation = views.channel_register.organisation_by_slug(slug)
    if organisation is None:
        raise RecordNotFound(f"no organisation with slug '{slug}'")
    return organisation


def public_entry_row(views: ViewsDep, slug: str, entry_id: UUID) -> dict[str, Any]:
    row = views.diary.public_entry(organisation_of(views, slug)["org_id"], entry_id)
    if row is None:
        raise RecordNotFound(f"no diary entry with id {entry_id} in {slug}'s diary")
    return row


def swedish_date(moment: datetime | None) -> date | None:
    return moment.astimezone(SWEDISH_TIME).date() if moment else None


_LINK_FIELDS = tuple(DiaryLinks.model_fields)


_DIRECTION_LABELS = {direction.value: direction.label_sv for direction in Direction}


_RECORD_TYPE_LABELS = {record_type.value: record_type.label_sv for record_type in RecordType}


def _links(row: dict[str, Any]) -> DiaryLinks:
    return DiaryLinks(**{k: row[k] for k in _LINK_FIELDS})


def entry_public(slug: str, row: dict[str, Any]) -> DiaryEntryPublic:
    return DiaryEntryPublic(**entry_public_fields(slug, row))


def entry_public_fields(slug: str, row: dict[str, Any]) -> dict[str, Any]:
    """A public row as ``DiaryEntryPublic``'s fields, in its order, as plain values (what the public
    diary serialises directly): dates in Swedish time, no links while the entry is marked."""
    return public_entries_fields(slug, (row,))[0]


def public_entries_fields(slug: str, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``entry_public_fields`` of each row (a page of the public diary: some microseconds a row)."""
    url, page_url = f"/v1/organisations/{slug}/diary/entries/", f"/{slug}/diarium/"
    entries = []
    for row in rows:
        try:
            direction_label = _DIRECTION_LABELS[row["direction"]]
            record_type_label = _RECORD_TYPE_LABELS[row["record_type"]]
        except KeyError as error:
            raise ValueError(f"diary entry {row['entry_id']} has an unknown direction or record type {error}") from None
        entry_id = row["entry_id"]
        key = str(entry_id)
        marked = row["secrecy_marked"]
        entries.append(
            {
                "entry_id": entry_id,
                "diary_number": row["diary_number"],
                "url": url + key,
                "page_url": page_url + key,
                "record_date": swedish_date(row["record_date"]),
                "direction": row["direction"],
                "direction_label": direction_label,
                "record_type": row["record_type"],
                "record_type_label": record_type_label,
                "counterpart": row["counterpart"],
                "description": row["description"],
                "case_id": row["case_id"],
                "case_number": row["case_number"],
                "case_subject": row["case_subject"],
                "registered_on": swedish_date(row["registered_at"]),
                "status": row["status"],
                "annulled_on": swedish_date(row["annulled_at"]),
                "corrected": row["corrections"] > 0,
                "secrecy_marked": marked,
                "links": None if marked else {link: row[link] for link in _LINK_FIELDS},
            }
        )
    return entries


def entry_record(row: dict[str, Any]) -> DiaryEntryRecord:
    marking = None
    if row["secret_fields"]:
        marking = Marking(
            provision=row["secrecy_provision"],
            fields=row["secret_fields"],
            marked_at=row["marked_at"],
            marked_by_name=row["marked_by_name"],
        )
    fields = {k: row[k] for k in DiaryEntryRecord.model_fields if k in row}
    return DiaryEntryRecord(**fields, secrecy=marking, links=_links(row))
