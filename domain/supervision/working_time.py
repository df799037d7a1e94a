"""Swedish working time, for response targets: weekdays 08–17 Swedish time, public holidays and
the de facto holidays (midsummer, Christmas and New Year's Eve) excluded, as a municipality's
offices keep them. The holidays come from the ``holidays`` library's calendar for Sweden."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

SWEDEN = ZoneInfo("Europe/Stockholm")
DAY_STARTS, DAY_ENDS = time(8), time(17)
WORKING_DAY = timedelta(hours=9)
HOLIDAY_CATEGORIES = ("public", "de_facto")


@lru_cache(maxsize=256)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("SE", years=year, categories=HOLIDAY_CATEGORIES))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def _office_hours(day: date) -> tuple[datetime, datetime]:
    return datetime.combine(day, DAY_STARTS, SWEDEN), datetime.combine(day, DAY_ENDS, SWEDEN)


def working_time_between(start: datetime, end: datetime) -> timedelta:
    """The working time from ``start`` to ``end`` (none if ``end`` is not later)."""
    total, day = timedelta(0), start.astimezone(SWEDEN).date()
    last = end.astimezone(SWEDEN).date()
    while day <= last:
        if is_working_day(day):
            opens, closes = _office_hours(day)
            overlap = min(closes, end) - max(opens, start)
            total += max(overlap, timedelta(0))
        day += timedelta(days=1)
    return total


def add_working_time(start: datetime, amount: timedelta) -> datetime:
    """The instant when ``amount`` of working time has passed since ``start``."""
    remaining, day = amount, start.astimezone(SWEDEN).date()
    while True:
        if is_working_day(day):
            opens, closes = _office_hours(day)
            begins = max(opens, start)
            if begins < closes:
                if begins + remaining <= closes:
                    return begins + remaining
                remaining -= closes - begins
        day += timedelta(days=1)
