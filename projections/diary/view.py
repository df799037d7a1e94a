"""The diary's queries: the public diary (``PUBLIC_COLUMNS`` only, searched through public
text only) and the records officers' view (every field, every reading, every marking)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.diary_numbers import DiaryNumber
from projections.core.base import View
from projections.core.temporal import Versioned, source_sql
from projections.diary.tables import CREATE_STATEMENTS, PUBLIC_COLUMNS, TABLES

PAGE_MAX = 500


@dataclass(frozen=True)
class DiaryQuery:
    """A search of the diary: free text, a date range (received or drawn up, ``date_to``
    exclusive), an entry's number, a case's number, a record type; one page of it."""

    text: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    diary_number: DiaryNumber | None = None
    case_number: DiaryNumber | None = None
    record_type: str | None = None
    limit: int = 50
    offset: int = 0


class DiaryView(View):
    name = "diary"
    tables = TABLES
    create_statements = CREATE_STATEMENTS
    versioned = (Versioned("diary_entries", ("entry_id",), (("org_id",),)),)

    # The public diary: PUBLIC_COLUMNS only, searched through public text only.

    def public_entries(
        self, org_id: UUID, query: DiaryQuery, as_of: int | None = None
    ) -> tuple[list[dict[str, Any]], int]:
        return self._search(PUBLIC_COLUMNS, "public_search", org_id, query, as_of)

    def public_entry(self, org_id: UUID, entry_id: UUID) -> dict[str, Any] | None:
        return self.fetch_one(
            f"SELECT {PUBLIC_COLUMNS} FROM diary_entries WHERE org_id = %s AND entry_id = %s",
            (org_id, entry_id),
        )

    def public_extract(
        self, org_id: UUID, date_from: datetime, date_to: datetime, after: int | None, limit: int
    ) -> list[dict[str, Any]]:
        """One page of a date range, oldest first, for an extract (CSV or PDF)."""
        return self.fetch_all(
            f"SELECT {PUBLIC_COLUMNS} FROM diary_entries WHERE org_id = %s AND record_date >= %s"
            " AND record_date < %s AND position > %s ORDER BY position LIMIT %s",
            (org_id, date_from, date_to, after or 0, limit),
        )

    def case_entries(self, case_id: UUID, public: bool) -> list[dict[str, Any]]:
        columns = PUBLIC_COLUMNS if public else "*"
        return self.fetch_all(
            f"SELECT {columns} FROM diary_entries WHERE case_id = %s ORDER BY position",
            (case_id,),
        )

    def name_publication(self, org_id: UUID) -> dict[str, Any] | None:
        """Whether the web diary publishes private persons' names, and who set it when."""
        return self.fetch_one(
            "SELECT names_published AS published, changed_at, changed_by_name, changed_by_role"
            " FROM diary_publication WHERE org_id = %s",
            (org_id,),
        )

    # The records officers' view: every field, every reading, every marking.

    def entries(self, org_id: UUID, query: DiaryQuery, as_of: int | None = None) -> tuple[list[dict[str, Any]], int]:
        return self._search("*", "full_search", org_id, query, as_of)

    def entry(self, entry_id: UUID) -> dict[str, Any] | None:
        return self.fetch_one("SELECT * FROM diary_entries WHERE entry_id = %s", (entry_id,))

    def readings(self, entry_id: UUID) -> list[dict[str, Any]]:
        return self.fetch_all("SELECT * FROM diary_readings WHERE entry_id = %s ORDER BY version", (entry_id,))

    def markings(self, entry_id: UUID) -> list[dict[str, Any]]:
        return self.fetch_all("SELECT * FROM diary_markings WHERE entry_id = %s ORDER BY version", (entry_id,))

    def pending_transfers(self, org_id: UUID) -> list[dict[str, Any]]:
        """Comments moved to a case that no live diary entry registers yet."""
        return self.fetch_all(
            "SELECT * FROM diary_transfers t WHERE org_id = %s AND NOT EXISTS (SELECT 1 FROM diary_entries e"
            " WHERE e.comment_id = t.comment_id AND e.decision_id IS NULL AND e.status = 'registered')"
            " ORDER BY position",
            (org_id,),
        )

    # Cases and settings

    def case(self, case_id: UUID) -> dict[str, Any] | None:
        return self.fetch_one("SELECT * FROM diary_cases WHERE case_id = %s", (case_id,))

    def cases(self, org_id: UUID, limit: int, offset: int) -> list[dict[str, Any]]:
        return self.fetch_all(
            "SELECT * FROM diary_cases WHERE org_id = %s ORDER BY position DESC LIMIT %s OFFSET %s",
            (org_id, min(limit, PAGE_MAX), offset),
        )

    def settings(self, org_id: UUID) -> dict[str, Any] | None:
        return self.fetch_one("SELECT * FROM diary_settings WHERE org_id = %s", (org_id,))

    def _search(
        self, columns: str, index: str, org_id: UUID, query: DiaryQuery, as_of: int | None = None
    ) -> tuple[list[dict[str, Any]], int]:
        conditions = ["org_id = %(org)s"]
        params: dict[str, Any] = {"org": org_id}
        if query.text:
            conditions.append(f"{index} @@ websearch_to_tsquery('swedish', %(text)s)")
            params["text"] = query.text
        if query.date_from is not None:
            conditions.append("record_date >= %(date_from)s")
            params["date_from"] = query.date_from
        if query.date_to is not None:
            conditions.append("record_date < %(date_to)s")
            params["date_to"] = query.date_to
        if query.diary_number is not None:
            conditions.append("diary_number = %(number)s")
            params["number"] = str(query.diary_number)
        if query.case_number is not None:
            conditions.append("case_number = %(case)s")
            params["case"] = str(query.case_number)
        if query.record_type is not None:
            conditions.append("record_type = %(record_type)s")
            params["record_type"] = query.record_type
        params |= {"limit": min(query.limit, PAGE_MAX), "offset": query.offset}
        rows = self.fetch_all(
            f"SELECT {columns}, count(*) OVER () AS total FROM {source_sql('diary_entries', as_of)}"
            f" WHERE {' AND '.join(conditions)} ORDER BY position DESC LIMIT %(limit)s OFFSET %(offset)s",
            params,
        )
        total = rows[0]["total"] if rows else self._count(conditions, params, as_of)
        return [{k: v for k, v in row.items() if k != "total"} for row in rows], total

    def _count(self, conditions: list[str], params: dict[str, Any], as_of: int | None = None) -> int:
        row = self.fetch_one(
            f"SELECT count(*) AS n FROM {source_sql('diary_entries', as_of)} WHERE {' AND '.join(conditions)}",
            params,
        )
        return int(row["n"]) if row else 0
