"""Diary entries (diarieföring): one registered record each, numbered in the diary's series or in
a case. An entry is never rewritten: a correction or an annulment is a later event naming its
reason. A secrecy marking (OSL 5:5) names the provision, and who made it and when; it hides the
marked fields from the public diary, never the entry itself."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import datetime
from uuid import UUID

from eventsourcing.utils import register_topic

from domain.actors import Actor
from domain.base import RecordAggregate, required_text
from domain.diary import CORRECTABLE_FIELDS, MARKABLE_FIELDS, REGISTRARS, Links, Reading
from domain.diary_numbers import DiaryNumber
from domain.errors import InvalidTransition, InvalidValue
from domain.grounds import Ground, valid_provision


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


register_topic("domain.diary:DiaryEntry", DiaryEntry)  # its events' topic before it had a module of its own
