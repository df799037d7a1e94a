"""The envelope every event carries: the organisation, who acted (id, name, role), when it
happened in the world (``occurred_at``) and when it was recorded here (``timestamp``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actors import Actor, Role
from domain.errors import InvalidValue, StaleVersion
from domain.values import instant, required_text

__all__ = ["RecordAggregate", "required_text"]


class RecordAggregate(Aggregate):
    """Base of kanalarkiv's aggregates. Commands take the actor and the time as arguments."""

    class Event(Aggregate.Event):
        org_id: UUID
        actor_id: str
        actor_name: str
        actor_role: str
        occurred_at: datetime

        @property
        def recorded_at(self) -> datetime:
            return self.timestamp

        @property
        def actor(self) -> Actor:
            return Actor(self.actor_id, self.actor_name, Role(self.actor_role), self.org_id)

    class Created(Event, Aggregate.Created):
        pass

    org_id: UUID

    @staticmethod
    def envelope(by: Actor, at: datetime, occurred_at: datetime | None, org_id: UUID) -> dict[str, Any]:
        if at.tzinfo is None or (occurred_at is not None and occurred_at.tzinfo is None):
            raise InvalidValue("time", "times must carry a timezone")
        if occurred_at is not None:
            instant("occurred_at", occurred_at, at)
        return {
            "org_id": org_id,
            "actor_id": by.id,
            "actor_name": by.name,
            "actor_role": by.role.value,
            "occurred_at": occurred_at or at,
            "timestamp": at,
        }

    def _record(
        self,
        event_class: type[Event],
        by: Actor,
        at: datetime,
        occurred_at: datetime | None = None,
        **fields: Any,
    ) -> None:
        self.trigger_event(event_class, **self.envelope(by, at, occurred_at, self.org_id), **fields)

    def check_version(self, expected: int | None) -> None:
        if expected is not None and expected != self.version:
            raise StaleVersion(expected, self.version)
