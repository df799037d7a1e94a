"""The constrained types of every request field and query parameter: text that is text, and
instants and days in the range the domain states (``domain.values``). A value outside them
answers 422 naming its field before any command runs; the domain checks the same again, and
against the application's clock refuses facts that lie in the future."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime
from pydantic_core import PydanticCustomError

from domain.errors import InvalidValue
from domain.values import instant, plain_text


def _refused(check: InvalidValue) -> PydanticCustomError:
    return PydanticCustomError("value_range", check.message)


def text(value: str) -> str:
    try:
        return plain_text("", value)
    except InvalidValue as refused:
        raise _refused(refused) from None


def in_range(value: datetime) -> datetime:
    try:
        return instant("", value, datetime.now(UTC))
    except InvalidValue as refused:
        raise _refused(refused) from None


def checked_day(field: str, value: date) -> date:
    """A day in the range (a day outside it refused as ``field``), for days parsed by hand."""
    instant(field, datetime.combine(value, time.min, UTC), datetime.now(UTC))
    return value


def day_in_range(value: date) -> date:
    try:
        return checked_day("", value)
    except InvalidValue as refused:
        raise _refused(refused) from None


Text = Annotated[str, AfterValidator(text)]
"""A string without control characters (tab, newline and carriage return are text)."""
Instant = Annotated[AwareDatetime, AfterValidator(in_range)]
"""An instant with its timezone, from 1990-01-01 to a hundred years ahead."""
Day = Annotated[date, AfterValidator(day_in_range)]
"""A calendar day in the same range."""
