"""The checks every comment and reply gets when it is recorded. A match raises a flag: a system
observation (kind and the matched span's position in the text) for an editor to look at, never
a decision and never a copy of the personal data it points at."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from domain.supervision.contacts import find_email_addresses, find_phone_numbers
from domain.supervision.identity_numbers import find_identity_numbers
from domain.supervision.lexicon import Lexicon

_SEVEN_DIGITS = re.compile(r"[0-9](?:[ \-\u00a0()+]{0,2}[0-9]){6}")
MAX_FLAGS = 50
"""Flags kept per text: enough for an editor to see what it holds; a text with more is flagged all the same."""


class FlagKind(StrEnum):
    """What a flag observed (Swedish: personnummer, telefonnummer, e-postadress, hot, hets, eget ord)."""

    PERSONAL_IDENTITY_NUMBER = "personal_identity_number"
    COORDINATION_NUMBER = "coordination_number"
    PHONE_NUMBER = "phone_number"
    EMAIL_ADDRESS = "email_address"
    THREAT = "threat"
    HATE_SPEECH = "hate_speech"
    OWN_TERM = "own_term"


PERSONAL_DATA_KINDS = frozenset(
    {FlagKind.PERSONAL_IDENTITY_NUMBER, FlagKind.COORDINATION_NUMBER, FlagKind.PHONE_NUMBER, FlagKind.EMAIL_ADDRESS}
)


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    start: int
    end: int
    term: str | None = None
    """For a lexicon flag, the lexicon's term that matched (never the text's own words)."""


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < other_end and other_start < end for other_start, other_end in spans)


def flags_in(text: str, lexicon: Lexicon) -> list[Flag]:
    """Every flag the text raises, in order of position (at most ``MAX_FLAGS``)."""
    # No phone or identity number has fewer digits in a row: most texts skip both scans.
    flags = _numbers(text) if _SEVEN_DIGITS.search(text) else []
    flags += [Flag(FlagKind.EMAIL_ADDRESS, s.start, s.end) for s in find_email_addresses(text)]
    flags += [Flag(FlagKind(m.term.kind.value), m.start, m.end, m.term.text) for m in lexicon.find(text)]
    return sorted(flags, key=lambda f: (f.start, f.end, f.kind))[:MAX_FLAGS]


def _numbers(text: str) -> list[Flag]:
    flags = [
        Flag(FlagKind.COORDINATION_NUMBER if m.coordination else FlagKind.PERSONAL_IDENTITY_NUMBER, m.start, m.end)
        for m in find_identity_numbers(text)
    ]
    numbers = [(f.start, f.end) for f in flags]
    # A personal identity number written 0101011234 would also read as a phone number: it is one flag.
    return flags + [
        Flag(FlagKind.PHONE_NUMBER, s.start, s.end)
        for s in find_phone_numbers(text)
        if not _overlaps(s.start, s.end, numbers)
    ]
