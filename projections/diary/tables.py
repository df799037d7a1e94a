"""The diary's tables, and the columns the public may read of its entries.

``public_counterpart`` and ``public_description`` are generated columns that hold the neutral
secrecy text wherever a field is marked, and ``public_search`` is an index over public text only,
so that a search for a marked word cannot even tell which entry holds it."""

from __future__ import annotations

_HIDDEN = "'Sekretess enligt ' || secrecy_provision"
PRIVATE_PERSON = "privatperson"
# A received comment's sender is a private person (the name the platform shows); an organisation
# or the body's own staff is the sender or recipient of the other records. Not published on the
# web unless the organisation turns publication of names on (names_published, set by the view).
_PRIVATE_NAME = "(record_type = 'comment' AND NOT names_published)"
_PUBLIC_COUNTERPART = (
    f"CASE WHEN 'counterpart' = ANY(secret_fields) THEN {_HIDDEN}"
    f" WHEN counterpart IS NOT NULL AND {_PRIVATE_NAME} THEN '{PRIVATE_PERSON}' ELSE counterpart END"
)
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


TABLES = (
    "diary_settings",
    "diary_publication",
    "diary_cases",
    "diary_entries",
    "diary_readings",
    "diary_markings",
    "diary_transfers",
)
# Before names_published, the public columns published every name. Generated columns cannot be
# altered in place (PostgreSQL 15), and the history table copies rows by position: a view made
# before is dropped and emptied here, and the projection rebuilds it from the log on start.
_REBUILD_WITHOUT_NAMES = """DO $$ BEGIN
    IF to_regclass('diary_entries') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = 'diary_entries'
            AND column_name = 'names_published') THEN
        DROP TABLE IF EXISTS diary_entries_history, diary_entries;
        TRUNCATE diary_settings, diary_cases, diary_readings, diary_markings, diary_transfers;
        IF to_regclass('diary_tracking') IS NOT NULL THEN
            DELETE FROM diary_tracking;
        END IF;
    END IF;
END $$"""

CREATE_STATEMENTS = (
    _REBUILD_WITHOUT_NAMES,
    """CREATE TABLE IF NOT EXISTS diary_publication (
        org_id uuid PRIMARY KEY, names_published boolean NOT NULL, changed_at timestamptz NOT NULL,
        changed_by_name text NOT NULL, changed_by_role text NOT NULL)""",
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
        marked_by_name text, names_published boolean NOT NULL DEFAULT false,
        public_counterpart text GENERATED ALWAYS AS ({_PUBLIC_COUNTERPART}) STORED,
        public_description text GENERATED ALWAYS AS ({_PUBLIC_DESCRIPTION}) STORED,
        public_search tsvector GENERATED ALWAYS AS (to_tsvector('swedish'::regconfig,
            coalesce(case_subject, '') || ' ' ||
            coalesce(CASE WHEN 'counterpart' = ANY(secret_fields) OR {_PRIVATE_NAME} THEN NULL ELSE counterpart END, '')
            || ' ' ||
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
