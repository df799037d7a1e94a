"""Contact details in a comment: e-mail addresses and Swedish phone numbers. Both are found by a
single pass over the text with a bounded amount of work per character (no pattern that can
backtrack over the whole text), so a long comment is checked in time linear in its length."""

from __future__ import annotations

import re
from dataclasses import dataclass

LOCAL_MAX = 64  # RFC 5321: the longest local part and domain of an address
DOMAIN_MAX = 253
_LOCAL_SYMBOLS = frozenset("._%+-")
_DOMAIN_SYMBOLS = frozenset(".-")
PHONE_SEPARATORS = frozenset(" -\u00a0()")
"""What people put between a phone number's digit groups: 070-123 45 67, (08) 123 456 78."""
NATIONAL_DIGITS = range(8, 11)
"""A Swedish number dialled nationally: 0, an area code or 7x, the subscriber's number."""
INTERNATIONAL_DIGITS = range(7, 10)
"""After +46 (or 0046), without the national 0."""


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def _local_char(char: str) -> bool:
    return char.isalnum() or char in _LOCAL_SYMBOLS


def _domain_char(char: str) -> bool:
    return char.isalnum() or char in _DOMAIN_SYMBOLS


def _address_at(text: str, at: int) -> Span | None:
    start = at
    while start > 0 and at - start < LOCAL_MAX and _local_char(text[start - 1]):
        start -= 1
    while start < at and text[start] in _LOCAL_SYMBOLS:
        start += 1
    end = at + 1
    while end < len(text) and end - at <= DOMAIN_MAX and _domain_char(text[end]):
        end += 1
    while end > at + 1 and text[end - 1] in _DOMAIN_SYMBOLS:
        end -= 1
    labels = text[at + 1 : end].split(".")
    if start == at or len(labels) < 2 or not all(labels) or not labels[-1].isalpha() or len(labels[-1]) < 2:
        return None
    return Span(start, end)


def find_email_addresses(text: str) -> list[Span]:
    """Every e-mail address: a local part, ``@``, and a domain with a top-level label."""
    found: list[Span] = []
    at = text.find("@")
    while at != -1:
        span = _address_at(text, at)
        if span is not None and (not found or span.start >= found[-1].end):
            found.append(span)
        at = text.find("@", at + 1)
    return found


# Digits joined by at most two separator characters, starting with '+' or a digit that no letter
# or digit precedes. Each repetition consumes a digit and separators are never digits, so the
# pattern backtracks at most two characters: a scan is linear in the text's length.
_DIGIT_RUN = re.compile(r"(?<![^\W_])\+?[0-9](?:[ \-\u00a0()]{0,2}[0-9])*")


def _digit_runs(text: str) -> list[tuple[int, int, str]]:
    """Runs of digits as (start, end, digits, with a leading '+' if written), touching no letter."""
    runs = []
    for match in _DIGIT_RUN.finditer(text):
        end = match.end()
        if not (end < len(text) and text[end].isalpha()):
            written = match.group()
            runs.append(
                (match.start(), end, ("+" if written[0] == "+" else "") + "".join(filter(str.isdigit, written)))
            )
    return runs


def is_swedish_phone_number(digits: str) -> bool:
    """``digits`` (with a leading '+' if written) is a Swedish number: national 0… with 8–10
    digits, or +46 / 0046 followed by 7–9 digits (a written '(0)' after the country code allowed)."""
    for prefix in ("+46", "0046"):
        if digits.startswith(prefix):
            rest = digits[len(prefix) :]
            rest = rest[1:] if rest.startswith("0") else rest
            return len(rest) in INTERNATIONAL_DIGITS and rest[:1] != "0"
    return digits.startswith("0") and digits[1:2] not in ("", "0") and len(digits) in NATIONAL_DIGITS


def find_phone_numbers(text: str) -> list[Span]:
    """Every Swedish phone number, such as 070-123 45 67, 08-123 456 78 or +46 70 123 45 67."""
    return [Span(start, end) for start, end, digits in _digit_runs(text) if is_swedish_phone_number(digits)]
