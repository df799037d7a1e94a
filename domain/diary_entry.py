"""Diary entries (diarieföring): one registered record each, numbered in the diary's series or in
a case. An entry is never rewritten: a correction or an annulment is a later event naming its
reason. A secrecy marking (OSL 5:5) names the provision, and who made it and when; it hides the
marked fields from the public diary, never the entry itself."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.utils import register_topic

from domain.actors import Actor
from domain.base import RecordAggregate
from domain.diary import CORRECTABLE_FIELDS, MARKABLE_FIELDS, REGISTRARS, Links, Reading
from domain.diary_numbers import DiaryNumber
from domain.errors import InvalidTransition, InvalidValue
from domain.grounds import osl_provision
from domain.values import required_text


@dataclass(frozen=True)
class Secrecy:
    """A secrecy marking (sekretessmarkering, OSL 5:5) as asked for: the provision it is made
    under and the fields it hides from the public diary."""

    provision: str
    fields: tuple[str, ...]

    def checked(self, reading: Reading, prefix: str = "") -> Secrecy:
        """The marking with its provision written out and its fields in order; an error names the
        field with ``prefix`` (``secrecy.`` when it comes with a registration)."""
        chosen = tuple(sorted(set(self.fields)))
        if not chosen or any(f not in MARKABLE_FIELDS for f in chosen):
            raise InvalidValue(f"{prefix}fields", f"name the fields to mark: {' and/or '.join(MARKABLE_FIELDS)}")
        if "counterpart" in chosen and reading.counterpart is None:
            raise InvalidValue(f"{prefix}fields", "the entry names no sender or recipient to mark")
        try:
            return Secrecy(osl_provision(self.provision), chosen)
        except InvalidValue as error:
            raise InvalidValue(f"{prefix}{error.field}", error.message) from None


class DiaryEntry(RecordAggregate):
    """One registered record (en registrerad handling); its id derives from its diary number."""

    class Registered(RecordAggregate.Created):
        """The record was registered (registrerad) under ``number``; ``occurred_at`` is the date it
        was received or drawn up, ``timestamp`` when it was registered. A record with secret
        content may be marked as it is registered (OSL 5:5): ``secrecy_provision`` and
        ``secret_fields`` are then the marking, made by the registrar at registration.
        Version 2; version 1 had no marking (none is read into it)."""

        class_version = 2

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
        secrecy_provision: str | None
        secret_fields: list[str]

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state["secrecy_provision"] = None
            state["secret_fields"] = []

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
            entry.reading = Reading(
                self.record_date, self.direction, self.record_type, self.counterpart, self.description, self.note
            )

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

    def __init__(
        self,
        org_id: UUID,
        number: str,
        case_id: UUID | None,
        direction: str,
        record_type: str,
        counterpart: str | None,
        description: str,
        note: str | None,
        occurred_at: datetime,
        comment_id: UUID | None,
        post_id: UUID | None,
        decision_id: UUID | None,
        snapshot_id: UUID | None,
        channel_id: UUID | None,
        secrecy_provision: str | None,
        secret_fields: list[str],
    ):
        self.org_id = org_id
        self.number = number
        self.case_id = case_id
        self.reading = Reading(occurred_at, direction, record_type, counterpart, description, note)
        self.links = Links(channel_id, post_id, comment_id, decision_id, snapshot_id)
        self.annulled = False
        self.marking = (secrecy_provision, tuple(secret_fields)) if secrecy_provision else None

    @classmethod
    def register(
        cls,
        org_id: UUID,
        number: DiaryNumber,
        case_id: UUID | None,
        reading: Reading,
        links: Links,
        by: Actor,
        at: datetime,
        secrecy: Secrecy | None = None,
    ) -> DiaryEntry:
        """Register a record, marked for secrecy from the first moment when ``secrecy`` is given."""
        by.require(REGISTRARS, org_id, "registering a record in the diary")
        marking = secrecy.checked(reading, "secrecy.") if secrecy else None
        return cls._create(
            cls.Registered,
            id=number.record_id(org_id),
            number=str(number),
            case_id=case_id,
            case_number=str(number.case_number) if case_id else None,
            direction=reading.direction,
            record_type=reading.record_type,
            counterpart=reading.counterpart,
            description=reading.description,
            note=reading.note,
            **asdict(links),
            secrecy_provision=marking.provision if marking else None,
            secret_fields=list(marking.fields) if marking else [],
            **cls.envelope(by, at, reading.record_date, org_id),
        )

    def correct(self, changes: dict[str, Any], reason: str, by: Actor, at: datetime) -> None:
        self._registrar(by, "correcting a diary entry")
        unknown = sorted(set(changes) - set(CORRECTABLE_FIELDS))
        if unknown:
            raise InvalidValue(unknown[0], f"only {', '.join(CORRECTABLE_FIELDS)} can be corrected")
        new = Reading.checked(**asdict(replace(self.reading, **changes)), at=self.created_on)
        changed = [f for f in CORRECTABLE_FIELDS if getattr(new, f) != getattr(self.reading, f)]
        if not changed:
            raise InvalidValue(next(iter(changes), "reason"), "is the same as the entry's current reading")
        self._record(
            self.Corrected,
            by,
            at,
            **asdict(new),
            corrected_fields=changed,
            reason=required_text("reason", reason, 1000),
        )

    def annul(self, reason: str, by: Actor, at: datetime) -> None:
        self._registrar(by, "annulling a diary entry")
        self._record(self.Annulled, by, at, reason=required_text("reason", reason, 1000))

    def mark_secret(self, provision: str, fields: list[str], by: Actor, at: datetime) -> None:
        by.require(REGISTRARS, self.org_id, "marking a diary entry for secrecy")
        marking = Secrecy(provision, tuple(fields or ())).checked(self.reading)
        if self.marking == (marking.provision, marking.fields):
            raise InvalidTransition(f"the entry is already marked under {marking.provision}")
        self._record(self.SecrecyMarked, by, at, provision=marking.provision, fields=list(marking.fields))

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
