"""Request and response bodies of the public-records diary (diarium)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from api.types import Instant, Text
from domain.diary import MARKABLE_FIELDS, Direction, RecordType

CaseNumber = Field(None, max_length=40, description="Register the record in this case, e.g. 'KS 2026/0042'.")
Note = Field(
    None, max_length=10_000, description="Tjänsteanteckning: adds to the record; shown to records officers only."
)
Description = Field(None, max_length=1000, description="Kort beskrivning av innehållet; a neutral default if left out.")
Secrecy = Field(
    None,
    description="Sekretessmarkering (OSL 5:5) made in the same event as the registration: the "
    "marked fields are never public, not even for a moment.",
)


class DiarySetUp(BaseModel):
    series_prefix: Text = Field(
        min_length=1, max_length=10, description="Diarieprefix, e.g. KS: numbers read 'KS 2026/0042'."
    )
    reason: Text | None = Field(None, max_length=500, description="Why, when an existing diary changes series.")
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"series_prefix": "KS"}]})


class CommentRegistration(BaseModel):
    note: Text | None = Note
    description: Text | None = Description
    counterpart: Text | None = Field(
        None, max_length=300, description="Sender; by default the name the platform shows."
    )
    case_number: Text | None = CaseNumber
    secrecy: SecrecyMarking | None = Secrecy
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "note": "Frågan om simhallens öppettider vidarebefordrad till fritidsförvaltningen.",
                    "description": "Fråga om simhallens öppettider",
                }
            ]
        },
    )


class CommentCaseOpening(BaseModel):
    subject: Text = Field(min_length=1, max_length=300, description="Ärendemening: what the case is about.")
    responsible_unit: Text = Field(min_length=1, max_length=200, description="Ansvarig enhet.")
    note: Text | None = Note
    description: Text | None = Description
    counterpart: Text | None = Field(None, max_length=300)
    secrecy: SecrecyMarking | None = Secrecy
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "subject": "Klagomål på hemtjänsten",
                    "responsible_unit": "Socialförvaltningen",
                    "description": "Klagomål på hemtjänsten framfört i kommentar",
                }
            ]
        },
    )


class RecordRegistration(BaseModel):
    """Register a record the diary cannot draw from the social-media record (the OSL 5:2 fields)."""

    note: Text | None = Note
    description: Text | None = Description
    case_number: Text | None = CaseNumber
    secrecy: SecrecyMarking | None = Secrecy
    model_config = ConfigDict(extra="forbid")


class ManualRegistration(BaseModel):
    record_date: Instant = Field(description="When the record was received or drawn up.")
    direction: Direction = Field(description="received (inkommen) or drawn_up (upprättad).")
    record_type: RecordType
    counterpart: Text | None = Field(None, max_length=300, description="Sender or recipient (avsändare/mottagare).")
    description: Text = Field(min_length=1, max_length=1000)
    note: Text | None = Note
    case_number: Text | None = CaseNumber
    channel_id: UUID | None = None
    snapshot_id: UUID | None = Field(None, description="The snapshot (skärmdump) this entry registers.")
    secrecy: SecrecyMarking | None = Secrecy
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "record_date": "2026-06-30T15:00:00+02:00",
                    "direction": "drawn_up",
                    "record_type": "snapshot",
                    "description": "Halvårsskärmdump av Facebooksidan",
                    "snapshot_id": "5b0a6c1e-2f53-4c5e-9d1a-3f6c2b7e8a90",
                }
            ]
        },
    )


class CaseOpening(BaseModel):
    subject: Text = Field(min_length=1, max_length=300, description="Ärendemening.")
    responsible_unit: Text = Field(min_length=1, max_length=200)
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"subject": "Synpunkter på kommunens Facebooksida", "responsible_unit": "Kommunikationsenheten"}
            ]
        },
    )


class CaseClosing(BaseModel):
    note: Text = Field(min_length=1, max_length=2000, description="How the case ended, e.g. the decision.")
    model_config = ConfigDict(extra="forbid")


def _left_out_or_given(schema: dict[str, Any]) -> None:
    """A field that may be left out but, when sent, holds a value (null would clear a required field)."""
    schema.pop("default", None)


class Correction(BaseModel):
    """Only the fields given are corrected (counterpart and note may be cleared with null);
    ``reason`` is required and kept with the new reading."""

    record_date: Instant = Field(None, json_schema_extra=_left_out_or_given)  # type: ignore[assignment]  # left out: not corrected; null is refused
    direction: Direction = Field(None, json_schema_extra=_left_out_or_given)  # type: ignore[assignment]  # left out: not corrected; null is refused
    record_type: RecordType = Field(None, json_schema_extra=_left_out_or_given)  # type: ignore[assignment]  # left out: not corrected; null is refused
    counterpart: Text | None = Field(None, max_length=300)
    description: Text = Field(None, max_length=1000, json_schema_extra=_left_out_or_given)  # type: ignore[assignment]  # left out: not corrected; null is refused
    note: Text | None = Field(None, max_length=10_000)
    reason: Text = Field(min_length=1, max_length=1000)
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"counterpart": "Karin Svensson", "reason": "Avsändarens namn felstavat vid registreringen"}]
        },
    )


class SecrecyMarking(BaseModel):
    provision: Text = Field(
        min_length=1, max_length=100, description="OSL chapter and section, e.g. 'OSL 26 kap. 1 §' or '26:1'."
    )
    fields: list[Literal[MARKABLE_FIELDS]] = Field(min_length=1, description="counterpart, description, or both.")  # type: ignore[valid-type]
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"provision": "OSL 26 kap. 1 §", "fields": ["counterpart", "description"]}]},
    )


class DiaryRegistered(BaseModel):
    id: UUID = Field(description="The entry's id (the case's, when a case was opened).")
    version: int
    position: int = Field(description="Pass as wait_for_position to a read to see it.")
    diary_number: str
    case_id: UUID | None
    case_number: str | None


class NamePublication(BaseModel):
    """Whether the web diary (the public diary page and API) shows private persons' names."""

    published: StrictBool = Field(
        description="true: commenters' names are published; false (the default): they read 'privatperson'."
    )
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"published": True}]})


class NamePublicationSetting(BaseModel):
    published: bool = Field(description="Private persons' names are published on the web.")
    changed_at: datetime | None = Field(description="When it was last changed (null: never, the default holds).")
    changed_by_name: str | None
    changed_by_role: str | None
