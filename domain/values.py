"""The values every record's fields share, and the range the domain states for them.

Text is what a person could have written: no C0 control character other than tab, newline and
carriage return, and no lone surrogate. PostgreSQL cannot store NUL at all, and XML (the
archival package) holds none of the others, so such a value could be recorded but never read.

Instants lie between 1990-01-01 (before any social medium, and the year of Arkivlagen) and a
century ahead; a fact that has already happened (published, received, captured, edited, deleted,
taken) lies no later than now, give or take a few minutes of clock skew. A later fact of a
record is never earlier than the fact it follows, with the same tolerance: the times come from
different clocks (the platform's, the client's, the service's)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from domain.errors import InvalidValue

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
HORIZON = timedelta(days=36_525)
"""How far ahead an instant may lie (an assignment's end, say): a hundred years."""
CLOCK_SKEW = timedelta(minutes=5)
LATE_RECORDING = timedelta(hours=24)
"""A person's recording made longer than this after the fact is listed as late (sen registrering)."""

_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
Text = TypeVar("Text", str, str | None)
CONTROL_CHARACTERS = (
    "must not contain control characters (U+0000–U+001F other than tab, newline and carriage return) or lone surrogates"
)


def control_character(value: str) -> str | None:
    """The first character of ``value`` that is not text, as U+XXXX, or None."""
    found = _NOT_TEXT.search(value)
    return f"U+{ord(found.group()):04X}" if found else None


def plain_text(field: str, value: Text) -> Text:
    """``value`` unchanged (an id, a platform's name for something), if it is text or None."""
    found = control_character(value) if value else None
    if found:
        raise InvalidValue(field, f"{CONTROL_CHARACTERS}; found {found}")
    return value


def required_text(field: str, value: str | None, max_length: int = 500) -> str:
    """Text with its white space collapsed; not empty, at most ``max_length`` characters."""
    collapsed = " ".join(plain_text(field, value).split()) if value else ""
    if not collapsed:
        raise InvalidValue(field, "must not be empty")
    if len(collapsed) > max_length:
        raise InvalidValue(field, f"must be at most {max_length} characters")
    return collapsed


def optional_text(field: str, value: str | None, max_length: int = 200) -> str | None:
    """Like ``required_text``, but empty or absent is None."""
    return required_text(field, value, max_length) if value and value.strip() else None


LARGEST_OFFSET = timedelta(hours=14)
"""The widest UTC offset any place uses (UTC+14, Kiribati); PostgreSQL cannot store past ±15:59."""


def aware(field: str, when: datetime) -> datetime:
    offset = when.utcoffset() if when.tzinfo is not None else None
    if offset is None:
        raise InvalidValue(field, "must carry a timezone")
    if abs(offset) > LARGEST_OFFSET:
        raise InvalidValue(field, "its UTC offset must lie within ±14:00")
    return when


def instant(field: str, when: datetime, now: datetime) -> datetime:
    """An instant in the stated range: from 1990-01-01 to a century after ``now``."""
    aware(field, when)
    if when < EARLIEST:
        raise InvalidValue(field, f"must not be before {EARLIEST.date().isoformat()}")
    if when > now + HORIZON:
        raise InvalidValue(field, "must not lie more than a hundred years ahead")
    return when


def past_instant(field: str, when: datetime, now: datetime) -> datetime:
    """An instant of a fact that has happened: in the range, and not in the future."""
    instant(field, when, now)
    if when > now + CLOCK_SKEW:
        raise InvalidValue(field, f"lies in the future (after {now.isoformat(timespec='seconds')})")
    return when


def not_before(field: str, when: datetime, earlier: datetime, what: str) -> datetime:
    """``when`` of a fact that follows ``what`` (which happened at ``earlier``)."""
    if when < earlier - CLOCK_SKEW:
        raise InvalidValue(
            field, f"{when.isoformat(timespec='seconds')} is before {what} ({earlier.isoformat(timespec='seconds')})"
        )
    return when


def recorded_late(occurred_at: datetime, recorded_at: datetime) -> bool:
    """Whether a recording was made long after the fact it records."""
    return recorded_at - occurred_at > LATE_RECORDING
