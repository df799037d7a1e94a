"""Swedish time, and a period of whole days in it: how records officers, archivists and the public
name a stretch of the record ("1 januari–30 juni 2026")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.errors import InvalidValue

SWEDISH_TIME = ZoneInfo("Europe/Stockholm")


@dataclass(frozen=True)
class Period:
    """Whole days in Swedish time, both ends included."""

    start: date
    end: date

    @classmethod
    def of(cls, start: str | date, end: str | date) -> Period:
        first, last = _day("from", start), _day("to", end)
        if last < first:
            raise InvalidValue("to", f"{last} is before the start of the period, {first}")
        return cls(first, last)

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, datetime.min.time(), SWEDISH_TIME)

    @property
    def end_at(self) -> datetime:
        """The first instant after the period."""
        return datetime.combine(self.end + timedelta(days=1), datetime.min.time(), SWEDISH_TIME)


def _day(name: str, value: str | date) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidValue(name, f"{value!r} is not a date; give it as YYYY-MM-DD, e.g. 2026-06-30") from None
