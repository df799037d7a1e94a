"""Editors' assignments over time: "who could post on channel X on date D, and who assigned them?"."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from psycopg import Cursor, sql

from domain.roster import ChannelRoster
from projections.core.base import BatchProjection, View, handles
from projections.core.temporal import Versioned, source


class EditorAssignmentsView(View):
    name = "editor_assignments"
    tables = ("editor_assignments",)
    create_statements = (
        """CREATE TABLE IF NOT EXISTS editor_assignments (
            assignment_id uuid PRIMARY KEY,
            org_id uuid NOT NULL,
            channel_id uuid NOT NULL,
            editor_id text NOT NULL,
            editor_name text NOT NULL,
            scope text NOT NULL,
            valid_from timestamptz NOT NULL,
            valid_until timestamptz,
            assigned_by_id text NOT NULL,
            assigned_by_name text NOT NULL,
            assigned_by_role text NOT NULL,
            assigned_at timestamptz NOT NULL,
            revoked_from timestamptz,
            revoked_by_name text,
            revoke_reason text
        )""",
        "CREATE INDEX IF NOT EXISTS editor_assignments_channel_idx ON editor_assignments (channel_id, valid_from)",
    )
    versioned = (Versioned("editor_assignments", ("assignment_id",), (("channel_id",),)),)

    def of_channel(self, channel_id: UUID, as_of: int | None = None) -> list[dict[str, Any]]:
        return self.fetch_all(
            sql.SQL("SELECT * FROM {} WHERE channel_id = %s ORDER BY valid_from, assignment_id").format(
                source("editor_assignments", as_of)
            ),
            (channel_id,),
        )

    def valid_at(self, channel_id: UUID, when: datetime, as_of: int | None = None) -> list[dict[str, Any]]:
        """The assignments in force at ``when`` (valid from ≤ when < end, not revoked by then)."""
        return self.fetch_all(
            sql.SQL(
                "SELECT * FROM {} WHERE channel_id = %(channel)s AND valid_from <= %(at)s"
                " AND (valid_until IS NULL OR %(at)s < valid_until) AND (revoked_from IS NULL OR %(at)s < revoked_from)"
                " ORDER BY editor_name, assignment_id"
            ).format(source("editor_assignments", as_of)),
            {"channel": channel_id, "at": when},
        )


class EditorAssignmentsProjection(BatchProjection[EditorAssignmentsView]):
    name = "editor_assignments"
    view_class: ClassVar = EditorAssignmentsView

    @handles(ChannelRoster.EditorAssigned)
    def assigned(self, event: ChannelRoster.EditorAssigned, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "INSERT INTO editor_assignments (assignment_id, org_id, channel_id, editor_id, editor_name, scope,"
            " valid_from, valid_until, assigned_by_id, assigned_by_name, assigned_by_role, assigned_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                event.assignment_id,
                event.org_id,
                event.channel_id,
                event.editor_id,
                event.editor_name,
                event.scope,
                event.valid_from,
                event.valid_until,
                event.actor_id,
                event.actor_name,
                event.actor_role,
                event.timestamp,
            ),
        )

    @handles(ChannelRoster.AssignmentRevoked)
    def revoked(self, event: ChannelRoster.AssignmentRevoked, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "UPDATE editor_assignments SET revoked_from = %s, revoked_by_name = %s, revoke_reason = %s"
            " WHERE assignment_id = %s",
            (event.effective_from, event.actor_name, event.reason, event.assignment_id),
        )
