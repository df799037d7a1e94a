"""Diary numbers drawn for registrations (the plumbing of ``DiaryCommands``).

Numbers are drawn in a retry loop: each attempt finds the series' last taken number, builds
the entry (and its case, and the record's registration claim) and saves them in one
transaction. A simultaneous registration that took the same number makes the save fail on
the log's key, and the attempt is made again with the next number. A number's record (a case,
or an entry) has the number's ``uuid5`` as its id, so the log itself is the index of numbers."""

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
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from domain.actors import Actor
from domain.case import Case
from domain.diary import REGISTRARS, Diary, Links, Reading
from domain.diary_entry import DiaryEntry, Secrecy
from domain.diary_numbers import DiaryNumber, last_taken, series_year
from domain.errors import InvalidTransition
from domain.record_registration import RecordRegistration
from kanalarkiv.application.base import RecordsBase
from kanalarkiv.application.context import current_actor
from kanalarkiv.application.outcomes import Recorded, RecordNotFound

ATTEMPTS = 200
Build = Callable[[datetime], tuple[Reading, Links]]


@dataclass(frozen=True)
class Numbered:
    """A registration's outcome: the entry's (or case's) recording, its diary number and case."""

    recorded: Recorded
    number: str
    case_id: UUID | None = None
    case_number: str | None = None


class DiaryNumbering(RecordsBase):
    """How ``DiaryCommands`` draws numbers and registers under them."""

    def _open_numbered_case(self, org_id: UUID, subject: str, responsible_unit: str) -> Numbered:
        """Open a case under the series' next number."""
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

    def _register(
        self,
        org_id: UUID,
        build: Build,
        case_number: DiaryNumber | None = None,
        new_case: tuple[str, str] | None = None,
        secrecy: Secrecy | None = None,
    ) -> Numbered:
        current_actor().require(REGISTRARS, org_id, "registering a record in the diary")
        with nullcontext() if case_number else self._series_locks[org_id]:
            for attempt in range(1, ATTEMPTS + 1):
                numbered = self._try_to_register(org_id, build, case_number, new_case, secrecy)
                if numbered is not None:
                    return numbered
                self._back_off(attempt)
        raise AssertionError("unreachable")

    def _try_to_register(
        self,
        org_id: UUID,
        build: Build,
        case_number: DiaryNumber | None,
        new_case: tuple[str, str] | None,
        secrecy: Secrecy | None,
    ) -> Numbered | None:
        """One attempt: none when a simultaneous registration took the number (or the case's next)."""
        by, at = current_actor(), self.clock()
        reading, links = build(at)
        claim = self._claim_of(links)
        case, series, number = self._placing(org_id, case_number, new_case, by, at)
        entry = DiaryEntry.register(
            org_id, number, case.id if case else None, reading, links, by=by, at=at, secrecy=secrecy
        )
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
        return Numbered(
            Recorded(entry.id, entry.version, position),
            str(number),
            case.id if case else None,
            case.number if case else None,
        )

    def _placing(
        self, org_id: UUID, case_number: DiaryNumber | None, new_case: tuple[str, str] | None, by: Actor, at: datetime
    ) -> tuple[Case | None, DiaryNumber | None, DiaryNumber]:
        """Where an entry goes, and its number: the next record of the named case; the first record
        of a new case under the series' next number; or the series' next number itself. The
        series' number drawn (if one was) is the second: it is taken once the entry is saved."""
        if case_number:
            case = self._case(org_id, case_number)
            return case, None, case.next_record_number()
        series = self._next_in_series(org_id, at)
        if new_case:
            case = Case.open(org_id, series, *new_case, by=by, at=at)
            return case, series, case.next_record_number()
        return None, series, series

    def _next_in_series(self, org_id: UUID, at: datetime) -> DiaryNumber:
        try:
            prefix = self._get(Diary.id_for(org_id), Diary, "diary").series_prefix
        except RecordNotFound:
            raise InvalidTransition(
                "the diary is not set up: a records officer first sets its series prefix (PUT /v1/diary)"
            ) from None
        year = series_year(at)
        last = last_taken(
            lambda n: self._exists(DiaryNumber(prefix, year, n).record_id(org_id)),
            self._series_hints.get((org_id, prefix, year), 0),
        )
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

    @cached_property
    def numbering_conflicts(self) -> Counter[str]:
        """How often a registration found its number taken at save and tried again (a figure for
        operations and the concurrency test)."""
        return Counter()

    def _back_off(self, attempt: int) -> None:
        with self._conflicts_lock:
            self.numbering_conflicts["retries"] += 1
        if attempt == ATTEMPTS:
            raise IntegrityError("the diary number was taken by simultaneous registrations too many times")
        time.sleep(random.uniform(0, 0.001 * min(attempt, 20)))  # jitter, not security

    def _claim_of(self, links: Links) -> RecordRegistration | None:
        primary = links.primary()
        if primary is None:
            return None
        return self._find(RecordRegistration.id_for(*primary), RecordRegistration, "registration")
