"""The application's commands on the public-records diary (diarium): setting up the series,
registering records (one step from a comment, post or moderation decision), cases,
corrections, annulments and secrecy markings. How numbers are drawn is ``DiaryNumbering``."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from domain.case import Case
from domain.channel import Channel
from domain.comment import Comment
from domain.diary import REGISTRARS, Diary, Links, Reading
from domain.diary_entry import DiaryEntry, Secrecy
from domain.errors import InvalidValue
from domain.organisation import Organisation
from domain.post import Post
from domain.registration import comment_case, comment_reading, decision_reading, post_reading
from kanalarkiv.application.conflicts import command
from kanalarkiv.application.context import current_actor
from kanalarkiv.application.diary_numbering import DiaryNumbering, Numbered
from kanalarkiv.application.outcomes import Recorded, RecordNotFound
from retention.snapshots import ChannelSnapshot


class DiaryCommands(DiaryNumbering):
    """The diary, its registrations, cases, corrections and secrecy markings."""

    # The diary and its series

    @command
    def set_up_diary(self, org_id: UUID, series_prefix: str, reason: str | None = None) -> Recorded:
        """Open the organisation's diary with its series prefix, or draw later numbers in another."""
        by, at = current_actor(), self.clock()
        diary = self._find(Diary.id_for(org_id), Diary, "diary")
        if diary is not None:
            diary.change_prefix(series_prefix, reason or "", by=by, at=at)
        else:
            self._get(org_id, Organisation, "organisation")
            diary = Diary.open(org_id, series_prefix, by=by, at=at)
        return self._recorded(diary)

    @command
    def publish_diary_names(self, org_id: UUID, published: bool) -> Recorded:
        """Whether the web diary shows private persons' names (off until turned on)."""
        organisation = self._get(org_id, Organisation, "organisation")
        organisation.publish_names(published, by=current_actor(), at=self.clock())
        return self._recorded(organisation)

    # Registering records

    def register_record(
        self,
        org_id: UUID,
        record_date: datetime,
        direction: str,
        record_type: str,
        counterpart: str | None,
        description: str,
        note: str | None = None,
        links: Links = Links(),
        case_number: str | None = None,
        secrecy: Secrecy | None = None,
    ) -> Numbered:
        """Register any record by hand (a snapshot, a letter), with its diary fields as given.
        Every registration takes a secrecy marking (``secrecy``), made in the same event."""
        case = self._case_number(case_number)
        current_actor().require(REGISTRARS, org_id, "registering a record in the diary")
        self._own_links(org_id, links)
        return self._register(
            org_id,
            lambda at: (
                Reading.checked(record_date, direction, record_type, counterpart, description, note, at),
                links,
            ),
            case,
            secrecy=secrecy,
        )

    def register_comment(
        self,
        comment_id: UUID,
        note: str | None = None,
        description: str | None = None,
        counterpart: str | None = None,
        case_number: str | None = None,
        secrecy: Secrecy | None = None,
    ) -> Numbered:
        """Register a comment like a phone call: the comment stays the record, the note adds to it.
        A comment moved to a case by an editor goes into that case."""
        comment = self.get_comment(comment_id)
        channel, received_at = self.get_channel(comment.channel_id), self._first_event(comment_id).occurred_at
        case = self._case_number(comment_case(comment, case_number))
        return self._register(
            comment.org_id,
            lambda at: comment_reading(comment, received_at, channel, description, counterpart, note, at),
            case,
            secrecy=secrecy,
        )

    def open_case_for_comment(
        self,
        comment_id: UUID,
        subject: str,
        responsible_unit: str,
        note: str | None = None,
        description: str | None = None,
        counterpart: str | None = None,
        secrecy: Secrecy | None = None,
    ) -> Numbered:
        """Open a case (e.g. for a comment an editor moved to a new case) and register the
        comment as its first record, in one transaction."""
        comment = self.get_comment(comment_id)
        channel, received_at = self.get_channel(comment.channel_id), self._first_event(comment_id).occurred_at
        return self._register(
            comment.org_id,
            lambda at: comment_reading(comment, received_at, channel, description, counterpart, note, at),
            new_case=(subject, responsible_unit),
            secrecy=secrecy,
        )

    def register_post(
        self,
        post_id: UUID,
        note: str | None = None,
        description: str | None = None,
        case_number: str | None = None,
        secrecy: Secrecy | None = None,
    ) -> Numbered:
        post = self.get_post(post_id)
        channel, published_at = self.get_channel(post.channel_id), self._first_event(post_id).occurred_at
        return self._register(
            post.org_id,
            lambda at: post_reading(post, published_at, channel, description, note, at),
            self._case_number(case_number),
            secrecy=secrecy,
        )

    def register_moderation_decision(
        self,
        comment_id: UUID,
        decision_id: UUID,
        note: str | None = None,
        description: str | None = None,
        case_number: str | None = None,
        secrecy: Secrecy | None = None,
    ) -> Numbered:
        comment = self.get_comment(comment_id)
        decision = next(
            (
                event
                for event in self.events.get(comment_id)
                if isinstance(event, (Comment.Moderated, Comment.ModerationReversed))
                and event.decision_id == decision_id
            ),
            None,
        )
        if decision is None:
            raise RecordNotFound(f"no moderation decision {decision_id} on comment {comment_id}")
        channel = self.get_channel(comment.channel_id)
        return self._register(
            comment.org_id,
            lambda at: decision_reading(comment, decision, channel, description, note, at),
            self._case_number(case_number),
            secrecy=secrecy,
        )

    # Cases

    def open_case(self, org_id: UUID, subject: str, responsible_unit: str) -> Numbered:
        current_actor().require(REGISTRARS, org_id, "opening a case")
        return self._open_numbered_case(org_id, subject, responsible_unit)

    @command
    def close_case(self, case_id: UUID, note: str, expected_version: int | None = None) -> Recorded:
        case = self._versioned(case_id, Case, "case", expected_version)
        case.close(note, by=current_actor(), at=self.clock())
        return self._recorded(case)

    @command
    def reopen_case(self, case_id: UUID, reason: str, expected_version: int | None = None) -> Recorded:
        case = self._versioned(case_id, Case, "case", expected_version)
        case.reopen(reason, by=current_actor(), at=self.clock())
        return self._recorded(case)

    # Corrections and secrecy

    @command
    def correct_diary_entry(
        self, entry_id: UUID, changes: dict[str, Any], reason: str, expected_version: int | None = None
    ) -> Recorded:
        entry = self._versioned(entry_id, DiaryEntry, "diary entry", expected_version)
        entry.correct(changes, reason, by=current_actor(), at=self.clock())
        return self._recorded(entry)

    @command
    def annul_diary_entry(self, entry_id: UUID, reason: str, expected_version: int | None = None) -> Recorded:
        """Annul (makulera) an entry; the record it registered may then be registered anew."""
        entry = self._versioned(entry_id, DiaryEntry, "diary entry", expected_version)
        by, at = current_actor(), self.clock()
        entry.annul(reason, by=by, at=at)
        claim = self._claim_of(entry.links)
        if claim is not None:
            claim.release(entry, by=by, at=at)
            return self._recorded(entry, claim)
        return self._recorded(entry)

    @command
    def mark_diary_entry_secret(
        self, entry_id: UUID, provision: str, fields: list[str], expected_version: int | None = None
    ) -> Recorded:
        entry = self._versioned(entry_id, DiaryEntry, "diary entry", expected_version)
        entry.mark_secret(provision, fields, by=current_actor(), at=self.clock())
        return self._recorded(entry)

    @command
    def lift_diary_entry_secrecy(self, entry_id: UUID, reason: str, expected_version: int | None = None) -> Recorded:
        entry = self._versioned(entry_id, DiaryEntry, "diary entry", expected_version)
        entry.lift_secrecy(reason, by=current_actor(), at=self.clock())
        return self._recorded(entry)

    def get_diary_entry(self, entry_id: UUID) -> DiaryEntry:
        return self._get(entry_id, DiaryEntry, "diary entry")

    # Plumbing

    def _own_links(self, org_id: UUID, links: Links) -> None:
        """The records an entry registers are the organisation's own, and a snapshot is of the
        channel the entry names."""
        if links.channel_id:
            self._own(org_id, links.channel_id, "channel_id", Channel, "channel")
        if links.post_id:
            self._own(org_id, links.post_id, "post_id", Post, "post")
        if links.comment_id:
            self._own(org_id, links.comment_id, "comment_id", Comment, "comment")
        if links.snapshot_id:
            snapshot = self._own(org_id, links.snapshot_id, "snapshot_id", ChannelSnapshot, "snapshot")
            if links.channel_id and snapshot.channel_id != links.channel_id:
                raise InvalidValue(
                    "snapshot_id", f"the snapshot is of channel {snapshot.channel_id}, not of {links.channel_id}"
                )

    def _first_event(self, aggregate_id: UUID) -> Any:
        return next(iter(self.events.get(aggregate_id, lte=1)))
