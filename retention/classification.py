"""Reclassification: a record's class changes only by an event that gives the reason."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid5

from domain.actors import Actor, Role
from domain.base import RecordAggregate, required_text
from domain.errors import InvalidValue
from domain.organisation import NAMESPACE
from retention.plan import RecordsPlan


class RecordClassification(RecordAggregate):
    """The explicit classifications of one record (the first one is implied by its kind)."""

    class Opened(RecordAggregate.Created):
        """A record got an explicit classification for the first time."""

        record_id: UUID

    class Reclassified(RecordAggregate.Event):
        """The record was moved to another class of the records plan (omklassificerad)."""

        record_id: UUID
        from_class: str
        to_class: str
        reason: str

        def apply(self, classification: RecordClassification) -> None:
            classification.class_code = self.to_class

    def __init__(self, org_id: UUID, record_id: UUID):
        self.org_id = org_id
        self.record_id = record_id
        self.class_code: str | None = None

    @staticmethod
    def id_for(record_id: UUID) -> UUID:
        return uuid5(NAMESPACE, f"classification/{record_id}")

    @classmethod
    def open(cls, org_id: UUID, record_id: UUID, by: Actor, at: datetime) -> RecordClassification:
        by.require({Role.RECORDS_OFFICER}, org_id, "reclassifying a record")
        return cls._create(
            cls.Opened, id=cls.id_for(record_id), record_id=record_id, **cls.envelope(by, at, None, org_id)
        )

    def reclassify(
        self, plan: RecordsPlan, current_class: str, to_class: str, reason: str, by: Actor, at: datetime
    ) -> None:
        by.require({Role.RECORDS_OFFICER}, self.org_id, "reclassifying a record")
        if to_class not in plan.classes:
            raise InvalidValue("to_class", f"plan version {plan.plan_version} has no class {to_class!r}")
        if to_class == current_class:
            raise InvalidValue("to_class", f"the record already is of class {to_class}")
        self._record(
            self.Reclassified,
            by,
            at,
            record_id=self.record_id,
            from_class=current_class,
            to_class=to_class,
            reason=required_text("reason", reason, 2000),
        )
