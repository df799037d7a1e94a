"""Diary numbers (diarienummer): a series per organisation and year, gap-free.

The convention is the common Swedish one: a case (ärende) takes a number in the series,
``KS 2026/0042``, and the records in it are numbered within the case, ``KS 2026/0042-1``,
``-2``, … (handlingens löpnummer, aktbilaga). A record registered without a case takes a
number of its own in the same series, ``KS 2026/0043``. The year is the year of
registration, in Swedish time.

Every numbered record's id is a ``uuid5`` of its number, so a number can be taken once: the
log refuses a second record with the same id. A series number ``n`` is taken only after the
application has found ``n - 1`` taken, and numbers are never released, so at every moment the
taken numbers of a series are exactly 1..N: gap-free by construction, whoever registers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid5

from domain.errors import InvalidValue
from domain.organisation import NAMESPACE
from domain.period import SWEDISH_TIME

_PREFIX = re.compile(r"^[A-ZÅÄÖ]{1,10}$")
_NUMBER = re.compile(r"^([A-ZÅÄÖ]{1,10}) (\d{4})/(\d{1,6})(?:-(\d{1,4}))?$")
_DIARY_NUMBER = re.compile(r"^[A-ZÅÄÖ]{1,10} \d{4}/\d{1,6}(-\d{1,4})?$")


def valid_diary_number(value: str) -> str:
    """A diary number as a person writes it (a case's or a record's), in its one spelling."""
    text = " ".join((value or "").split()).upper()
    if not _DIARY_NUMBER.match(text):
        raise InvalidValue("diary_number", "a diary number reads like 'KS 2026/0042' (series, year/number)")
    return text


def valid_series_prefix(prefix: str) -> str:
    text = (prefix or "").strip().upper()
    if not _PREFIX.match(text):
        raise InvalidValue("series_prefix", "use 1-10 capital letters, e.g. KS (kommunstyrelsen) or RS")
    return text


def series_year(at: datetime) -> int:
    """The series year of a registration made at ``at``: the calendar year in Swedish time."""
    return at.astimezone(SWEDISH_TIME).year


@dataclass(frozen=True, order=True)
class DiaryNumber:
    """``KS 2026/0042`` (a case, or a record of its own) or ``KS 2026/0042-3`` (a case's record)."""

    prefix: str
    year: int
    sequence: int
    part: int | None = None

    def __str__(self) -> str:
        base = f"{self.prefix} {self.year}/{self.sequence:04d}"
        return base if self.part is None else f"{base}-{self.part}"

    @classmethod
    def parse(cls, value: str, field: str = "diary_number") -> DiaryNumber:
        match = _NUMBER.match(" ".join((value or "").split()).upper())
        if not match or int(match.group(3)) == 0 or match.group(4) == "0":
            raise InvalidValue(field, "a diary number reads like 'KS 2026/0042' or 'KS 2026/0042-3'")
        prefix, year, sequence, part = match.groups()
        return cls(prefix, int(year), int(sequence), int(part) if part else None)

    @property
    def case_number(self) -> DiaryNumber:
        """The series number this one belongs to: itself, or its case's for a case's record."""
        return DiaryNumber(self.prefix, self.year, self.sequence)

    def within_case(self, part: int) -> DiaryNumber:
        return DiaryNumber(self.prefix, self.year, self.sequence, part)

    def record_id(self, org_id: UUID) -> UUID:
        """The id of the record (case or diary entry) that holds this number in ``org_id``."""
        suffix = "" if self.part is None else f"/{self.part}"
        return uuid5(NAMESPACE, f"diary/{org_id}/{self.prefix}/{self.year}/{self.sequence}{suffix}")


def last_taken(taken: Callable[[int], bool], hint: int = 0) -> int:
    """The highest taken number N of a series whose taken numbers are exactly 1..N. ``taken``
    asks the log; ``hint`` (a number seen taken before) saves look-ups: gallop up, then bisect."""
    low = hint if hint > 0 and taken(hint) else 0
    step = 1
    while taken(low + step):
        low, step = low + step, step * 2
    high = low + step
    while high - low > 1:
        middle = (low + high) // 2
        if taken(middle):
            low = middle
        else:
            high = middle
    return low
