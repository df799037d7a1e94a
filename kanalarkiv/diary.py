"""The application's commands on the public-records diary (diarium): setting up the series,
registering records (one step from a comment, post or moderation decision), cases,
corrections, annulments and secrecy markings.

Numbers are drawn in a retry loop: each attempt finds the series' last taken number, builds
the entry (and its case, and the record's registration claim) and saves them in one
transaction. A simultaneous registration that took the same number makes the save fail on
the log's key, and the attempt is made again with the next number."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from domain.case import Case
from domain.comment import Comment
from domain.diary import REGISTRARS, Diary, Links, Reading
from domain.diary_entry import DiaryEntry
from domain.diary_numbers import DiaryNumber, last_taken, series_year
from domain.errors import InvalidTransition, InvalidValue
from domain.organisation import Organisation
from domain.record_registration import RecordRegistration
from domain.registration import comment_case, comment_reading, decision_reading, post_reading
from kanalarkiv.conflicts import command
from kanalarkiv.context import current_actor
from kanalarkiv.outcomes import Recorded, RecordNotFound

ATTEMPTS = 200
Build = Callable[[datetime], tuple[Reading, Links]]


@dataclass(frozen=True)
class Numbered:
    """A registration's outcome: the entry's (or case's) recording, its diary number and case."""

    recorded: Recorded
    number: str
    case_id: UUID | None = None
    case_number: str | None = None


class DiaryCommands:
    """Mixed into ``RecordsApplication``; relies on its ``_get``, ``_recorded`` and ``clock``."""

    # The diary and its series

    @command
    def set_up_diary(self, org_id: UUID, series_prefix: str, reason: str | None = None) -> Recorded:
        """Open the organisation's diary with its series prefix, or draw later numbers in another."""
        by, at = current_actor(), self.clock()
        if Diary.id_for(org_id) in self.repository:
            diary = self._get(Diary.id_for(org_id), Diary, "diary")
            diary.change_prefix(series_prefix, reason or "", by=by, at=at)
        else:
            self._get(org_id, Organisation, "organisation")
            diary = Diary.open(org_id, series_prefix, by=by, at=at)
        return self._recorded(diary)

    # Registering records

    def register_record(self, org_id: UUID, record_date: datetime, direction: str, record_type: str,
                        counterpart: str | None, description: str, note: str | None = None,
                        links: Links = Links(), case_number: str | None = None) -> Numbered:
        """Register any record by hand (a snapshot, a letter), with its diary fields as given."""
        case = self._case_number(case_number)
        return self._register(org_id, lambda at: (Reading.checked(
            record_date, direction, record_type, counterpart, description, note, at), links), case)

    def register_comment(self, comment_id: UUID, note: str | None = None, description: str | None = None,
                         counterpart: str | None = None, case_number: str | None = None) -> Numbered:
        """Register a comment like a phone call: the comment stays the record, the note adds to it.
        A comment moved to a case by an editor goes into that case."""
        comment = self.get_comment(comment_id)
        channel, received_at = self.get_channel(comment.channel_id), self._first_event(comment_id).occurred_at
        case = self._case_number(comment_case(comment, case_number))
        return self._register(comment.org_id, lambda at: comment_reading(
            comment, received_at, channel, description, counterpart, note, at), case)

    def open_case_for_comment(self, comment_id: UUID, subject: str, responsible_unit: str,
                              note: str | None = None, description: str | None = None,
                              counterpart: str | None = None) -> Numbered:
        """Open a case (e.g. for a comment an editor moved to a new case) and register the
        comment as its first record, in one transaction."""
        comment = self.get_comment(comment_id)
        channel, received_at = self.get_channel(comment.channel_id), self._first_event(comment_id).occurred_at
        return self._register(comment.org_id, lambda at: comment_reading(
            comment, received_at, channel, description, counterpart, note, at), new_case=(subject, responsible_unit))

    def register_post(self, post_id: UUID, note: str | None = None, description: str | None = None,
                      case_number: str | None = None) -> Numbered:
        post = self.get_post(post_id)
        channel, published_at = self.get_channel(post.channel_id), self._first_event(post_id).occurred_at
        return self._register(post.org_id, lambda at: post_reading(post, published_at, channel, description, note, at),
                              self._case_number(case_number))

    def register_moderation_decision(self, comment_id: UUID, decision_id: UUID, note: str | None = None,
                                     description: str | None = None, case_number: str | None = None) -> Numbered:
        comment = self.get_comment(comment_id)
        decision = next((e for e in self.events.get(comment_id) if getattr(e, "decision_id", None) == decision_id),
                        None)
        if decision is None:
            raise RecordNotFound(f"no moderation decision {decision_id} on comment {comment_id}")
        channel = self.get_channel(comment.channel_id)
        return self._register(comment.org_id, lambda at: decision_reading(
            comment, decision, channel, description, note, at), self._case_number(case_number))

    # Cases

    def open_case(self, org_id: UUID, subject: str, responsible_unit: str) -> Numbered:
        current_actor().require(REGISTRARS, org_id, "opening a case")
        with self._series_locks[org_id]:
            for attempt in range(1, ATTEMPTS + 1):
                by, at = current_actor(), self.clock()
                number = self._next_in_series(org_id, at)
                case = Case.open(org_id, number, subject, responsible_unit, by=by, at=at)
                try:
                    recorded = self._recorded(case)
                except IntegrityError:
                    self._back_off(attempt)
                    continue
                self._taken(org_id, number)
                return Numbered(recorded, case.number, case.id, case.number)
        raise AssertionError("unreachable")

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
    def correct_diary_entry(self, entry_id: UUID, changes: dict[str, Any], reason: str,
                            expected_version: int | None = None) -> Recorded:
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
    def mark_diary_entry_secret(self, entry_id: UUID, provision: str, fields: list[str],
                                expected_version: int | None = None) -> Recorded:
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

    def _register(self, org_id: UUID, build: Build, case_number: DiaryNumber | None = None,
                  new_case: tuple[str, str] | None = None) -> Numbered:
        current_actor().require(REGISTRARS, org_id, "registering a record in the diary")
        with nullcontext() if case_number else self._series_locks[org_id]:
            for attempt in range(1, ATTEMPTS + 1):
                numbered = self._try_to_register(org_id, build, case_number, new_case)
                if numbered is not None:
                    return numbered
                self._back_off(attempt)
        raise AssertionError("unreachable")

    def _try_to_register(self, org_id: UUID, build: Build, case_number: DiaryNumber | None,
                         new_case: tuple[str, str] | None) -> Numbered | None:
        """One attempt: none when a simultaneous registration took the number (or the case's next)."""
        by, at = current_actor(), self.clock()
        reading, links = build(at)
        claim = self._claim_of(links)
        case = self._case(org_id, case_number) if case_number else None
        series = None if case else self._next_in_series(org_id, at)
        if new_case:
            case = Case.open(org_id, series, *new_case, by=by, at=at)  # type: ignore[arg-type]
        number = case.next_record_number() if case else series
        entry = DiaryEntry.register(org_id, number, case.id if case else None, reading, links, by=by, at=at)
        others: list[Aggregate] = []
        if case is not None:
            case.add_record(entry.id, number, by=by, at=at)
            others.append(case)
        if links.primary() is not None:
            others.append(RecordRegistration.claim(claim, entry, by=by, at=at))
        try:  # the case first, so that its events precede the entry's in the log
            position = self._recorded(*others, entry).position
        except IntegrityError:
            return None
        if series is not None:
            self._taken(org_id, series)
        return Numbered(Recorded(entry.id, entry.version, position), str(number), case.id if case else None,
                        case.number if case else None)

    def _next_in_series(self, org_id: UUID, at: datetime) -> DiaryNumber:
        try:
            prefix = self._get(Diary.id_for(org_id), Diary, "diary").series_prefix
        except RecordNotFound:
            raise InvalidTransition("the diary is not set up: a records officer first sets its series prefix "
                                    "(PUT /v1/diary)") from None
        year = series_year(at)
        last = last_taken(lambda n: self._exists(DiaryNumber(prefix, year, n).record_id(org_id)),
                          self._series_hints.get((org_id, prefix, year), 0))
        return DiaryNumber(prefix, year, last + 1)

    def _taken(self, org_id: UUID, number: DiaryNumber) -> None:
        self._series_hints[(org_id, number.prefix, number.year)] = number.sequence

    @cached_property
    def _series_locks(self) -> defaultdict[UUID, threading.Lock]:
        """Registrations in one process draw an organisation's numbers one at a time, so that
        they do not race each other; other processes race, lose on the log's key, and retry."""
        return defaultdict(threading.Lock)

    @cached_property
    def _conflicts_lock(self) -> threading.Lock:
        return threading.Lock()

    @cached_property
    def _series_hints(self) -> dict[tuple[UUID, str, int], int]:
        """The last number this process saw taken in each series: only where a search starts."""
        return {}

    def _exists(self, aggregate_id: UUID) -> bool:
        return bool(self.recorder.select_events(aggregate_id, limit=1))

    @cached_property
    def numbering_conflicts(self) -> Counter:
        """How often a registration found its number taken at save and tried again (a figure for
        operations and the concurrency test)."""
        return Counter()

    def _back_off(self, attempt: int) -> None:
        with self._conflicts_lock:
            self.numbering_conflicts["retries"] += 1
        if attempt == ATTEMPTS:
            raise IntegrityError("the diary number was taken by simultaneous registrations too many times")
        time.sleep(random.uniform(0, 0.001 * min(attempt, 20)))  # noqa: S311 (jitter, not security)

    @staticmethod
    def _case_number(case_number: str | None, field: str = "case_number") -> DiaryNumber | None:
        if not case_number:
            return None
        number = DiaryNumber.parse(case_number, field)
        if number.part is not None:
            raise InvalidValue(field, f"name the case ({number.case_number}), not one of its records")
        return number

    def _case(self, org_id: UUID, number: DiaryNumber, field: str = "case_number") -> Case:
        """The case under this number in the organisation's diary: the record whose id is the
        number's, if it is a case (a number of the series may also be a record of its own)."""
        case_id = number.record_id(org_id)
        case = self.repository.get(case_id) if self._exists(case_id) else None
        if not isinstance(case, Case):
            raise InvalidValue(field, f"there is no case {number} in the organisation's diary: open it "
                                      "first, or name a case that exists")
        return case

    def _claim_of(self, links: Links) -> RecordRegistration | None:
        primary = links.primary()
        if primary is None:
            return None
        claim_id = RecordRegistration.id_for(*primary)
        return self._get(claim_id, RecordRegistration, "registration") if self._exists(claim_id) else None

    def _first_event(self, aggregate_id: UUID) -> Any:
        return next(iter(self.events.get(aggregate_id, lte=1)))

    def _versioned(self, aggregate_id: UUID, kind: type, label: str, expected_version: int | None) -> Any:
        aggregate = self._get(aggregate_id, kind, label)
        aggregate.check_version(expected_version)
        return aggregate
