"""The retention view's tables and queries: every record with its class and trigger times, the
plan in force, holds, and the disposal log (kept permanently). Due, due soon and held are
computed against the plan and holds in force when asked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from uuid import UUID

import orjson

from projections.core.base import View
from retention.holds import RecordFacts

# A record is held when an active hold covers it; the same rule as ``Hold.covers``.
HELD = """EXISTS (SELECT 1 FROM retention_holds h WHERE h.org_id = r.org_id AND h.lifted_at IS NULL AND (
    (h.scope = 'record' AND h.target = r.record_id::text)
 OR (h.scope = 'channel' AND h.target = r.channel_id::text)
 OR (h.scope = 'case' AND h.target = r.case_number)
 OR (h.scope = 'query'
     AND (h.query->>'channel_id' IS NULL OR h.query->>'channel_id' = r.channel_id::text)
     AND (h.query->>'class_code' IS NULL OR h.query->>'class_code' = r.class_code)
     AND (h.query->>'kind' IS NULL OR h.query->>'kind' = r.kind)
     AND (h.query->>'created_from' IS NULL OR r.created_at >= (h.query->>'created_from')::timestamptz)
     AND (h.query->>'created_to' IS NULL OR r.created_at < (h.query->>'created_to')::timestamptz))))"""

DUE_AT = """(CASE WHEN c.rule <> 'after_period' THEN NULL
      WHEN c.trigger = 'created' THEN r.created_at + make_interval(months => c.period_months)
      WHEN c.trigger = 'removed' THEN r.removed_at + make_interval(months => c.period_months) END)"""

RECORDS_WITH_RULES = f"""SELECT r.*, c.rule, c.legal_basis, {DUE_AT} AS due_at, {HELD} AS held
    FROM retention_records r JOIN retention_plan_classes c ON c.org_id = r.org_id AND c.code = r.class_code
    JOIN retention_plans p ON p.org_id = r.org_id AND p.version = c.version
    WHERE r.org_id = %(org)s AND r.disposed_at IS NULL"""


class RetentionView(View):
    name = "retention"
    tables = (
        "retention_records",
        "retention_plans",
        "retention_plan_classes",
        "retention_holds",
        "retention_disposals",
    )
    create_statements = (
        """CREATE TABLE IF NOT EXISTS retention_records (
            record_id uuid PRIMARY KEY, org_id uuid NOT NULL, kind text NOT NULL, class_code text NOT NULL,
            explicit_class boolean NOT NULL DEFAULT false, channel_id uuid, case_number text,
            created_at timestamptz NOT NULL, removed_at timestamptz, disposed_at timestamptz,
            disposal_reference text)""",
        "CREATE INDEX IF NOT EXISTS retention_records_org_idx ON retention_records (org_id, class_code, created_at)",
        """CREATE TABLE IF NOT EXISTS retention_plans (
            org_id uuid PRIMARY KEY, version integer NOT NULL, decision_reference text NOT NULL,
            adopted_at timestamptz NOT NULL, adopted_by text NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS retention_plan_classes (
            org_id uuid NOT NULL, version integer NOT NULL, code text NOT NULL, name text NOT NULL,
            rule text NOT NULL, period text, period_months integer, trigger text, legal_basis text NOT NULL,
            PRIMARY KEY (org_id, version, code))""",
        """CREATE TABLE IF NOT EXISTS retention_holds (
            hold_id uuid PRIMARY KEY, org_id uuid NOT NULL, scope text NOT NULL, target text, query jsonb,
            reason text NOT NULL, placed_at timestamptz NOT NULL, placed_by text NOT NULL,
            lifted_at timestamptz, lift_reason text)""",
        """CREATE TABLE IF NOT EXISTS retention_disposals (
            decision_id uuid PRIMARY KEY, org_id uuid NOT NULL, reference text NOT NULL, class_code text NOT NULL,
            plan_version integer NOT NULL, rule jsonb NOT NULL, record_ids uuid[] NOT NULL, key_count integer NOT NULL,
            assessment text, decided_at timestamptz NOT NULL, decided_by text NOT NULL, executed_at timestamptz)""",
        "ALTER TABLE retention_disposals ADD COLUMN IF NOT EXISTS renderings jsonb NOT NULL DEFAULT '[]'",
    )
    bulk_tables: ClassVar = {"retention_records": ("record_id",)}

    # Queries for the views

    def plan(self, org_id: UUID) -> dict[str, Any] | None:
        plan = self.fetch_one("SELECT * FROM retention_plans WHERE org_id = %s", (org_id,))
        if plan is not None:
            plan["classes"] = self.fetch_all(
                "SELECT code, name, rule, period, trigger, legal_basis FROM retention_plan_classes"
                " WHERE org_id = %s AND version = %s ORDER BY code",
                (org_id, plan["version"]),
            )
        return plan

    def due_summary(self, org_id: UUID, now: datetime, within: timedelta = timedelta(0)) -> list[dict[str, Any]]:
        """Per class and channel: records due by ``now + within`` and not held, with the oldest."""
        return self.fetch_all(
            f"SELECT class_code, channel_id, count(*) AS records, min(due_at) AS oldest_due, min(created_at) AS oldest"
            f" FROM ({RECORDS_WITH_RULES}) x WHERE due_at <= %(until)s AND NOT held AND due_at > %(after)s"
            " GROUP BY class_code, channel_id ORDER BY class_code, channel_id",
            {"org": org_id, "until": now + within, "after": now if within else datetime.min.replace(tzinfo=UTC)},
        )

    def held(self, org_id: UUID) -> list[dict[str, Any]]:
        return self.fetch_all(
            f"SELECT record_id, kind, class_code, channel_id, created_at, due_at FROM ({RECORDS_WITH_RULES}) x"
            " WHERE held ORDER BY created_at, record_id",
            {"org": org_id},
        )

    def holds(self, org_id: UUID) -> list[dict[str, Any]]:
        return self.fetch_all("SELECT * FROM retention_holds WHERE org_id = %s ORDER BY placed_at", (org_id,))

    def disposal_log(self, org_id: UUID) -> list[dict[str, Any]]:
        return self.fetch_all(
            "SELECT decision_id, reference, class_code, plan_version, rule, cardinality(record_ids) AS records,"
            " key_count, assessment, decided_at, decided_by, executed_at, renderings FROM retention_disposals"
            " WHERE org_id = %s ORDER BY decided_at",
            (org_id,),
        )

    def executed_decisions(self) -> list[UUID]:
        rows = self.fetch_all(
            "SELECT decision_id FROM retention_disposals WHERE executed_at IS NOT NULL ORDER BY executed_at"
        )
        return [row["decision_id"] for row in rows]

    def records_without_keys(self) -> list[dict[str, Any]]:
        """Records not disposed of whose key is gone from the key store: a loss to restore from backup."""
        return self.fetch_all(
            "SELECT r.record_id, r.kind, r.org_id, r.created_at FROM retention_records r"
            " WHERE r.disposed_at IS NULL AND r.kind IN ('post', 'comment', 'removed_comment', 'reply', 'snapshot')"
            " AND NOT EXISTS (SELECT 1 FROM record_keys k WHERE k.key_id = 'record:' || r.record_id::text)"
            " ORDER BY r.created_at"
        )

    def record(self, record_id: UUID) -> dict[str, Any] | None:
        return self.fetch_one("SELECT * FROM retention_records WHERE record_id = %s", (record_id,))

    # Selections for disposal decisions

    def candidates(
        self, org_id: UUID, class_code: str, now: datetime, record_ids: list[UUID] | None, channel_id: UUID | None
    ) -> list[RecordFacts]:
        """The records a decision would cover: named ones, or every due one of the class (on a channel)."""
        if record_ids:
            rows = self.fetch_all(
                "SELECT * FROM retention_records WHERE org_id = %s AND record_id = ANY(%s)"
                " AND disposed_at IS NULL ORDER BY created_at",
                (org_id, record_ids),
            )
        else:
            rows = self.fetch_all(
                f"SELECT * FROM ({RECORDS_WITH_RULES}) x WHERE class_code = %(class)s AND NOT held"
                " AND (%(channel)s::uuid IS NULL OR channel_id = %(channel)s)"
                " AND (rule = 'when_no_longer_relevant' OR due_at <= %(now)s) ORDER BY created_at",
                {"org": org_id, "class": class_code, "channel": channel_id, "now": now},
            )
        return [facts(row) for row in rows]

    def dry_run(self, org_id: UUID, classes: list[Any], now: datetime) -> dict[str, list[dict[str, Any]]]:
        """Which records a proposed plan would make due, or no longer due, compared with the plan in force."""
        proposed = orjson.dumps(
            [{"code": c.code, "rule": c.rule, "months": c.months, "trigger": c.trigger} for c in classes]
        ).decode()
        rows = self.fetch_all(
            f"""WITH current AS ({RECORDS_WITH_RULES}),
                proposed AS (SELECT * FROM jsonb_to_recordset(%(proposed)s::jsonb)
                             AS p(code text, rule text, months integer, trigger text))
            SELECT cur.record_id, cur.class_code, cur.created_at, cur.due_at AS due_now,
                   (CASE WHEN p.rule <> 'after_period' THEN NULL
                         WHEN p.trigger = 'created' THEN cur.created_at + make_interval(months => p.months)
                         WHEN p.trigger = 'removed' THEN cur.removed_at + make_interval(months => p.months)
                    END) AS due_proposed
            FROM current cur LEFT JOIN proposed p ON p.code = cur.class_code WHERE NOT cur.held""",
            {"org": org_id, "proposed": proposed},
        )
        newly: list[dict[str, Any]] = []
        no_longer: list[dict[str, Any]] = []
        for row in rows:
            was, will = _is_due(row["due_now"], now), _is_due(row["due_proposed"], now)
            (newly if will and not was else no_longer if was and not will else []).append(
                {"record_id": row["record_id"], "class_code": row["class_code"], "created_at": row["created_at"]}
            )
        return {"newly_due": newly, "no_longer_due": no_longer}


def _is_due(due: datetime | None, now: datetime) -> bool:
    return due is not None and due <= now


def facts(row: dict[str, Any]) -> RecordFacts:
    return RecordFacts(
        row["record_id"],
        row["kind"],
        row["class_code"],
        row["channel_id"],
        row["case_number"],
        row["created_at"],
        row["removed_at"],
    )
