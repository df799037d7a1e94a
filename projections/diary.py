"""The public-records diary (diarium): every entry's current reading, every earlier reading,
the secrecy markings, the cases, and the comments editors moved to a case that wait to be
registered.

What the public may read is computed by PostgreSQL itself: ``public_counterpart`` and
``public_description`` are generated columns that hold the neutral secrecy text wherever a
field is marked, and public search uses ``public_search``, an index over public text only, so
that a search for a marked word cannot even tell which entry holds it. Public queries select
``PUBLIC_COLUMNS`` and nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from psycopg import Cursor

from domain.case import Case
from domain.comment import Comment
from domain.diary import Diary
from domain.diary_entry import DiaryEntry
from domain.diary_numbers import DiaryNumber
from projections.core.base import BatchProjection, View, handles
from projections.core.temporal import Versioned, source_sql

PAGE_MAX = 500
_HIDDEN = "'Sekretess enligt ' || secrecy_provision"
_PUBLIC_COUNTERPART = f"CASE WHEN 'counterpart' = ANY(secret_fields) THEN {_HIDDEN} ELSE counterpart END"
_PUBLIC_DESCRIPTION = f"CASE WHEN 'description' = ANY(secret_fields) THEN {_HIDDEN} ELSE description END"
_UNMARKED = "secret_fields = '{}'"

PUBLIC_COLUMNS = (
    "entry_id, org_id, diary_number, case_id, case_number, case_subject, record_date, direction, record_type,"
    " public_counterpart AS counterpart, public_description AS description, registered_at, status, annulled_at,"
    " corrections, corrected_at, NOT "
    + _UNMARKED
    + " AS secrecy_marked, position,"
    + ", ".join(
        f" CASE WHEN {_UNMARKED} THEN {link} END AS {link}"
        for link in ("channel_id", "post_id", "comment_id", "decision_id", "snapshot_id")
    )
)


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
    tables = ("diary_settings", "diary_cases", "diary_entries", "diary_readings", "diary_markings", "diary_transfers")
    create_statements = (
        """CREATE TABLE IF NOT EXISTS diary_settings (
            org_id uuid PRIMARY KEY, series_prefix text NOT NULL, changed_at timestamptz NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS diary_cases (
            case_id uuid PRIMARY KEY, org_id uuid NOT NULL, diary_number text NOT NULL, subject text NOT NULL,
            responsible_unit text NOT NULL, status text NOT NULL, opened_at timestamptz NOT NULL,
            opened_by_name text NOT NULL, closed_at timestamptz, close_note text,
            records integer NOT NULL DEFAULT 0, version integer NOT NULL, position bigint NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS diary_cases_org_idx ON diary_cases (org_id, position DESC)",
        f"""CREATE TABLE IF NOT EXISTS diary_entries (
            entry_id uuid PRIMARY KEY, org_id uuid NOT NULL, diary_number text NOT NULL,
            case_id uuid, case_number text, case_subject text,
            record_date timestamptz NOT NULL, direction text NOT NULL, record_type text NOT NULL,
            counterpart text, description text NOT NULL, note text,
            channel_id uuid, post_id uuid, comment_id uuid, decision_id uuid, snapshot_id uuid,
            registered_at timestamptz NOT NULL, registered_by_name text NOT NULL,
            status text NOT NULL DEFAULT 'registered', annulled_at timestamptz, annul_reason text,
            corrections integer NOT NULL DEFAULT 0, corrected_at timestamptz,
            secret_fields text[] NOT NULL DEFAULT '{{}}', secrecy_provision text, marked_at timestamptz,
            marked_by_name text,
            public_counterpart text GENERATED ALWAYS AS ({_PUBLIC_COUNTERPART}) STORED,
            public_description text GENERATED ALWAYS AS ({_PUBLIC_DESCRIPTION}) STORED,
            public_search tsvector GENERATED ALWAYS AS (to_tsvector('swedish'::regconfig,
                coalesce(case_subject, '') || ' ' ||
                coalesce(CASE WHEN 'counterpart' = ANY(secret_fields) THEN NULL ELSE counterpart END, '') || ' ' ||
                coalesce(CASE WHEN 'description' = ANY(secret_fields) THEN NULL ELSE description END, ''))) STORED,
            full_search tsvector GENERATED ALWAYS AS (to_tsvector('swedish'::regconfig,
                coalesce(case_subject, '') || ' ' || coalesce(counterpart, '') || ' ' || description || ' ' ||
                coalesce(note, ''))) STORED,
            version integer NOT NULL, position bigint NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS diary_entries_org_idx ON diary_entries (org_id, position DESC)",
        "CREATE INDEX IF NOT EXISTS diary_entries_date_idx ON diary_entries (org_id, record_date)",
        "CREATE INDEX IF NOT EXISTS diary_entries_number_idx ON diary_entries (org_id, diary_number)",
        "CREATE INDEX IF NOT EXISTS diary_entries_case_idx ON diary_entries (org_id, case_number)",
        "CREATE INDEX IF NOT EXISTS diary_entries_comment_idx ON diary_entries (comment_id)",
        "CREATE INDEX IF NOT EXISTS diary_entries_public_search_idx ON diary_entries USING gin (public_search)",
        "CREATE INDEX IF NOT EXISTS diary_entries_full_search_idx ON diary_entries USING gin (full_search)",
        """CREATE TABLE IF NOT EXISTS diary_readings (
            entry_id uuid NOT NULL, version integer NOT NULL, event_type text NOT NULL,
            record_date timestamptz NOT NULL, direction text NOT NULL, record_type text NOT NULL,
            counterpart text, description text NOT NULL, note text, corrected_fields text[], reason text,
            recorded_at timestamptz NOT NULL, by_name text NOT NULL, by_role text NOT NULL,
            PRIMARY KEY (entry_id, version))""",
        """CREATE TABLE IF NOT EXISTS diary_markings (
            entry_id uuid NOT NULL, version integer NOT NULL, action text NOT NULL, provision text,
            fields text[], reason text, occurred_at timestamptz NOT NULL, recorded_at timestamptz NOT NULL,
            by_name text NOT NULL, by_role text NOT NULL, PRIMARY KEY (entry_id, version))""",
        """CREATE TABLE IF NOT EXISTS diary_transfers (
            comment_id uuid PRIMARY KEY, org_id uuid NOT NULL, channel_id uuid NOT NULL, post_id uuid NOT NULL,
            diary_number text, new_case boolean NOT NULL, note text NOT NULL, transferred_at timestamptz NOT NULL,
            transferred_by_name text NOT NULL, position bigint NOT NULL)""",
    )

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
        conditions, params = ["org_id = %(org)s"], {"org": org_id}
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


class DiaryProjection(BatchProjection[DiaryView]):
    name = "diary"
    view_class: ClassVar = DiaryView

    @handles(Diary.Opened, Diary.SeriesPrefixChanged)
    def series(self, event: Diary.Event, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "INSERT INTO diary_settings (org_id, series_prefix, changed_at) VALUES (%s, %s, %s)"
            " ON CONFLICT (org_id) DO UPDATE SET series_prefix = EXCLUDED.series_prefix, changed_at = EXCLUDED.changed_at",
            (event.org_id, event.series_prefix, event.timestamp),
        )

    @handles(Case.Opened)
    def case_opened(self, event: Case.Opened, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "INSERT INTO diary_cases (case_id, org_id, diary_number, subject, responsible_unit, status, opened_at,"
            " opened_by_name, version, position) VALUES (%s, %s, %s, %s, %s, 'open', %s, %s, %s, %s)",
            (
                event.originator_id,
                event.org_id,
                event.number,
                event.subject,
                event.responsible_unit,
                event.timestamp,
                event.actor_name,
                event.originator_version,
                position,
            ),
        )

    @handles(Case.RecordAdded)
    def case_record(self, event: Case.RecordAdded, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "UPDATE diary_cases SET records = %s, version = %s WHERE case_id = %s",
            (event.part, event.originator_version, event.originator_id),
        )

    @handles(Case.Closed, Case.Reopened)
    def case_status(self, event: Case.Event, curs: Cursor[Any], position: int) -> None:
        closed = isinstance(event, Case.Closed)
        curs.execute(
            "UPDATE diary_cases SET status = %s, closed_at = %s, close_note = %s, version = %s WHERE case_id = %s",
            (
                "closed" if closed else "open",
                event.timestamp if closed else None,
                event.note if closed else None,
                event.originator_version,
                event.originator_id,
            ),
        )

    @handles(DiaryEntry.Registered)
    def registered(self, event: DiaryEntry.Registered, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "INSERT INTO diary_entries (entry_id, org_id, diary_number, case_id, case_number, case_subject,"
            " record_date, direction, record_type, counterpart, description, note, channel_id, post_id, comment_id,"
            " decision_id, snapshot_id, registered_at, registered_by_name, secret_fields, secrecy_provision,"
            " marked_at, marked_by_name, version, position)"
            " VALUES (%s, %s, %s, %s, %s, (SELECT subject FROM diary_cases WHERE case_id = %s), %s, %s, %s, %s, %s,"
            " %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                event.originator_id,
                event.org_id,
                event.number,
                event.case_id,
                event.case_number,
                event.case_id,
                event.occurred_at,
                event.direction,
                event.record_type,
                event.counterpart,
                event.description,
                event.note,
                event.channel_id,
                event.post_id,
                event.comment_id,
                event.decision_id,
                event.snapshot_id,
                event.timestamp,
                event.actor_name,
                event.secret_fields,
                event.secrecy_provision,
                event.timestamp if event.secrecy_provision else None,
                event.actor_name if event.secrecy_provision else None,
                event.originator_version,
                position,
            ),
        )
        self._reading(curs, event, event.occurred_at, None, None)
        if event.secrecy_provision:  # marked as it was registered (OSL 5:5)
            self._marking(curs, event, "marked", event.secrecy_provision, event.secret_fields, None, event.timestamp)

    @handles(DiaryEntry.Corrected)
    def corrected(self, event: DiaryEntry.Corrected, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "UPDATE diary_entries SET record_date = %s, direction = %s, record_type = %s, counterpart = %s,"
            " description = %s, note = %s, corrections = corrections + 1, corrected_at = %s, version = %s"
            " WHERE entry_id = %s",
            (
                event.record_date,
                event.direction,
                event.record_type,
                event.counterpart,
                event.description,
                event.note,
                event.timestamp,
                event.originator_version,
                event.originator_id,
            ),
        )
        self._reading(curs, event, event.record_date, event.corrected_fields, event.reason)

    @handles(DiaryEntry.Annulled)
    def annulled(self, event: DiaryEntry.Annulled, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "UPDATE diary_entries SET status = 'annulled', annulled_at = %s, annul_reason = %s, version = %s"
            " WHERE entry_id = %s",
            (event.timestamp, event.reason, event.originator_version, event.originator_id),
        )

    @handles(DiaryEntry.SecrecyMarked, DiaryEntry.SecrecyLifted)
    def marking(self, event: DiaryEntry.Event, curs: Cursor[Any], position: int) -> None:
        marked = isinstance(event, DiaryEntry.SecrecyMarked)
        fields, provision = (event.fields, event.provision) if marked else ([], None)
        curs.execute(
            "UPDATE diary_entries SET secret_fields = %s, secrecy_provision = %s, marked_at = %s, marked_by_name = %s,"
            " version = %s WHERE entry_id = %s",
            (
                fields,
                provision,
                event.occurred_at if marked else None,
                event.actor_name if marked else None,
                event.originator_version,
                event.originator_id,
            ),
        )
        self._marking(
            curs,
            event,
            "marked" if marked else "lifted",
            provision,
            fields,
            None if marked else event.reason,
            event.occurred_at,
        )

    @handles(Comment.TransferredToCase)
    def transferred(self, event: Comment.TransferredToCase, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "INSERT INTO diary_transfers (comment_id, org_id, channel_id, post_id, diary_number, new_case, note,"
            " transferred_at, transferred_by_name, position) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                event.originator_id,
                event.org_id,
                event.channel_id,
                event.post_id,
                event.diary_number,
                event.new_case,
                event.note,
                event.timestamp,
                event.actor_name,
                position,
            ),
        )

    @staticmethod
    def _marking(
        curs: Cursor[Any],
        event: DiaryEntry.Event,
        action: str,
        provision: str | None,
        fields: list[str],
        reason: str | None,
        occurred_at: datetime,
    ) -> None:
        curs.execute(
            "INSERT INTO diary_markings (entry_id, version, action, provision, fields, reason, occurred_at,"
            " recorded_at, by_name, by_role) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                event.originator_id,
                event.originator_version,
                action,
                provision,
                fields or None,
                reason,
                occurred_at,
                event.timestamp,
                event.actor_name,
                event.actor_role,
            ),
        )

    @staticmethod
    def _reading(
        curs: Cursor[Any], event: DiaryEntry.Event, record_date: datetime, fields: list[str] | None, reason: str | None
    ) -> None:
        curs.execute(
            "INSERT INTO diary_readings (entry_id, version, event_type, record_date, direction, record_type,"
            " counterpart, description, note, corrected_fields, reason, recorded_at, by_name, by_role)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                event.originator_id,
                event.originator_version,
                type(event).__name__,
                record_date,
                event.direction,
                event.record_type,
                event.counterpart,
                event.description,
                event.note,
                fields,
                reason,
                event.timestamp,
                event.actor_name,
                event.actor_role,
            ),
        )
