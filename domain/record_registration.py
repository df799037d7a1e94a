"""Registration claims: one live diary entry per social-media record. A claim's id derives from
the record's, so two entries cannot register the same record at once: one of them fails at save."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid5

from eventsourcing.utils import register_topic

from domain.actors import Actor
from domain.base import RecordAggregate
from domain.diary_entry import DiaryEntry
from domain.errors import InvalidTransition
from domain.organisation import NAMESPACE


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
    def claim(
        cls, existing: RecordRegistration | None, entry: DiaryEntry, by: Actor, at: datetime
    ) -> RecordRegistration:
        primary = entry.links.primary()
        if primary is None:
            raise InvalidTransition("the entry registers no record of the log: there is nothing to claim")
        kind, record_id = primary
        if existing is None:
            return cls._create(
                cls.Claimed,
                id=cls.id_for(kind, record_id),
                record_kind=kind,
                record_id=record_id,
                entry_id=entry.id,
                number=entry.number,
                **cls.envelope(by, at, None, entry.org_id),
            )
        if existing.number is not None:
            raise InvalidTransition(f"the {kind.replace('_', ' ')} is already registered as {existing.number}")
        existing._record(cls.Reclaimed, by, at, entry_id=entry.id, number=entry.number)
        return existing

    def release(self, entry: DiaryEntry, by: Actor, at: datetime) -> None:
        self._record(self.Released, by, at, entry_id=entry.id)


register_topic("domain.diary:RecordRegistration", RecordRegistration)  # its topic before it had a module of its own
