"""The snapshot register: every channel's snapshots, and when its next half-year snapshot is
due — overdue channels first, as the webmaster sees them. A rendering's row names its audience,
the records whose content it holds, and the rendering it remakes or was remade as."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from psycopg import Cursor

from domain.channel import LIFE_CYCLE_EVENTS, STATUS_AFTER, Channel, ChannelStatus
from projections.core.base import BatchProjection, View, handles
from retention.disposal import DisposalDecision
from retention.snapshots import ChannelSnapshot


class SnapshotsView(View):
    name = "snapshots"
    tables = ("snapshot_channels", "snapshot_register")
    create_statements = (
        """CREATE TABLE IF NOT EXISTS snapshot_channels (
            channel_id uuid PRIMARY KEY, org_id uuid NOT NULL, name text NOT NULL, platform text NOT NULL,
            status text NOT NULL, active_since timestamptz)""",
        """CREATE TABLE IF NOT EXISTS snapshot_register (
            snapshot_id uuid PRIMARY KEY, org_id uuid NOT NULL, channel_id uuid NOT NULL, period_start date NOT NULL,
            period_end date NOT NULL, sha256 text NOT NULL, size bigint NOT NULL, media_type text NOT NULL,
            filename text NOT NULL, rendered boolean NOT NULL, taken_at timestamptz NOT NULL, taken_by text NOT NULL,
            recorded_at timestamptz NOT NULL, fixity_checked_at timestamptz, fixity_intact boolean,
            disposed_reference text)""",
        "CREATE INDEX IF NOT EXISTS snapshot_register_channel_idx ON snapshot_register (channel_id, taken_at)",
        # Added with renderings' audiences (issue 11); rebuild the view to fill them for older rows.
        """ALTER TABLE snapshot_register ADD COLUMN IF NOT EXISTS position bigint,
            ADD COLUMN IF NOT EXISTS audience text, ADD COLUMN IF NOT EXISTS record_ids uuid[],
            ADD COLUMN IF NOT EXISTS as_of_position bigint, ADD COLUMN IF NOT EXISTS remakes uuid,
            ADD COLUMN IF NOT EXISTS remade_as uuid""",
        "CREATE INDEX IF NOT EXISTS snapshot_register_records_idx ON snapshot_register USING gin (record_ids)",
    )
    bulk_tables: ClassVar = {"snapshot_channels": ("channel_id",)}

    def overdue_first(self, org_id: UUID, now: datetime) -> list[dict[str, Any]]:
        """Channels in use with when their next snapshot is due; overdue (due before now) first."""
        return self.fetch_all(
            "SELECT c.channel_id, c.name, c.platform, c.status, s.last_taken_at,"
            " coalesce(s.last_taken_at, c.active_since) + interval '6 months' AS due_at,"
            " coalesce(s.last_taken_at, c.active_since) + interval '6 months' < %(now)s AS overdue"
            " FROM snapshot_channels c LEFT JOIN LATERAL (SELECT max(taken_at) AS last_taken_at"
            "   FROM snapshot_register r WHERE r.channel_id = c.channel_id AND r.disposed_reference IS NULL) s ON true"
            " WHERE c.org_id = %(org)s AND c.status IN ('active', 'paused') AND c.active_since IS NOT NULL"
            " ORDER BY overdue DESC, due_at, c.name",
            {"org": org_id, "now": now},
        )

    def of_channel(self, channel_id: UUID) -> list[dict[str, Any]]:
        return self.fetch_all(
            f"SELECT {LISTED} FROM snapshot_register WHERE channel_id = %s ORDER BY taken_at DESC, recorded_at DESC",
            (channel_id,),
        )

    def renderings_reached(
        self, org_id: UUID, record_ids: list[UUID], legacy: dict[UUID, datetime]
    ) -> list[dict[str, Any]]:
        """Renderings in force holding any of ``record_ids``; and those made before renderings named
        their records, of a channel in ``legacy`` (channel → its latest record's creation) whose
        period began by then."""
        return self.fetch_all(
            "SELECT snapshot_id, position FROM snapshot_register s WHERE org_id = %(org)s AND rendered"
            " AND remade_as IS NULL AND disposed_reference IS NULL AND (record_ids && %(ids)s::uuid[]"
            "  OR (record_ids IS NULL AND EXISTS (SELECT 1 FROM unnest(%(channels)s::uuid[], %(latest)s::timestamptz[])"
            "      AS r(channel_id, latest) WHERE r.channel_id = s.channel_id"
            "      AND r.latest >= s.period_start - interval '1 day')))"
            " ORDER BY taken_at, snapshot_id",
            {"org": org_id, "ids": record_ids, "channels": list(legacy), "latest": list(legacy.values())},
        )

    def uploads_of(self, channel_ids: list[UUID]) -> list[dict[str, Any]]:
        """The uploaded snapshots of the channels (the webmaster's own records), not disposed of."""
        return self.fetch_all(
            "SELECT snapshot_id, channel_id, period_start, period_end, taken_at, taken_by, filename"
            " FROM snapshot_register WHERE channel_id = ANY(%s) AND NOT rendered AND disposed_reference IS NULL"
            " ORDER BY taken_at, snapshot_id",
            (channel_ids,),
        )


LISTED = ", ".join(
    (
        "snapshot_id",
        "org_id",
        "channel_id",
        "period_start",
        "period_end",
        "sha256",
        "size",
        "media_type",
        "filename",
        "rendered",
        "taken_at",
        "taken_by",
        "recorded_at",
        "fixity_checked_at",
        "fixity_intact",
        "disposed_reference",
        "CASE WHEN rendered THEN coalesce(audience, 'records') END AS audience",
        "as_of_position",
        "remakes",
        "remade_as",
        "cardinality(record_ids) AS records_held",
    )
)
"""A listing's columns: the audience of a rendering made before they were named is the whole record's."""


class SnapshotsProjection(BatchProjection[SnapshotsView]):
    name = "snapshots"
    view_class: ClassVar = SnapshotsView

    @handles(Channel.Registered)
    def registered(self, event: Channel.Registered, curs: Cursor[Any], position: int) -> None:
        self.rows("snapshot_channels").insert(
            {
                "channel_id": event.originator_id,
                "org_id": event.org_id,
                "name": event.name,
                "platform": event.platform,
                "status": "planned",
                "active_since": None,
            },
            position,
        )

    @handles(*LIFE_CYCLE_EVENTS, reads="snapshot_channels")
    def status(self, event: Channel.Event, curs: Cursor[Any], position: int) -> None:
        rows, status = self.rows("snapshot_channels"), STATUS_AFTER[type(event)]
        row = rows.get(event.originator_id)
        if row is None:
            return
        since = row["active_since"]
        if since is None and status is ChannelStatus.ACTIVE:
            since = event.occurred_at
        rows.update(event.originator_id, position, status=status.value, active_since=since)

    @handles(ChannelSnapshot.Taken)
    def taken(self, event: ChannelSnapshot.Taken, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "INSERT INTO snapshot_register (snapshot_id, org_id, channel_id, period_start, period_end, sha256, size,"
            " media_type, filename, rendered, taken_at, taken_by, recorded_at, position)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                event.originator_id,
                event.org_id,
                event.channel_id,
                event.period_start,
                event.period_end,
                event.sha256,
                event.size,
                event.media_type,
                event.filename,
                event.rendered,
                event.occurred_at,
                event.actor_name,
                event.timestamp,
                position,
            ),
        )

    @handles(ChannelSnapshot.RenderingMade)
    def rendering(self, event: ChannelSnapshot.RenderingMade, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "UPDATE snapshot_register SET audience = %s, record_ids = %s, as_of_position = %s, remakes = %s"
            " WHERE snapshot_id = %s",
            (event.audience, event.record_ids, event.as_of_position, event.remakes, event.originator_id),
        )

    @handles(ChannelSnapshot.RenderingShredded)
    def shredded(self, event: ChannelSnapshot.RenderingShredded, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "UPDATE snapshot_register SET remade_as = %s, disposed_reference = %s WHERE snapshot_id = %s",
            (event.remade_as, event.reference, event.originator_id),
        )

    @handles(ChannelSnapshot.FixityChecked)
    def fixity(self, event: ChannelSnapshot.FixityChecked, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "UPDATE snapshot_register SET fixity_checked_at = %s, fixity_intact = %s WHERE snapshot_id = %s",
            (event.timestamp, event.intact, event.originator_id),
        )

    @handles(DisposalDecision.Executed)
    def disposed(self, event: DisposalDecision.Executed, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "UPDATE snapshot_register SET disposed_reference = %s WHERE snapshot_id = ANY(%s)",
            (event.reference, event.record_ids),
        )
