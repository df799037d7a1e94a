"""Disposal holds (gallringsstopp): while a hold covers a record, it is not disposed of."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid5

from domain.actors import Actor, Role
from domain.base import RecordAggregate, required_text
from domain.diary_numbers import DiaryNumber
from domain.errors import InvalidTransition, InvalidValue
from domain.organisation import NAMESPACE
from domain.values import plain_text

HOLDERS = {Role.RECORDS_OFFICER, Role.AUDITOR}
REQUEST_HOLDERS = HOLDERS | {Role.PUBLIC}
"""A request for public records holds what it names by itself: whoever asks places that hold."""


class HoldScope(StrEnum):
    RECORD = "record"
    CHANNEL = "channel"
    CASE = "case"
    QUERY = "query"


@dataclass(frozen=True)
class RecordFacts:
    """What a hold or a rule needs to know of a record (from the retention view)."""

    record_id: UUID
    kind: str
    class_code: str
    channel_id: UUID | None
    case_number: str | None
    created_at: datetime
    removed_at: datetime | None = None


@dataclass(frozen=True)
class Hold:
    hold_id: UUID
    scope: str
    target: str | None
    query: dict[str, Any] | None
    reason: str
    lifted: bool = False

    def covers(self, record: RecordFacts) -> bool:
        if self.lifted:
            return False
        if self.scope == HoldScope.RECORD:
            return str(record.record_id) == self.target
        if self.scope == HoldScope.CHANNEL:
            return record.channel_id is not None and str(record.channel_id) == self.target
        if self.scope == HoldScope.CASE:
            return record.case_number == self.target
        return _matches(self.query or {}, record)


def _matches(query: dict[str, Any], record: RecordFacts) -> bool:
    checks = [
        query.get("channel_id") in (None, str(record.channel_id)),
        query.get("class_code") in (None, record.class_code),
        query.get("kind") in (None, record.kind),
        query.get("created_from") is None or record.created_at >= datetime.fromisoformat(query["created_from"]),
        query.get("created_to") is None or record.created_at < datetime.fromisoformat(query["created_to"]),
    ]
    return all(checks)


QUERY_FIELDS = {"channel_id", "class_code", "kind", "created_from", "created_to"}


def valid_query(query: dict[str, Any] | None) -> dict[str, Any]:
    if not query or not set(query) <= QUERY_FIELDS:
        raise InvalidValue("query", f"a query hold filters on {', '.join(sorted(QUERY_FIELDS))}")
    for field in ("created_from", "created_to"):
        if query.get(field) is not None:
            try:
                when = datetime.fromisoformat(query[field])
            except (TypeError, ValueError):
                raise InvalidValue(f"query.{field}", "must be an ISO 8601 time with a timezone") from None
            if when.tzinfo is None:
                raise InvalidValue(f"query.{field}", "must carry a timezone")
    return {key: plain_text(f"query.{key}", str(value)) for key, value in query.items() if value is not None}


class DisposalHolds(RecordAggregate):
    """All holds of one organisation. A disposal decision records that it checked them, in the
    same transaction, so a hold placed at the same moment makes one of the two fail."""

    class Opened(RecordAggregate.Created):
        """The organisation's register of disposal holds was set up."""

    class HoldPlaced(RecordAggregate.Event):
        """A disposal hold was placed (gallringsstopp), e.g. for a JO inquiry or a pending request."""

        hold_id: UUID
        scope: str
        target: str | None
        query: dict[str, Any] | None
        reason: str

        def apply(self, holds: DisposalHolds) -> None:
            holds.holds[self.hold_id] = Hold(self.hold_id, self.scope, self.target, self.query, self.reason)

    class HoldLifted(RecordAggregate.Event):
        """A disposal hold was lifted (gallringsstopp hävt)."""

        hold_id: UUID
        reason: str

        def apply(self, holds: DisposalHolds) -> None:
            holds.holds[self.hold_id] = replace(holds.holds[self.hold_id], lifted=True)

    class Checked(RecordAggregate.Event):
        """A disposal decision was checked against the holds in force."""

        decision_id: UUID

        def apply(self, holds: DisposalHolds) -> None:
            pass

    def __init__(self, org_id: UUID):
        self.org_id = org_id
        self.holds: dict[UUID, Hold] = {}

    @staticmethod
    def id_for(org_id: UUID) -> UUID:
        return uuid5(NAMESPACE, f"disposal-holds/{org_id}")

    @classmethod
    def open(cls, org_id: UUID, by: Actor, at: datetime) -> DisposalHolds:
        by.require(REQUEST_HOLDERS, org_id, "placing a disposal hold")
        return cls._create(cls.Opened, id=cls.id_for(org_id), **cls.envelope(by, at, None, org_id))

    def place(
        self,
        hold_id: UUID,
        scope: str,
        target: str | None,
        query: dict[str, Any] | None,
        reason: str,
        by: Actor,
        at: datetime,
    ) -> None:
        by.require(HOLDERS, self.org_id, "placing a disposal hold")
        try:
            scope = HoldScope(scope).value
        except ValueError:
            raise InvalidValue("scope", f"must be one of {', '.join(HoldScope)}") from None
        if scope == HoldScope.QUERY:
            query, target = valid_query(query), None
        elif scope == HoldScope.CASE:  # as the diary writes it, as the records moved to the case carry it
            target, query = str(DiaryNumber.parse(required_text("target", target or "", 200), "target")), None
        else:
            target, query = required_text("target", target or "", 200), None
        self._record(
            self.HoldPlaced,
            by,
            at,
            hold_id=hold_id,
            scope=scope,
            target=target,
            query=query,
            reason=required_text("reason", reason, 2000),
        )

    def hold_for_request(self, hold_id: UUID, record_id: UUID, request_number: str, by: Actor, at: datetime) -> None:
        """A pending request holds a record it names: it is not disposed of until the request is answered."""
        by.require(REQUEST_HOLDERS, self.org_id, "holding a requested record")
        reason = f"Begäran om allmän handling {request_number} är inte besvarad (TF 2 kap. 15 §)"
        self._record(
            self.HoldPlaced,
            by,
            at,
            hold_id=hold_id,
            scope=HoldScope.RECORD.value,
            target=str(record_id),
            query=None,
            reason=reason,
        )

    def lift(self, hold_id: UUID, reason: str, by: Actor, at: datetime) -> None:
        by.require(HOLDERS, self.org_id, "lifting a disposal hold")
        hold = self.holds.get(hold_id)
        if hold is None:
            raise InvalidValue("hold_id", f"no hold {hold_id}")
        if hold.lifted:
            raise InvalidTransition("the hold is already lifted")
        self._record(self.HoldLifted, by, at, hold_id=hold_id, reason=required_text("reason", reason, 2000))

    def holding(self, record: RecordFacts) -> list[Hold]:
        return [hold for hold in self.holds.values() if hold.covers(record)]

    def check(self, decision_id: UUID, by: Actor, at: datetime) -> None:
        self._record(self.Checked, by, at, decision_id=decision_id)
