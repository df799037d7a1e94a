"""The diary's tables, and the columns the public may read of its entries.

``public_counterpart`` and ``public_description`` are generated columns that hold the neutral
secrecy text wherever a field is marked, and ``public_search`` is an index over public text only,
so that a search for a marked word cannot even tell which entry holds it."""

from __future__ import annotations

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


TABLES = ("diary_settings", "diary_cases", "diary_entries", "diary_readings", "diary_markings", "diary_transfers")
CREATE_STATEMENTS = (
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
