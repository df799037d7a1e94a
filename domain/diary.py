"""The public-records diary (diarium), OSL 5 kap.: the organisation's diary (its series) and the
fields an entry is made of. The entries are ``domain.diary_entry``; the claims that keep one live
entry per social-media record are ``domain.record_registration``.

An entry shows what OSL 5:2 asks — the date the record was received or drawn up, its diary
number, the sender or recipient and a short description — plus its case, record type and the
social-media records it registers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid5

from domain.actors import Actor, Role
from domain.base import RecordAggregate
from domain.diary_numbers import valid_series_prefix
from domain.errors import InvalidValue
from domain.organisation import NAMESPACE
from domain.values import CLOCK_SKEW, instant, required_text

REGISTRARS = {Role.RECORDS_OFFICER}
DIARY_READERS = {Role.RECORDS_OFFICER, Role.AUDITOR}
MARKABLE_FIELDS = ("counterpart", "description")
CORRECTABLE_FIELDS = ("record_date", "direction", "record_type", "counterpart", "description", "note")


class Direction(StrEnum):
    """Inkommen (received by the body) or upprättad (drawn up by it), TF 2 kap."""

    RECEIVED = "received"
    DRAWN_UP = "drawn_up"

    @property
    def label_sv(self) -> str:
        return "Inkommen" if self is Direction.RECEIVED else "Upprättad"


class RecordType(StrEnum):
    COMMENT = "comment"
    POST = "post"
    MODERATION_DECISION = "moderation_decision"
    SNAPSHOT = "snapshot"
    OTHER = "other"

    @property
    def label_sv(self) -> str:
        return _RECORD_TYPE_LABELS[self]


_RECORD_TYPE_LABELS = {
    RecordType.COMMENT: "Kommentar i sociala medier",
    RecordType.POST: "Inlägg i sociala medier",
    RecordType.MODERATION_DECISION: "Beslut om moderering",
    RecordType.SNAPSHOT: "Skärmdump av kanal",
    RecordType.OTHER: "Övrig handling",
}


@dataclass(frozen=True)
class Links:
    """The social-media records an entry registers (the records themselves stay in their place)."""

    channel_id: UUID | None = None
    post_id: UUID | None = None
    comment_id: UUID | None = None
    decision_id: UUID | None = None
    snapshot_id: UUID | None = None

    def primary(self) -> tuple[str, UUID] | None:
        """The record this entry registers, which may have only one live entry."""
        for kind in ("decision_id", "snapshot_id", "comment_id", "post_id"):
            if getattr(self, kind) is not None:
                return kind.removesuffix("_id"), getattr(self, kind)
        return None


@dataclass(frozen=True)
class Reading:
    """An entry's diary fields as they read at one time (OSL 5:2, plus the body's note)."""

    record_date: datetime
    direction: str
    record_type: str
    counterpart: str | None
    description: str
    note: str | None

    @classmethod
    def checked(
        cls,
        record_date: datetime,
        direction: str,
        record_type: str,
        counterpart: str | None,
        description: str,
        note: str | None,
        at: datetime,
    ) -> Reading:
        if instant("record_date", record_date, at) > at + CLOCK_SKEW:
            raise InvalidValue("record_date", "a record cannot be received or drawn up after it is registered")
        return cls(
            record_date,
            _choice(Direction, direction, "direction").value,
            _choice(RecordType, record_type, "record_type").value,
            required_text("counterpart", counterpart, 300) if counterpart else None,
            required_text("description", description, 1000),
            required_text("note", note, 10_000) if note else None,
        )


def _choice(enum: type[StrEnum], value: str, field: str) -> StrEnum:
    try:
        return enum(value)
    except ValueError:
        raise InvalidValue(field, f"must be one of {', '.join(e.value for e in enum)}") from None


class Diary(RecordAggregate):
    """The organisation's diary (diarium): the series its numbers are drawn in."""

    class Opened(RecordAggregate.Created):
        """The diary was set up with its series prefix (diariet inrättat), e.g. KS."""

        series_prefix: str

    class SeriesPrefixChanged(RecordAggregate.Event):
        """Numbers are drawn in another series from now on (ny diarieserie); old numbers stay."""

        series_prefix: str
        reason: str

        def apply(self, diary: Diary) -> None:
            diary.series_prefix = self.series_prefix

    def __init__(self, org_id: UUID, series_prefix: str):
        self.org_id = org_id
        self.series_prefix = series_prefix

    @staticmethod
    def id_for(org_id: UUID) -> UUID:
        return uuid5(NAMESPACE, f"diary/{org_id}")

    @classmethod
    def open(cls, org_id: UUID, series_prefix: str, by: Actor, at: datetime) -> Diary:
        by.require(REGISTRARS, org_id, "setting up the diary")
        return cls._create(
            cls.Opened,
            id=cls.id_for(org_id),
            series_prefix=valid_series_prefix(series_prefix),
            **cls.envelope(by, at, None, org_id),
        )

    def change_prefix(self, series_prefix: str, reason: str, by: Actor, at: datetime) -> None:
        by.require(REGISTRARS, self.org_id, "changing the diary's series")
        prefix = valid_series_prefix(series_prefix)
        if prefix == self.series_prefix:
            raise InvalidValue("series_prefix", f"the diary already uses {prefix}")
        self._record(self.SeriesPrefixChanged, by, at, series_prefix=prefix, reason=required_text("reason", reason))
