"""Editors' assignments (redaktörsuppdrag), user story 2: a manager assigns an employee as
editor of a channel for a period; only an editor with a valid assignment may post in service."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID, uuid5

from domain.actors import Actor, Role
from domain.base import RecordAggregate
from domain.channel import Channel, ChannelStatus
from domain.errors import InvalidTransition, InvalidValue, NotPermitted
from domain.organisation import NAMESPACE
from domain.values import instant, required_text

ASSIGNERS = {Role.MANAGER, Role.RECORDS_OFFICER}


class NoValidAssignment(NotPermitted):
    """The editor holds no valid assignment for the channel at that time (saknar uppdrag)."""


@dataclass(frozen=True)
class Assignment:
    assignment_id: UUID
    editor_id: str
    editor_name: str
    valid_from: datetime
    valid_until: datetime | None
    scope: str
    assigned_by: str
    revoked_from: datetime | None = None

    def valid_at(self, when: datetime) -> bool:
        ends = [t for t in (self.valid_until, self.revoked_from) if t is not None]
        return self.valid_from <= when and all(when < end for end in ends)


class ChannelRoster(RecordAggregate):
    """All editors' assignments of one channel; its id is derived from the channel's."""

    class Opened(RecordAggregate.Created):
        """The channel's roster of editors was opened with its first assignment."""

        channel_id: UUID

    class EditorAssigned(RecordAggregate.Event):
        """A manager assigned an editor to the channel for a period (uppdrag som redaktör)."""

        assignment_id: UUID
        channel_id: UUID
        editor_id: str
        editor_name: str
        valid_from: datetime
        valid_until: datetime | None
        scope: str

        def apply(self, roster: ChannelRoster) -> None:
            roster.assignments[self.assignment_id] = Assignment(
                self.assignment_id,
                self.editor_id,
                self.editor_name,
                self.valid_from,
                self.valid_until,
                self.scope,
                self.actor_name,
            )

    class AssignmentRevoked(RecordAggregate.Event):
        """The assignment was revoked (uppdrag återkallat); it ends at ``effective_from``."""

        assignment_id: UUID
        channel_id: UUID
        reason: str
        effective_from: datetime

        def apply(self, roster: ChannelRoster) -> None:
            current = roster.assignments[self.assignment_id]
            roster.assignments[self.assignment_id] = replace(current, revoked_from=self.effective_from)

    def __init__(self, org_id: UUID, channel_id: UUID):
        self.org_id = org_id
        self.channel_id = channel_id
        self.assignments: dict[UUID, Assignment] = {}

    @staticmethod
    def id_for(channel_id: UUID) -> UUID:
        return uuid5(NAMESPACE, f"roster/{channel_id}")

    @classmethod
    def open(cls, channel: Channel, by: Actor, at: datetime) -> ChannelRoster:
        by.require(ASSIGNERS, channel.org_id, "assigning editors")
        return cls._create(
            cls.Opened, id=cls.id_for(channel.id), channel_id=channel.id, **cls.envelope(by, at, None, channel.org_id)
        )

    def assign(
        self,
        channel: Channel,
        assignment_id: UUID,
        editor_id: str,
        editor_name: str,
        valid_from: datetime,
        valid_until: datetime | None,
        scope: str,
        by: Actor,
        at: datetime,
    ) -> None:
        by.require(ASSIGNERS, self.org_id, "assigning editors")
        if channel.status is ChannelStatus.CLOSED:
            raise InvalidTransition("a closed channel gets no editors; reopen it first")
        instant("valid_from", valid_from, at)
        if valid_until is not None and instant("valid_until", valid_until, at) <= valid_from:
            raise InvalidValue("valid_until", "must be later than valid_from")
        self._record(
            self.EditorAssigned,
            by,
            at,
            assignment_id=assignment_id,
            channel_id=self.channel_id,
            editor_id=required_text("editor_id", editor_id, 200),
            editor_name=required_text("editor_name", editor_name, 200),
            valid_from=valid_from,
            valid_until=valid_until,
            scope=required_text("scope", scope, 1000),
        )

    def revoke(
        self, assignment_id: UUID, reason: str, effective_from: datetime | None, by: Actor, at: datetime
    ) -> None:
        by.require(ASSIGNERS, self.org_id, "revoking an editor's assignment")
        assignment = self.assignments.get(assignment_id)
        if assignment is None:
            raise InvalidValue("assignment_id", f"no assignment {assignment_id} on this channel")
        if assignment.revoked_from is not None:
            raise InvalidTransition("the assignment is already revoked")
        self._record(
            self.AssignmentRevoked,
            by,
            at,
            assignment_id=assignment_id,
            channel_id=self.channel_id,
            reason=required_text("reason", reason),
            effective_from=instant("effective_from", effective_from, at) if effective_from else at,
        )

    def valid_assignment(self, editor_id: str | None, when: datetime) -> Assignment | None:
        if editor_id is None:
            return None
        return next((a for a in self.assignments.values() if a.editor_id == editor_id and a.valid_at(when)), None)


def valid_assignment(roster: ChannelRoster | None, editor_id: str | None, when: datetime) -> Assignment | None:
    """The assignment that lets ``editor_id`` act on the channel at ``when``, if any."""
    return roster.valid_assignment(editor_id, when) if roster is not None else None


def require_assignment(assignment: Assignment | None, editor: Actor, when: datetime, doing: str) -> Assignment:
    if assignment is None or assignment.editor_id != editor.id or not assignment.valid_at(when):
        raise NoValidAssignment(
            f"{doing}: {editor.name} holds no valid editor's assignment for this channel at {when.isoformat()}; "
            "a manager must assign them first"
        )
    return assignment
