"""Cases (ärenden): a matter the body handles, with a diary number of its own, ``KS 2026/0042``.
Its records are numbered within it, ``KS 2026/0042-1``, ``-2``, … in the order they are added."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.actors import Actor
from domain.base import RecordAggregate
from domain.diary import REGISTRARS
from domain.diary_numbers import DiaryNumber
from domain.errors import InvalidTransition
from domain.values import required_text


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label_sv(self) -> str:
        return "Pågående" if self is CaseStatus.OPEN else "Avslutat"


class Case(RecordAggregate):
    """An ärende: subject (ärendemening), responsible unit, open or closed, and its records."""

    class Opened(RecordAggregate.Created):
        """The case was opened (ärende upprättat) under its diary number."""

        number: str
        subject: str
        responsible_unit: str

    class RecordAdded(RecordAggregate.Event):
        """A record was registered in the case as its ``part``-th record (handling i ärendet)."""

        part: int
        entry_id: UUID
        entry_number: str

        def apply(self, case: Case) -> None:
            case.records = self.part

    class Closed(RecordAggregate.Event):
        """The case was closed (ärende avslutat); ``note`` says how, e.g. the decision."""

        note: str

        def apply(self, case: Case) -> None:
            case.status = CaseStatus.CLOSED

    class Reopened(RecordAggregate.Event):
        """A closed case was taken up again (ärende återupptaget)."""

        reason: str

        def apply(self, case: Case) -> None:
            case.status = CaseStatus.OPEN

    def __init__(self, org_id: UUID, number: str, subject: str, responsible_unit: str):
        self.org_id = org_id
        self.number = number
        self.subject = subject
        self.responsible_unit = responsible_unit
        self.status = CaseStatus.OPEN
        self.records = 0

    @classmethod
    def open(
        cls, org_id: UUID, number: DiaryNumber, subject: str, responsible_unit: str, by: Actor, at: datetime
    ) -> Case:
        by.require(REGISTRARS, org_id, "opening a case")
        return cls._create(
            cls.Opened,
            id=number.record_id(org_id),
            number=str(number),
            subject=required_text("subject", subject, 300),
            responsible_unit=required_text("responsible_unit", responsible_unit, 200),
            **cls.envelope(by, at, None, org_id),
        )

    @property
    def diary_number(self) -> DiaryNumber:
        return DiaryNumber.parse(self.number)

    def next_record_number(self) -> DiaryNumber:
        if self.status is CaseStatus.CLOSED:
            raise InvalidTransition(f"case {self.number} is closed; reopen it before adding records")
        return self.diary_number.within_case(self.records + 1)

    def add_record(self, entry_id: UUID, entry_number: DiaryNumber, by: Actor, at: datetime) -> None:
        by.require(REGISTRARS, self.org_id, "adding a record to a case")
        if entry_number != self.next_record_number():
            raise InvalidTransition(f"the case's next record is {self.next_record_number()}, not {entry_number}")
        self._record(
            self.RecordAdded, by, at, part=entry_number.part, entry_id=entry_id, entry_number=str(entry_number)
        )

    def close(self, note: str, by: Actor, at: datetime) -> None:
        by.require(REGISTRARS, self.org_id, "closing a case")
        if self.status is CaseStatus.CLOSED:
            raise InvalidTransition(f"case {self.number} is already closed")
        self._record(self.Closed, by, at, note=required_text("note", note, 2000))

    def reopen(self, reason: str, by: Actor, at: datetime) -> None:
        by.require(REGISTRARS, self.org_id, "reopening a case")
        if self.status is CaseStatus.OPEN:
            raise InvalidTransition(f"case {self.number} is open")
        self._record(self.Reopened, by, at, reason=required_text("reason", reason, 2000))
