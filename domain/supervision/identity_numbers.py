"""Swedish personal identity numbers (personnummer) and co-ordination numbers (samordningsnummer),
as Skatteverket defines them: a date of birth YYMMDD or YYYYMMDD, a separator (``-``, or ``+``
from the year one turns 100; often left out), a three-digit birth number and a check digit
computed by the Luhn algorithm over the ten digits YYMMDDNNN. A co-ordination number adds 60 to
the day. A number whose date is impossible or whose check digit is wrong is not one (an invoice
or order number, most likely), so it is not flagged."""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass

# Fixed widths and a digit on neither side: each start position costs a bounded amount of work,
# so a scan is linear in the text's length.
_CANDIDATE = re.compile(r"(?<![0-9])([0-9]{8}|[0-9]{6})([-+]?)([0-9]{4})(?![0-9])")
CENTURIES = (18, 19, 20)
COORDINATION_OFFSET = 60


@dataclass(frozen=True)
class IdentityNumberMatch:
    start: int
    end: int
    coordination: bool
    """True: a samordningsnummer (day + 60)."""


def luhn_valid(digits: str) -> bool:
    """The Luhn check over ``digits`` (the last one is the check digit)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _date_valid(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= monthrange(year, month)[1]


def _centuries(date_part: str, separator: str) -> tuple[int, ...]:
    if len(date_part) == 8:
        century = int(date_part[:2])
        return (century,) if century in CENTURIES else ()
    # Ten digits leave the century open: '+' says the person is 100 or older.
    return (18, 19) if separator == "+" else (19, 20)


def identity_number_at(date_part: str, separator: str, tail: str) -> bool | None:
    """Whether these parts form a valid number: None if not, else True for a co-ordination
    number and False for a personal identity number."""
    if len(date_part) == 8 and separator == "+":
        return None  # '+' belongs to the ten-digit form only
    short = date_part[-6:]
    if not luhn_valid(short + tail):
        return None
    month, day = int(short[2:4]), int(short[4:6])
    coordination = day > COORDINATION_OFFSET
    if coordination:
        day -= COORDINATION_OFFSET
    for century in _centuries(date_part, separator):
        if _date_valid(century * 100 + int(short[:2]), month, day):
            return coordination
    return None


def find_identity_numbers(text: str) -> list[IdentityNumberMatch]:
    """Every valid personnummer or samordningsnummer in ``text``, with its position."""
    found = []
    for match in _CANDIDATE.finditer(text):
        kind = identity_number_at(*match.groups())
        if kind is not None:
            found.append(IdentityNumberMatch(match.start(), match.end(), kind))
    return found
