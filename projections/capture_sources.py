"""The live sources (insamlingskällor) connected to the channels: which account or feed feeds
which channel, how often, under which sealed credentials (their id only), and whether it is still
connected. The pollers and the webhook routes find their sources here; no secret is kept."""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from psycopg import Cursor

from domain.capture_source import CaptureSource
from projections.core.base import BatchProjection, View, handles


class CaptureSourcesView(View):
    name = "capture_sources"
    tables = ("capture_sources",)
    create_statements = (
        """CREATE TABLE IF NOT EXISTS capture_sources (
            source_id uuid PRIMARY KEY,
            org_id uuid NOT NULL,
            channel_id uuid NOT NULL,
            kind text NOT NULL,
            platform_id text,
            url text,
            polling_interval_seconds integer NOT NULL,
            credentials_id uuid,
            connected boolean NOT NULL,
            connected_at timestamptz NOT NULL,
            connected_by_name text NOT NULL,
            connected_by_role text NOT NULL,
            changed_at timestamptz,
            disconnected_at timestamptz,
            disconnect_reason text,
            position bigint NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS capture_sources_channel_idx ON capture_sources (channel_id, connected_at)",
        "CREATE INDEX IF NOT EXISTS capture_sources_account_idx ON capture_sources (kind, platform_id) WHERE connected",
    )

    def source(self, source_id: UUID) -> dict[str, Any] | None:
        return self.fetch_one("SELECT * FROM capture_sources WHERE source_id = %s", (source_id,))

    def of_channel(self, channel_id: UUID) -> list[dict[str, Any]]:
        """The channel's sources, connected or not, oldest first."""
        return self.fetch_all(
            "SELECT * FROM capture_sources WHERE channel_id = %s ORDER BY connected_at, source_id", (channel_id,)
        )

    def of_organisation(self, org_id: UUID, connected_only: bool = False) -> list[dict[str, Any]]:
        return self.fetch_all(
            "SELECT * FROM capture_sources WHERE org_id = %s AND (connected OR NOT %s)"
            " ORDER BY channel_id, connected_at, source_id",
            (org_id, connected_only),
        )

    def connected(self) -> list[dict[str, Any]]:
        """Every connected source, of every organisation: what the poller polls."""
        return self.fetch_all("SELECT * FROM capture_sources WHERE connected ORDER BY connected_at, source_id")

    def connected_to_account(self, kind: str, platform_id: str) -> list[dict[str, Any]]:
        """The connected sources of one platform account (a webhook's entry names the account)."""
        return self.fetch_all(
            "SELECT * FROM capture_sources WHERE connected AND kind = %s AND platform_id = %s ORDER BY connected_at",
            (kind, platform_id),
        )


class CaptureSourcesProjection(BatchProjection[CaptureSourcesView]):
    name = "capture_sources"
    view_class: ClassVar = CaptureSourcesView
    reads_sealed_content: ClassVar = False  # ids, addresses and intervals only

    @handles(CaptureSource.Connected)
    def connected(self, event: CaptureSource.Connected, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "INSERT INTO capture_sources (source_id, org_id, channel_id, kind, platform_id, url,"
            " polling_interval_seconds, credentials_id, connected, connected_at, connected_by_name,"
            " connected_by_role, position) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, true, %s, %s, %s, %s)"
            " ON CONFLICT (source_id) DO NOTHING",
            (
                event.originator_id,
                event.org_id,
                event.channel_id,
                event.kind,
                event.platform_id,
                event.url,
                event.polling_interval_seconds,
                event.credentials_id,
                event.occurred_at,
                event.actor_name,
                event.actor_role,
                position,
            ),
        )

    @handles(CaptureSource.Changed)
    def changed(self, event: CaptureSource.Changed, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "UPDATE capture_sources SET url = %s, polling_interval_seconds = %s, credentials_id = %s,"
            " changed_at = %s, position = %s WHERE source_id = %s",
            (
                event.url,
                event.polling_interval_seconds,
                event.credentials_id,
                event.occurred_at,
                position,
                event.originator_id,
            ),
        )

    @handles(CaptureSource.Disconnected)
    def disconnected(self, event: CaptureSource.Disconnected, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "UPDATE capture_sources SET connected = false, disconnected_at = %s, disconnect_reason = %s,"
            " position = %s WHERE source_id = %s",
            (event.occurred_at, event.reason, position, event.originator_id),
        )
