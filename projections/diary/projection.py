"""The diary's handlers: entries and their readings, markings, cases, the series' settings,
and the comments editors moved to a case that wait to be registered."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from psycopg import Cursor

from domain.case import Case
from domain.comment import Comment
from domain.diary import Diary
from domain.diary_entry import DiaryEntry
from domain.organisation import Organisation
from projections.core.base import BatchProjection, handles
from projections.diary.view import DiaryView


class DiaryProjection(BatchProjection[DiaryView]):
    name = "diary"
    view_class: ClassVar = DiaryView

    @handles(Diary.Opened, Diary.SeriesPrefixChanged)
    def series(self, event: Diary.Opened | Diary.SeriesPrefixChanged, curs: Cursor[Any], position: int) -> None:
        curs.execute(
            "INSERT INTO diary_settings (org_id, series_prefix, changed_at) VALUES (%s, %s, %s)"
            " ON CONFLICT (org_id) DO UPDATE SET series_prefix = EXCLUDED.series_prefix, changed_at = EXCLUDED.changed_at",
            (event.org_id, event.series_prefix, event.timestamp),
        )

    @handles(Organisation.NamePublicationChanged)
    def name_publication(self, event: Organisation.NamePublicationChanged, curs: Cursor[Any], position: int) -> None:
        """The web's rule changes for every entry of the organisation, registered before or after."""
        curs.execute(
            "INSERT INTO diary_publication (org_id, names_published, changed_at, changed_by_name, changed_by_role)"
            " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (org_id) DO UPDATE SET names_published ="
            " EXCLUDED.names_published, changed_at = EXCLUDED.changed_at, changed_by_name = EXCLUDED.changed_by_name,"
            " changed_by_role = EXCLUDED.changed_by_role",
            (event.org_id, event.published, event.timestamp, event.actor_name, event.actor_role),
        )
        curs.execute(
            "UPDATE diary_entries SET names_published = %s WHERE org_id = %s AND names_published <> %s",
            (event.published, event.org_id, event.published),
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
    def case_status(self, event: Case.Closed | Case.Reopened, curs: Cursor[Any], position: int) -> None:
        closed = isinstance(event, Case.Closed)
        curs.execute(
            "UPDATE diary_cases SET status = %s, closed_at = %s, close_note = %s, version = %s WHERE case_id = %s",
            (
                "closed" if closed else "open",
                event.timestamp if closed else None,
                event.note if isinstance(event, Case.Closed) else None,
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
            " marked_at, marked_by_name, version, position, names_published)"
            " VALUES (%s, %s, %s, %s, %s, (SELECT subject FROM diary_cases WHERE case_id = %s), %s, %s, %s, %s, %s,"
            " %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
            " COALESCE((SELECT names_published FROM diary_publication WHERE org_id = %s), false))",
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
                event.org_id,
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
    def marking(
        self, event: DiaryEntry.SecrecyMarked | DiaryEntry.SecrecyLifted, curs: Cursor[Any], position: int
    ) -> None:
        marked = isinstance(event, DiaryEntry.SecrecyMarked)
        fields, provision = (
            (event.fields, event.provision) if isinstance(event, DiaryEntry.SecrecyMarked) else ([], None)
        )
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
            event.reason if isinstance(event, DiaryEntry.SecrecyLifted) else None,
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
        curs: Cursor[Any],
        event: DiaryEntry.Registered | DiaryEntry.Corrected,
        record_date: datetime,
        fields: list[str] | None,
        reason: str | None,
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
