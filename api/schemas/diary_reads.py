"""What the diary answers: entries and cases as the public sees them, and as records officers
and auditors read them (with secrecy markings and every reading)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from domain.diary import Direction, RecordType


class DiaryLinks(BaseModel):
    """The social-media records the entry registers; left out publicly while it is marked."""

    channel_id: UUID | None
    post_id: UUID | None
    comment_id: UUID | None
    decision_id: UUID | None
    snapshot_id: UUID | None


class DiaryEntryPublic(BaseModel):
    """An entry as anyone may read it: marked fields hold the neutral secrecy text."""

    entry_id: UUID
    diary_number: str
    url: str = Field(description="This entry's stable address (JSON); page_url is the HTML page.")
    page_url: str
    record_date: date = Field(description="Date received or drawn up (Swedish time).")
    direction: Direction
    direction_label: str
    record_type: RecordType
    record_type_label: str
    counterpart: str | None = Field(description="Avsändare/mottagare.")
    description: str
    case_id: UUID | None
    case_number: str | None
    case_subject: str | None
    registered_on: date
    status: Literal["registered", "annulled"]
    annulled_on: date | None
    corrected: bool = Field(description="The entry has been corrected; the public diary shows the current reading.")
    secrecy_marked: bool
    links: DiaryLinks | None


class DiaryPage(BaseModel):
    organisation: str
    organisation_slug: str
    total: int = Field(description="Entries matching the search, over all pages.")
    limit: int
    offset: int
    entries: list[DiaryEntryPublic]


class CasePublic(BaseModel):
    case_id: UUID
    diary_number: str
    subject: str
    responsible_unit: str
    status: Literal["open", "closed"]
    opened_on: date
    closed_on: date | None
    entries: list[DiaryEntryPublic]


class Marking(BaseModel):
    provision: str
    fields: list[str]
    marked_at: datetime
    marked_by_name: str


class Reading(BaseModel):
    """One reading of the entry: as registered, or as a correction left it."""

    version: int
    event_type: str
    record_date: datetime
    direction: str
    record_type: str
    counterpart: str | None
    description: str
    note: str | None
    corrected_fields: list[str] | None
    reason: str | None
    recorded_at: datetime
    by_name: str
    by_role: str


class MarkingEvent(BaseModel):
    version: int
    action: Literal["marked", "lifted"]
    provision: str | None
    fields: list[str] | None
    reason: str | None
    occurred_at: datetime
    by_name: str
    by_role: str


class DiaryEntryRecord(BaseModel):
    """An entry as records officers and auditors see it: every field, and what the public sees."""

    entry_id: UUID
    diary_number: str
    record_date: datetime
    direction: str
    record_type: str
    counterpart: str | None
    description: str
    note: str | None
    public_counterpart: str | None
    public_description: str
    case_id: UUID | None
    case_number: str | None
    case_subject: str | None
    registered_at: datetime
    registered_by_name: str
    status: str
    annulled_at: datetime | None
    annul_reason: str | None
    corrections: int
    secrecy: Marking | None
    links: DiaryLinks
    version: int
    readings: list[Reading] | None = Field(None, description="Every reading, oldest first (one entry only).")
    markings: list[MarkingEvent] | None = Field(None, description="Every marking and lifting (one entry only).")


class DiaryRecordPage(BaseModel):
    total: int
    limit: int
    offset: int
    entries: list[DiaryEntryRecord]


class CaseRecord(BaseModel):
    case_id: UUID
    diary_number: str
    subject: str
    responsible_unit: str
    status: str
    opened_at: datetime
    opened_by_name: str
    closed_at: datetime | None
    close_note: str | None
    records: int
    version: int
    entries: list[DiaryEntryRecord]


class PendingTransfer(BaseModel):
    """A comment an editor moved to a case, not yet registered (the records officer's queue)."""

    comment_id: UUID
    channel_id: UUID
    post_id: UUID
    diary_number: str | None = Field(description="The case it was moved to; none when a new case is to be opened.")
    new_case: bool
    note: str
    transferred_at: datetime
    transferred_by_name: str
