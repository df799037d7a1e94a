"""The live sources (insamlingskällor) connected to the channels: which account or feed feeds
which channel, how often, under which sealed credentials (their id only), and whether it is still
connected; and how its polling goes: its last run and last success, what its runs found, whether
it is failing and why. The pollers and the webhook routes find their sources here; no secret is
kept. ``listing`` joins the poller's own table (``capture_poll_state``: when the next poll is
due, unchanged feeds, throttling) where it exists; the view itself is rebuilt from the log alone."""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from psycopg import Cursor

from domain.capture_run import CaptureRun
from domain.capture_source import CaptureSource
from projections.core.base import BatchProjection, View, handles

STATE = (
    "CASE WHEN NOT s.connected THEN 'disconnected'"
    " WHEN s.suspended_reason IS NOT NULL OR s.last_run_status = 'failed' THEN 'failing'"
    " WHEN s.last_run_status IS NULL THEN 'new' ELSE 'ok' END"
)
"""A source's state: ``new`` (never polled), ``ok`` (its last run completed), ``failing`` (its last
run failed, or its polling stopped: ``suspended_reason``), ``disconnected``."""
STATES = ("new", "ok", "failing", "disconnected")
_FOUND = ("new", "edited", "hidden", "deletions_observed")


class CaptureSourcesView(View):
    name = "capture_sources"
    tables = ("capture_sources", "capture_source_runs")
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
            suspended_reason text,
            suspended_detail text,
            suspended_at timestamptz,
            last_run_id uuid,
            last_run_at timestamptz,
            last_run_status text,
            last_run_error text,
            last_success_at timestamptz,
            last_read integer,
            runs_completed integer NOT NULL DEFAULT 0,
            runs_failed integer NOT NULL DEFAULT 0,
            found_new bigint NOT NULL DEFAULT 0,
            found_edited bigint NOT NULL DEFAULT 0,
            found_hidden bigint NOT NULL DEFAULT 0,
            found_deletions_observed bigint NOT NULL DEFAULT 0,
            position bigint NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS capture_source_runs (
            run_id uuid PRIMARY KEY, source_id uuid NOT NULL)""",
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

    def listing(
        self, org_id: UUID | None, state: str | None = None, source_id: UUID | None = None
    ) -> list[dict[str, Any]]:
        """Sources with their state and when each is due next (``org_id`` none: every organisation's)."""
        due = (
            "p.next_poll_at, coalesce(p.not_modified_polls, 0) AS not_modified_polls,"
            " coalesce(p.throttled_responses, 0) AS throttled_responses,"
            " coalesce(p.throttled_seconds, 0) AS throttled_seconds"
            if self._has_poll_state()
            else "NULL::timestamptz AS next_poll_at, 0 AS not_modified_polls, 0 AS throttled_responses,"
            " 0.0::float8 AS throttled_seconds"
        )
        join = " LEFT JOIN capture_poll_state p USING (source_id)" if self._has_poll_state() else ""
        return self.fetch_all(
            f"SELECT s.*, {STATE} AS state, {due} FROM capture_sources s{join}"
            f" WHERE (%(org)s::uuid IS NULL OR s.org_id = %(org)s) AND (%(state)s::text IS NULL OR {STATE} = %(state)s)"
            " AND (%(source)s::uuid IS NULL OR s.source_id = %(source)s) ORDER BY s.channel_id, s.connected_at, s.source_id",
            {"org": org_id, "state": state, "source": source_id},
        )

    def _has_poll_state(self) -> bool:
        row = self.fetch_one("SELECT to_regclass('capture_poll_state') IS NOT NULL AS present")
        return bool(row and row["present"])

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

    @handles(CaptureSource.Suspended)
    def suspended(self, event: CaptureSource.Suspended, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "UPDATE capture_sources SET suspended_reason = %s, suspended_detail = %s, suspended_at = %s,"
            " position = %s WHERE source_id = %s",
            (event.reason, event.detail, event.occurred_at, position, event.originator_id),
        )

    @handles(CaptureSource.Resumed)
    def resumed(self, event: CaptureSource.Resumed, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "UPDATE capture_sources SET suspended_reason = NULL, suspended_detail = NULL, suspended_at = NULL,"
            " position = %s WHERE source_id = %s",
            (position, event.originator_id),
        )

    @handles(CaptureRun.Started)
    def run_started(self, event: CaptureRun.Started, curs: Cursor[Any], position: int) -> None:
        if event.source_id is None:
            return  # a file's import: no source's
        curs.execute(
            "INSERT INTO capture_source_runs (run_id, source_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            (event.originator_id, event.source_id),
        )
        curs.execute(
            "UPDATE capture_sources SET last_run_id = %s, last_run_at = %s, last_run_status = 'started',"
            " last_run_error = NULL, position = %s WHERE source_id = %s",
            (event.originator_id, event.timestamp, position, event.source_id),
        )

    @handles(CaptureRun.Completed)
    def run_completed(self, event: CaptureRun.Completed, curs: Cursor[Any], position: int) -> None:
        found = ", ".join(f"found_{c} = found_{c} + %({c})s" for c in _FOUND)
        curs.execute(
            f"UPDATE capture_sources s SET last_run_status = 'completed', last_success_at = %(at)s, last_read = %(read)s,"
            f" runs_completed = runs_completed + 1, {found}, position = %(position)s"
            " FROM capture_source_runs r WHERE r.run_id = %(run)s AND s.source_id = r.source_id",
            {"at": event.timestamp, "position": position, "run": event.originator_id, "read": event.read,
             **{c: getattr(event, c) for c in _FOUND}},
        )  # fmt: skip

    @handles(CaptureRun.Failed)
    def run_failed(self, event: CaptureRun.Failed, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "UPDATE capture_sources s SET last_run_status = 'failed', last_run_error = %s,"
            " runs_failed = runs_failed + 1, position = %s"
            " FROM capture_source_runs r WHERE r.run_id = %s AND s.source_id = r.source_id",
            (event.error, position, event.originator_id),
        )
