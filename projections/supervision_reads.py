"""The supervision view's reads (``projections/supervision.py`` writes the tables): the queue,
flags, response statistics per month, activity per day, user information as of a day, removals
without a notice, and the lexicon in force."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

QUEUE_MAX = 500
TIMEZONE = "Europe/Stockholm"

QUEUE_QUERY = """
SELECT c.comment_id, c.channel_id, c.post_id, c.received_at, c.due_at, c.first_reply_at IS NOT NULL AS answered,
       c.due_at IS NOT NULL AND c.first_reply_at IS NULL AND c.due_at < %(now)s AS past_target,
       COALESCE((SELECT jsonb_agg(jsonb_build_object('flag_id', f.flag_id, 'kind', f.kind, 'start', f.span_start,
                    'end', f.span_end, 'term', f.term, 'reply_id', f.reply_id, 'lexicon_version', f.lexicon_version)
                    ORDER BY f.reply_id NULLS FIRST, f.span_start, f.kind)
                 FROM supervision_flags f WHERE f.comment_id = c.comment_id AND f.resolution IS NULL), '[]') AS flags
FROM supervision_comments c
WHERE c.org_id = %(org)s AND c.in_queue AND c.received_at <= %(received_before)s
  AND (%(channel)s::uuid IS NULL OR c.channel_id = %(channel)s)
  AND (%(kind)s::text IS NULL OR EXISTS (SELECT 1 FROM supervision_flags k WHERE k.comment_id = c.comment_id
                                         AND k.resolution IS NULL AND k.kind = %(kind)s))
  AND (NOT %(past_target)s OR (c.first_reply_at IS NULL AND c.due_at < %(now)s))
ORDER BY c.received_at, c.comment_id
LIMIT %(limit)s
"""

_MONTHS = """
SELECT to_char(date_trunc('month', received_at AT TIME ZONE %(tz)s), 'YYYY-MM') AS month,
       count(*) AS comments, count(first_reply_at) AS answered, count(due_at) AS with_target,
       count(*) FILTER (WHERE first_reply_at <= due_at) AS answered_within_target,
       count(*) FILTER (WHERE first_reply_at IS NULL AND due_at < %(now)s) AS unanswered_past_target,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY response_working_seconds) / 3600 AS median_working_hours,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY response_working_seconds) / 3600 AS p90_working_hours
FROM supervision_comments
WHERE channel_id = %(channel)s AND NOT moderated AND NOT moved_to_case
GROUP BY 1 ORDER BY 1
"""

_DAYS = """
SELECT day, sum(received)::int AS received, sum(answered)::int AS answered FROM (
    SELECT (received_at AT TIME ZONE %(tz)s)::date AS day, 1 AS received, 0 AS answered
    FROM supervision_comments WHERE channel_id = %(channel)s AND received_at >= %(since)s
    UNION ALL
    SELECT (first_reply_at AT TIME ZONE %(tz)s)::date, 0, 1
    FROM supervision_comments WHERE channel_id = %(channel)s AND first_reply_at >= %(since)s
) activity GROUP BY day ORDER BY day
"""


class SupervisionReads:
    """Mixed into ``SupervisionView``; each read is one query on the view's own tables."""

    if TYPE_CHECKING:  # provided by View, which comes first in SupervisionView's bases

        def fetch_all(self, query: str, params: Any = ()) -> list[dict[str, Any]]: ...

        def fetch_one(self, query: str, params: Any = ()) -> dict[str, Any] | None: ...

    def queue(
        self,
        org_id: UUID,
        now: datetime,
        channel_id: UUID | None = None,
        kind: str | None = None,
        older_than: timedelta = timedelta(0),
        past_target: bool = False,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        """Flagged or unanswered comments, oldest first (one query on a partial index)."""
        return self.fetch_all(
            QUEUE_QUERY,
            {
                "org": org_id,
                "now": now,
                "received_before": now - older_than,
                "channel": channel_id,
                "kind": kind,
                "past_target": past_target,
                "limit": min(limit, QUEUE_MAX),
            },
        )

    def flag(self, flag_id: UUID) -> dict[str, Any] | None:
        return self.fetch_one("SELECT * FROM supervision_flags WHERE flag_id = %s", (flag_id,))

    def flags_of(self, comment_id: UUID) -> list[dict[str, Any]]:
        return self.fetch_all(
            "SELECT * FROM supervision_flags WHERE comment_id = %s ORDER BY reply_id NULLS FIRST, span_start, kind",
            (comment_id,),
        )

    def open_flag_ids(self, comment_id: UUID) -> list[UUID]:
        rows = self.fetch_all(
            "SELECT flag_id FROM supervision_flags WHERE comment_id = %s AND resolution IS NULL ORDER BY flag_id",
            (comment_id,),
        )
        return [row["flag_id"] for row in rows]

    def monthly(self, channel_id: UUID, now: datetime) -> list[dict[str, Any]]:
        return self.fetch_all(_MONTHS, {"tz": TIMEZONE, "channel": channel_id, "now": now})

    def daily(self, channel_id: UUID, since: datetime) -> list[dict[str, Any]]:
        return self.fetch_all(_DAYS, {"tz": TIMEZONE, "channel": channel_id, "since": since})

    def target(self, channel_id: UUID) -> float | None:
        row = self.fetch_one("SELECT working_hours FROM supervision_targets WHERE channel_id = %s", (channel_id,))
        return row["working_hours"] if row else None

    def user_information(self, channel_id: UUID, at: datetime | None = None) -> dict[str, Any] | None:
        """The version in force at ``at`` (now if none): the latest written no later than it."""
        return self.fetch_one(
            "SELECT * FROM supervision_user_information WHERE channel_id = %s AND (%s::timestamptz IS NULL"
            " OR changed_at <= %s) ORDER BY version DESC LIMIT 1",
            (channel_id, at, at),
        )

    def user_information_of(self, channel_ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
        rows = self.fetch_all(
            "SELECT DISTINCT ON (channel_id) * FROM supervision_user_information WHERE channel_id = ANY(%s)"
            " ORDER BY channel_id, version DESC",
            (channel_ids,),
        )
        return {row["channel_id"]: row for row in rows}

    def removals_without_notice(self, org_id: UUID) -> list[dict[str, Any]]:
        return self.fetch_all(
            "SELECT decision_id, comment_id, channel_id, ground, removed_at, removed_by_name FROM supervision_removals"
            " WHERE org_id = %s AND notice IS NULL AND NOT reversed ORDER BY removed_at, decision_id",
            (org_id,),
        )

    def removal(self, decision_id: UUID) -> dict[str, Any] | None:
        return self.fetch_one("SELECT * FROM supervision_removals WHERE decision_id = %s", (decision_id,))

    def own_terms(self, org_id: UUID) -> list[dict[str, Any]]:
        return self.fetch_all(
            "SELECT kind, term FROM supervision_lexicon_terms WHERE org_id = %s ORDER BY kind, term", (org_id,)
        )

    def own_lexicon_version(self, org_id: UUID) -> int:
        row = self.fetch_one("SELECT version FROM supervision_lexicons WHERE org_id = %s", (org_id,))
        return row["version"] if row else 0

    def organisation_name(self, org_id: UUID) -> str | None:
        row = self.fetch_one("SELECT name FROM supervision_organisations WHERE org_id = %s", (org_id,))
        return row["name"] if row else None
