"""An organisation's fee schedule for copies released on requests (avgifter för kopior): the
state's by default (avgiftsförordningen 15–16 §§); a records officer sets the organisation's own,
each setting a later event, so that every answer's fee can be traced to the schedule in force."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid5

from domain.actors import Actor, Role
from domain.base import RecordAggregate
from domain.organisation import NAMESPACE
from domain.request_rules import STATE_FEES, FeeSchedule
from domain.values import required_text


class RequestFees(RecordAggregate):
    """The organisation's schedule; its id derives from the organisation's."""

    class Opened(RecordAggregate.Created):
        """The organisation's fee schedule was set up (from the state's)."""

    class ScheduleSet(RecordAggregate.Event):
        """The organisation set its fees: ``free_pages`` free, then the next page, then each further."""

        free_pages: int
        first_charged_page_kr: int
        further_page_kr: int
        decision_reference: str

        def apply(self, fees: RequestFees) -> None:
            fees.schedule = FeeSchedule(self.free_pages, self.first_charged_page_kr, self.further_page_kr)

    def __init__(self, org_id: UUID):
        self.org_id = org_id
        self.schedule = STATE_FEES

    @staticmethod
    def id_for(org_id: UUID) -> UUID:
        return uuid5(NAMESPACE, f"request-fees/{org_id}")

    @classmethod
    def open(cls, org_id: UUID, by: Actor, at: datetime) -> RequestFees:
        by.require({Role.RECORDS_OFFICER}, org_id, "setting the fees for copies")
        return cls._create(cls.Opened, id=cls.id_for(org_id), **cls.envelope(by, at, None, org_id))

    def set(self, schedule: FeeSchedule, decision_reference: str, by: Actor, at: datetime) -> None:
        by.require({Role.RECORDS_OFFICER}, self.org_id, "setting the fees for copies")
        self._record(
            self.ScheduleSet,
            by,
            at,
            free_pages=schedule.free_pages,
            first_charged_page_kr=schedule.first_charged_page_kr,
            further_page_kr=schedule.further_page_kr,
            decision_reference=required_text("decision_reference", decision_reference, 200),
        )
