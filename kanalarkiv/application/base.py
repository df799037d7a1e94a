"""What every command group of the application stands on: the log in PostgreSQL, the clock, the
key store and the snapshot storage, and the few ways a command reads a record and records its
events. ``RecordsApplication`` mixes the groups (``EditorialCommands``, ``DiaryCommands`` …)
together; each of them subclasses ``RecordsBase``, so what they use is declared here once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import InfrastructureFactory, TrackingRecorder
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import Environment

from domain.base import RecordAggregate
from domain.case import Case
from domain.channel import Channel
from domain.comment import Comment
from domain.diary_numbers import DiaryNumber
from domain.errors import InvalidValue
from domain.post import Post
from domain.roster import ChannelRoster
from kanalarkiv.adapters.snapshot_store import SnapshotStore
from kanalarkiv.application import chunked_saves
from kanalarkiv.application.context import Clock
from kanalarkiv.application.outcomes import Recorded, RecordNotFound
from retention.crypto.keystore import KeyStore
from retention.crypto.sealing import SealingMapper

TAggregate = TypeVar("TAggregate", bound=Aggregate)
TRecord = TypeVar("TRecord", bound=RecordAggregate)


class RecordsBase(Application[UUID]):
    """The application's plumbing, shared by its command groups."""

    datastore: PostgresDatastore
    """The database of the log, the key store and the views."""
    recorder: PostgresApplicationRecorder
    mapper: SealingMapper
    clock: Clock
    keystore: KeyStore
    snapshot_store: SnapshotStore

    def construct_factory(self, env: Environment) -> InfrastructureFactory[TrackingRecorder]:
        factory = super().construct_factory(env)
        datastore = getattr(factory, "datastore", None)  # the library's PostgreSQL factory has one
        if not isinstance(datastore, PostgresDatastore):
            raise TypeError("kanalarkiv keeps its log in PostgreSQL: PERSISTENCE_MODULE names a PostgreSQL factory")
        self.datastore = datastore
        return factory

    def construct_recorder(self) -> PostgresApplicationRecorder:
        recorder = super().construct_recorder()
        if not isinstance(recorder, PostgresApplicationRecorder):
            raise TypeError("kanalarkiv's log is recorded by a PostgreSQL application recorder")
        return recorder

    @property
    def events_table_name(self) -> str:
        return self.recorder.events_table_name

    # Reading records

    def _find(self, aggregate_id: UUID, kind: type[TAggregate], label: str) -> TAggregate | None:
        """The record if it is recorded, else None; one of another kind is no ``label``."""
        try:
            aggregate: Aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        if not isinstance(aggregate, kind):
            raise RecordNotFound(f"no {label} with id {aggregate_id}")
        return aggregate

    def _get(self, aggregate_id: UUID, kind: type[TAggregate], label: str) -> TAggregate:
        aggregate = self._find(aggregate_id, kind, label)
        if aggregate is None:
            raise RecordNotFound(f"no {label} with id {aggregate_id}")
        return aggregate

    def _versioned(self, aggregate_id: UUID, kind: type[TRecord], label: str, expected_version: int | None) -> TRecord:
        """The record, if it is at the version the command decided on (none named: any)."""
        aggregate = self._get(aggregate_id, kind, label)
        aggregate.check_version(expected_version)
        return aggregate

    def _own(
        self, org_id: UUID, record_id: UUID | str | None, field: str, kind: type[TRecord], label: str = "record"
    ) -> TRecord:
        """The organisation's own record that a command's ``field`` names. An id of another
        organisation's record is refused like an id of none — 422 naming the field, in the same
        words — so that a refusal tells nothing of what other organisations hold."""
        aggregate: Aggregate | None
        try:
            aggregate = self.repository.get(record_id if isinstance(record_id, UUID) else UUID(str(record_id)))
        except (ValueError, AggregateNotFoundError):
            aggregate = None
        if not isinstance(aggregate, kind) or aggregate.org_id != org_id:
            raise InvalidValue(field, f"the organisation has no {label} {record_id}")
        return aggregate

    def _exists(self, aggregate_id: UUID) -> bool:
        """Whether anything is recorded under this id: one row's look-up, no record read."""
        return bool(self.recorder.select_events(aggregate_id, limit=1))

    # Records that more than one command group reads

    def get_channel(self, channel_id: UUID) -> Channel:
        return self._get(channel_id, Channel, "channel")

    def get_post(self, post_id: UUID) -> Post:
        return self._get(post_id, Post, "post")

    def get_comment(self, comment_id: UUID) -> Comment:
        return self._get(comment_id, Comment, "comment")

    def _roster(self, channel_id: UUID) -> ChannelRoster | None:
        return self._find(ChannelRoster.id_for(channel_id), ChannelRoster, "roster")

    @staticmethod
    def _case_number(case_number: str | None, field: str = "case_number") -> DiaryNumber | None:
        if not case_number:
            return None
        number = DiaryNumber.parse(case_number, field)
        if number.part is not None:
            raise InvalidValue(field, f"name the case ({number.case_number}), not one of its records")
        return number

    def _case(self, org_id: UUID, number: DiaryNumber, field: str = "case_number") -> Case:
        """The case under this number in the organisation's diary: the record whose id is the
        number's, if it is a case (a number of the series may also be a record of its own)."""
        case = self._find(number.record_id(org_id), Aggregate, "record")
        if not isinstance(case, Case):
            raise InvalidValue(
                field,
                f"there is no case {number} in the organisation's diary: open it first, or name a case that exists",
            )
        return case

    # Recording

    def save_in_chunks(self, aggregates: Sequence[Aggregate], skip_taken: bool = False) -> int:
        """Many records at once (a capture), chunk by chunk: see ``chunked_saves``."""
        return chunked_saves.save_in_chunks(self.mapper, self.recorder, aggregates, skip_taken)

    def _recorded(self, primary: Aggregate, *others: Aggregate) -> Recorded:
        self.mapper.prepare([event for aggregate in (primary, *others) for event in aggregate.pending_events])
        recordings = self.save(primary, *others)
        if not recordings:
            raise InvalidValue("command", "nothing to record")
        position = max(recording.notification.id for recording in recordings)
        return Recorded(primary.id, primary.version, position)
