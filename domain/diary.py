"""The public-records diary (diarium), OSL 5 kap.: the organisation's diary and its entries.

An entry shows what OSL 5:2 asks — the date the record was received or drawn up, its diary
number, the sender or recipient and a short description — plus its case, record type and the
social-media records it registers. An entry is never rewritten: a correction or an annulment
is a later event naming its reason. A secrecy marking (OSL 5:5) names the provision, and who
made it and when; it hides the marked fields from the public diary, never the entry itself."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid5

from domain.actors import Actor, Role
from domain.base import RecordAggregate
from domain.diary_numbers import DiaryNumber, valid_series_prefix
from domain.errors import InvalidTransition, InvalidValue
from domain.grounds import Ground, valid_provision
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
    def checked(cls, record_date: datetime, direction: str, record_type: str, counterpart: str | None,
                description: str, note: str | None, at: datetime) -> Reading:
        if instant("record_date", record_date, at) > at + CLOCK_SKEW:
            raise InvalidValue("record_date", "a record cannot be received or drawn up after it is registered")
        return cls(
            record_date, _choice(Direction, direction, "direction").value, _choice(RecordType, record_type,
                                                                                   "record_type").value,
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
        return cls._create(cls.Opened, id=cls.id_for(org_id), series_prefix=valid_series_prefix(series_prefix),
                           **cls.envelope(by, at, None, org_id))

    def change_prefix(self, series_prefix: str, reason: str, by: Actor, at: datetime) -> None:
        by.require(REGISTRARS, self.org_id, "changing the diary's series")
        prefix = valid_series_prefix(series_prefix)
        if prefix == self.series_prefix:
            raise InvalidValue("series_prefix", f"the diary already uses {prefix}")
        self._record(self.SeriesPrefixChanged, by, at, series_prefix=prefix, reason=required_text("reason", reason))


class DiaryEntry(RecordAggregate):
    """One registered record (en registrerad handling); its id derives from its diary number."""

    class Registered(RecordAggregate.Created):
        """The record was registered (registrerad) under ``number``; ``occurred_at`` is the date it
        was received or drawn up, ``timestamp`` when it was registered."""

        number: str
        case_id: UUID | None
        case_number: str | None
        direction: str
        record_type: str
        counterpart: str | None
        description: str
        note: str | None
        channel_id: UUID | None
        post_id: UUID | None
        comment_id: UUID | None
        decision_id: UUID | None
        snapshot_id: UUID | None

    class Corrected(RecordAggregate.Event):
        """The entry was corrected (rättad): the new reading in full, which fields changed and why.
        Every earlier reading stays in the log."""

        record_date: datetime
        direction: str
        record_type: str
        counterpart: str | None
        description: str
        note: str | None
        corrected_fields: list[str]
        reason: str

        def apply(self, entry: DiaryEntry) -> None:
            entry.reading = Reading(self.record_date, self.direction, self.record_type, self.counterpart,
                                    self.description, self.note)

    class Annulled(RecordAggregate.Event):
        """The entry was annulled (makulerad), e.g. registered by mistake; it stays in the diary."""

        reason: str

        def apply(self, entry: DiaryEntry) -> None:
            entry.annulled = True

    class SecrecyMarked(RecordAggregate.Event):
        """A secrecy marking (sekretessmarkering, OSL 5:5) on the named fields under ``provision``.
        A flag, not a decision: each request for the record gets a fresh assessment."""

        provision: str
        fields: list[str]

        def apply(self, entry: DiaryEntry) -> None:
            entry.marking = (self.provision, tuple(self.fields))

    class SecrecyLifted(RecordAggregate.Event):
        """The secrecy marking was lifted (sekretessmarkering hävd)."""

        reason: str

        def apply(self, entry: DiaryEntry) -> None:
            entry.marking = None

    def __init__(self, org_id: UUID, number: str, case_id: UUID | None, direction: str, record_type: str,
                 counterpart: str | None, description: str, note: str | None, occurred_at: datetime,
                 comment_id: UUID | None, post_id: UUID | None, decision_id: UUID | None,
                 snapshot_id: UUID | None, channel_id: UUID | None):
        self.org_id = org_id
        self.number = number
        self.case_id = case_id
        self.reading = Reading(occurred_at, direction, record_type, counterpart, description, note)
        self.links = Links(channel_id, post_id, comment_id, decision_id, snapshot_id)
        self.annulled = False
        self.marking: tuple[str, tuple[str, ...]] | None = None

    @classmethod
    def register(cls, org_id: UUID, number: DiaryNumber, case_id: UUID | None, reading: Reading, links: Links,
                 by: Actor, at: datetime) -> DiaryEntry:
        by.require(REGISTRARS, org_id, "registering a record in the diary")
        return cls._create(
            cls.Registered, id=number.record_id(org_id), number=str(number), case_id=case_id,
            case_number=str(number.case_number) if case_id else None, direction=reading.direction,
            record_type=reading.record_type, counterpart=reading.counterpart, description=reading.description,
            note=reading.note, **asdict(links), **cls.envelope(by, at, reading.record_date, org_id),
        )

    def correct(self, changes: dict[str, object], reason: str, by: Actor, at: datetime) -> None:
        self._registrar(by, "correcting a diary entry")
        unknown = sorted(set(changes) - set(CORRECTABLE_FIELDS))
        if unknown:
            raise InvalidValue(unknown[0], f"only {', '.join(CORRECTABLE_FIELDS)} can be corrected")
        new = Reading.checked(**asdict(replace(self.reading, **changes)), at=self.created_on)  # type: ignore[arg-type]
        changed = [f for f in CORRECTABLE_FIELDS if getattr(new, f) != getattr(self.reading, f)]
        if not changed:
            raise InvalidValue(next(iter(changes), "reason"), "is the same as the entry's current reading")
        self._record(self.Corrected, by, at, **asdict(new), corrected_fields=changed,
                     reason=required_text("reason", reason, 1000))

    def annul(self, reason: str, by: Actor, at: datetime) -> None:
        self._registrar(by, "annulling a diary entry")
        self._record(self.Annulled, by, at, reason=required_text("reason", reason, 1000))

    def mark_secret(self, provision: str, fields: list[str], by: Actor, at: datetime) -> None:
        by.require(REGISTRARS, self.org_id, "marking a diary entry for secrecy")
        chosen = sorted(set(fields or ()))
        if not chosen or any(f not in MARKABLE_FIELDS for f in chosen):
            raise InvalidValue("fields", f"name the fields to mark: {' and/or '.join(MARKABLE_FIELDS)}")
        if "counterpart" in chosen and self.reading.counterpart is None:
            raise InvalidValue("fields", "the entry names no sender or recipient to mark")
        checked = valid_provision(Ground.SECRECY, provision)
        if self.marking == (checked, tuple(chosen)):
            raise InvalidTransition(f"the entry is already marked under {checked}")
        self._record(self.SecrecyMarked, by, at, provision=checked, fields=chosen)

    def lift_secrecy(self, reason: str, by: Actor, at: datetime) -> None:
        by.require(REGISTRARS, self.org_id, "lifting a secrecy marking")
        if self.marking is None:
            raise InvalidTransition("the entry has no secrecy marking to lift")
        self._record(self.SecrecyLifted, by, at, reason=required_text("reason", reason, 1000))

    def _registrar(self, by: Actor, doing: str) -> None:
        by.require(REGISTRARS, self.org_id, doing)
        if self.annulled:
            raise InvalidTransition(f"entry {self.number} is annulled; register the record anew instead")


class RecordRegistration(RecordAggregate):
    """Keeps one live diary entry per social-media record; its id derives from the record's."""

    class Claimed(RecordAggregate.Created):
        """The record was registered under ``number`` (registrerad)."""

        record_kind: str
        record_id: UUID
        entry_id: UUID
        number: str

    class Reclaimed(RecordAggregate.Event):
        """The record was registered again, after its earlier entry was annulled."""

        entry_id: UUID
        number: str

        def apply(self, claim: RecordRegistration) -> None:
            claim.number = self.number

    class Released(RecordAggregate.Event):
        """The record's entry was annulled, so the record may be registered anew."""

        entry_id: UUID

        def apply(self, claim: RecordRegistration) -> None:
            claim.number = None

    def __init__(self, org_id: UUID, number: str):
        self.org_id = org_id
        self.number: str | None = number

    @staticmethod
    def id_for(kind: str, record_id: UUID) -> UUID:
        return uuid5(NAMESPACE, f"diary-registration/{kind}/{record_id}")

    @classmethod
    def claim(cls, existing: RecordRegistration | None, entry: DiaryEntry, by: Actor,
              at: datetime) -> RecordRegistration:
        kind, record_id = entry.links.primary()  # type: ignore[misc]
        if existing is None:
            return cls._create(cls.Claimed, id=cls.id_for(kind, record_id), record_kind=kind, record_id=record_id,
                               entry_id=entry.id, number=entry.number, **cls.envelope(by, at, None, entry.org_id))
        if existing.number is not None:
            raise InvalidTransition(f"the {kind.replace('_', ' ')} is already registered as {existing.number}")
        existing._record(cls.Reclaimed, by, at, entry_id=entry.id, number=entry.number)
        return existing

    def release(self, entry: DiaryEntry, by: Actor, at: datetime) -> None:
        self._record(self.Released, by, at, entry_id=entry.id)
