"""Capture runs (insamlingskörningar) per channel, and what the captures observed: which recorded
items each complete capture held (so that the next can tell what went missing), observed
deletions with both runs, and hiding on the platform. No content is kept here: ids, times, runs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from psycopg import Cursor

from domain.capture_run import CaptureRun
from domain.comment import Comment
from domain.post import Post, platform_record_id
from projections.core.base import BatchProjection, View, handles

POSTS = "posts"
"""The parent key of a channel's posts (a comment's parent key is its post's record id)."""
_COUNTS = ("read", "new", "unchanged", "edited", "hidden", "unhidden", "deletions_observed", "account_deleted")


class CaptureRunsView(View):
    name = "capture_runs"
    tables = (
        "capture_runs",
        "capture_run_parents",
        "capture_complete_parents",
        "capture_items",
        "capture_observations",
    )
    create_statements = (
        f"""CREATE TABLE IF NOT EXISTS capture_runs (
            run_id uuid PRIMARY KEY,
            org_id uuid NOT NULL,
            channel_id uuid NOT NULL,
            source_format text NOT NULL,
            file_name text NOT NULL,
            sha256 text NOT NULL,
            account_id text,
            account_handle text,
            period_start timestamptz,
            period_end timestamptz,
            posts_complete boolean NOT NULL,
            complete_threads integer NOT NULL,
            status text NOT NULL,
            error text,
            {", ".join(f"{c} integer" for c in _COUNTS)},
            run_by_id text NOT NULL,
            run_by_name text NOT NULL,
            run_by_role text NOT NULL,
            started_at timestamptz NOT NULL,
            finished_at timestamptz,
            position bigint NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS capture_runs_channel_idx ON capture_runs (channel_id, started_at DESC)",
        """CREATE TABLE IF NOT EXISTS capture_run_parents (
            run_id uuid NOT NULL, parent_key text NOT NULL, PRIMARY KEY (run_id, parent_key))""",
        """CREATE TABLE IF NOT EXISTS capture_complete_parents (
            channel_id uuid NOT NULL,
            parent_key text NOT NULL,
            run_id uuid NOT NULL,
            captured_at timestamptz NOT NULL,
            position bigint NOT NULL,
            PRIMARY KEY (channel_id, parent_key)
        )""",
        """CREATE TABLE IF NOT EXISTS capture_items (
            record_id uuid PRIMARY KEY,
            org_id uuid NOT NULL,
            channel_id uuid NOT NULL,
            kind text NOT NULL,
            platform_id text NOT NULL,
            parent_key text NOT NULL,
            published_at timestamptz NOT NULL,
            seen_at timestamptz NOT NULL,
            position bigint NOT NULL,
            gone boolean NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS capture_items_parent_idx ON capture_items (channel_id, parent_key, published_at)",
        """CREATE TABLE IF NOT EXISTS capture_observations (
            position bigint PRIMARY KEY,
            org_id uuid NOT NULL,
            channel_id uuid NOT NULL,
            record_id uuid NOT NULL,
            kind text NOT NULL,
            observation text NOT NULL,
            run_id uuid NOT NULL,
            last_seen_run_id uuid,
            last_seen_at timestamptz,
            missing_at timestamptz,
            deleted_at timestamptz,
            recorded_at timestamptz NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS capture_observations_channel_idx ON capture_observations (channel_id, observation, position)",
    )
    bulk_tables: ClassVar = {"capture_items": ("record_id",)}

    def runs_of(self, channel_id: UUID, limit: int = 100) -> list[dict[str, Any]]:
        return self.fetch_all(
            "SELECT * FROM capture_runs WHERE channel_id = %s ORDER BY started_at DESC, run_id LIMIT %s",
            (channel_id, limit),
        )

    def run(self, run_id: UUID) -> dict[str, Any] | None:
        return self.fetch_one("SELECT * FROM capture_runs WHERE run_id = %s", (run_id,))

    def observed_deletions(self, channel_id: UUID, since: datetime | None, limit: int = 1000) -> list[dict[str, Any]]:
        """What went missing from the channel's complete captures (since ``since``), with both runs."""
        return self.fetch_all(
            "SELECT o.record_id, o.kind, i.platform_id, i.parent_key, o.run_id, o.last_seen_run_id, o.last_seen_at,"
            " o.missing_at, o.deleted_at, o.recorded_at, o.position FROM capture_observations o"
            " JOIN capture_items i USING (record_id) WHERE o.channel_id = %s AND o.observation = 'deletion'"
            " AND (%s::timestamptz IS NULL OR o.missing_at >= %s) ORDER BY o.position LIMIT %s",
            (channel_id, since, since, limit),
        )

    def present_under(
        self, channel_id: UUID, parent_keys: Sequence[str], period: tuple[datetime, datetime] | None
    ) -> list[dict[str, Any]]:
        """The recorded items, not known to be gone, under complete parents (posts only within ``period``)."""
        return self.fetch_all(
            "SELECT i.record_id, i.kind, i.platform_id, i.parent_key, i.seen_at, i.position,"
            " p.run_id AS run_id, p.captured_at AS run_at, p.position AS run_position FROM capture_items i"
            " LEFT JOIN capture_complete_parents p ON p.channel_id = i.channel_id AND p.parent_key = i.parent_key"
            " WHERE i.channel_id = %(channel)s AND NOT i.gone AND ("
            "   (i.parent_key = ANY(%(parents)s) AND i.kind <> 'post')"
            "   OR (i.kind = 'post' AND %(start)s::timestamptz IS NOT NULL"
            "       AND i.published_at >= %(start)s AND i.published_at <= %(end)s))",
            {
                "channel": channel_id,
                "parents": list(parent_keys),
                "start": period[0] if period else None,
                "end": period[1] if period else None,
            },
        )

    def posts_published_after(self, channel_id: UUID, after: datetime) -> list[str]:
        """The platform ids of the channel's recorded posts published after ``after``."""
        rows = self.fetch_all(
            "SELECT platform_id FROM capture_items WHERE channel_id = %s AND kind = 'post' AND published_at > %s",
            (channel_id, after),
        )
        return [row["platform_id"] for row in rows]

    def earlier_accounts(self, channel_id: UUID) -> list[str]:
        """The accounts the channel's completed runs were of (by the platform's account id)."""
        rows = self.fetch_all(
            "SELECT DISTINCT account_id FROM capture_runs WHERE channel_id = %s AND status = 'completed'"
            " AND account_id IS NOT NULL",
            (channel_id,),
        )
        return [row["account_id"] for row in rows]


class CaptureRunsProjection(BatchProjection[CaptureRunsView]):
    name = "capture_runs"
    view_class: ClassVar = CaptureRunsView
    reads_sealed_content: ClassVar = False  # platform ids and times only

    @handles(CaptureRun.Started)
    def started(self, event: CaptureRun.Started, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "INSERT INTO capture_runs (run_id, org_id, channel_id, source_format, file_name, sha256, account_id,"
            " account_handle, period_start, period_end, posts_complete, complete_threads, status, run_by_id,"
            " run_by_name, run_by_role, started_at, position) VALUES"
            " (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'started', %s, %s, %s, %s, %s)",
            (
                event.originator_id,
                event.org_id,
                event.channel_id,
                event.source_format,
                event.file_name,
                event.sha256,
                event.account_id,
                event.account_handle,
                event.period_start,
                event.period_end,
                event.posts_complete,
                len(event.complete_threads),
                event.actor_id,
                event.actor_name,
                event.actor_role,
                event.timestamp,
                position,
            ),
        )
        parents = [str(platform_record_id("post", event.channel_id, p)) for p in event.complete_threads]
        if event.posts_complete:
            parents.append(POSTS)
        curs.execute(
            "INSERT INTO capture_run_parents (run_id, parent_key) SELECT %s, unnest(%s::text[]) ON CONFLICT DO NOTHING",
            (event.originator_id, parents),
        )

    @handles(CaptureRun.Completed)
    def completed(self, event: CaptureRun.Completed, curs: Cursor[Any], position: int) -> None:
        counts = {c: getattr(event, c) for c in _COUNTS}
        curs.execute(
            f"UPDATE capture_runs SET status = 'completed', finished_at = %(at)s, position = %(position)s,"
            f" {', '.join(f'{c} = %({c})s' for c in _COUNTS)} WHERE run_id = %(run)s",
            {"at": event.timestamp, "position": position, "run": event.originator_id, **counts},
        )
        # The parents this run held whole: the next run's "last complete capture" of each.
        curs.execute(
            "INSERT INTO capture_complete_parents (channel_id, parent_key, run_id, captured_at, position)"
            " SELECT r.channel_id, p.parent_key, r.run_id, r.started_at, %s FROM capture_run_parents p"
            " JOIN capture_runs r USING (run_id) WHERE p.run_id = %s"
            " ON CONFLICT (channel_id, parent_key) DO UPDATE SET run_id = EXCLUDED.run_id,"
            " captured_at = EXCLUDED.captured_at, position = EXCLUDED.position",
            (position, event.originator_id),
        )

    @handles(CaptureRun.Failed)
    def failed(self, event: CaptureRun.Failed, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "UPDATE capture_runs SET status = 'failed', error = %s, finished_at = %s, position = %s WHERE run_id = %s",
            (event.error, event.timestamp, position, event.originator_id),
        )

    @handles(Post.Published)
    def post_published(self, event: Post.Published, curs: Cursor[Any], position: int) -> None:
        if event.platform_post_id:
            self._item(event, "post", event.platform_post_id, POSTS, event.captured_at, position)

    @handles(Comment.Received)
    def comment_received(self, event: Comment.Received, curs: Cursor[Any], position: int) -> None:
        if event.platform_comment_id:
            self._item(event, "comment", event.platform_comment_id, str(event.post_id), event.captured_at, position)

    def _item(self, event: Any, kind: str, platform_id: str, parent: str, seen: datetime | None, position: int) -> None:
        self.rows("capture_items").insert(
            {
                "record_id": event.originator_id,
                "org_id": event.org_id,
                "channel_id": event.channel_id,
                "kind": kind,
                "platform_id": platform_id,
                "parent_key": parent,
                "published_at": event.occurred_at,
                "seen_at": seen or event.timestamp,
                "position": position,
                "gone": False,
            },
            position,
        )

    @handles(Post.Deleted, reads="capture_items")
    def post_deleted(self, event: Post.Deleted, curs: Cursor[Any], position: int) -> None:
        self.rows("capture_items").update(event.originator_id, position, gone=True)

    @handles(Post.DeletionObserved, Comment.DeletionObserved, reads="capture_items")
    def deletion_observed(self, event: Any, curs: Cursor[Any], position: int) -> None:
        self.rows("capture_items").update(event.originator_id, position, gone=True)
        self._observation(event, "deletion", curs, position)

    @handles(Post.VisibilityObserved, Comment.VisibilityObserved)
    def visibility_observed(self, event: Any, curs: Cursor[Any], position: int) -> None:
        self._observation(event, "hidden" if event.hidden else "unhidden", curs, position)

    def _observation(self, event: Any, observation: str, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "INSERT INTO capture_observations (position, org_id, channel_id, record_id, kind, observation, run_id,"
            " last_seen_run_id, last_seen_at, missing_at, deleted_at, recorded_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                position,
                event.org_id,
                event.channel_id,
                event.originator_id,
                "post" if isinstance(event, Post.Event) else "comment",
                observation,
                event.run_id,
                getattr(event, "last_seen_run_id", None),
                getattr(event, "last_seen_at", None),
                getattr(event, "missing_at", None),
                getattr(event, "deleted_at", None),
                event.timestamp,
            ),
        )
