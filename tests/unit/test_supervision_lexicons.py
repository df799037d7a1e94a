"""Lexicon terms match as words and phrases, without case or diacritics and in their Swedish
inflections; a term is never a pattern, and lexicons and terms have limits."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from domain.actors import Actor, Role
from domain.errors import InvalidValue
from domain.supervision.defaults import default_terms
from domain.supervision.flags import FlagKind, flags_in
from domain.supervision.lexicon import MAX_TERMS, MAX_TERMS_PER_CHANGE, Lexicon, LexiconKind, valid_term
from domain.supervision.lexicon_record import OrganisationLexicon

ORG = __import__("uuid").UUID("00000000-0000-0000-0000-000000000001")
MANAGER = Actor("actor:m", "Anna Chef", Role.MANAGER, ORG)
NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def lexicon(*own: str, kind: LexiconKind = LexiconKind.OWN_TERM) -> Lexicon:
    return Lexicon("test", (*default_terms(1), *(valid_term(kind, t) for t in own)))


def terms(text: str, lx: Lexicon | None = None) -> list[tuple[FlagKind, str | None]]:
    return [(f.kind, f.term) for f in flags_in(text, lx or lexicon())]


def test_a_threat_is_found_in_any_case_with_or_without_diacritics_and_inflected():
    assert terms("JAG SKA MÖRDA DIG") == [(FlagKind.THREAT, "mörda")]
    assert terms("han mordade") == [(FlagKind.THREAT, "mörda")]
    assert terms("Vi vet var du bor.") == [(FlagKind.THREAT, "vi vet var du bor")]


def test_a_threat_written_with_combining_diacritics_is_found_where_it_stands():
    """Some keyboards and phones send "ö" as "o" and a combining diaeresis (Unicode NFD)."""
    text = unicodedata.normalize("NFD", "Jag ska MÖRDA er och Döda dig")

    flags = flags_in(text, lexicon())

    assert [(f.kind, f.term, text[f.start : f.end]) for f in flags] == [
        (FlagKind.THREAT, "mörda", unicodedata.normalize("NFD", "MÖRDA")),
        (FlagKind.THREAT, "döda dig", unicodedata.normalize("NFD", "Döda dig")),
    ]


def test_an_own_term_matches_its_inflections_but_not_other_words_that_begin_alike():
    own = lexicon("hot")

    assert terms("Hotet mot badplatsen", own) == [(FlagKind.OWN_TERM, "hot")]
    assert terms("Hotellet vid torget", own) == []


def test_a_term_with_a_star_matches_every_word_that_begins_with_it():
    own = lexicon("idiot*")

    assert terms("Idiotiska beslut", own) == [(FlagKind.OWN_TERM, "idiot*")]


def test_hate_speech_is_flagged_as_its_own_kind():
    assert terms("Svartskallarna ska utrotas") == [
        (FlagKind.HATE_SPEECH, "svartskall*"),
        (FlagKind.HATE_SPEECH, "utrota"),
    ]


@pytest.mark.parametrize("pattern", ["(a+)+$", "hot.*", "[0-9]{6}", "a|b|c", "hot\\w", "mörd?"])
def test_a_term_that_is_a_pattern_is_refused_naming_the_field(pattern):
    with pytest.raises(InvalidValue) as refused:
        valid_term(LexiconKind.OWN_TERM, pattern)
    assert refused.value.field == "terms"


def test_terms_too_long_too_short_or_too_many_are_refused():
    for bad in ("x" * 61, "ab", "en två tre fyra fem sex", "ab*"):
        with pytest.raises(InvalidValue):
            valid_term(LexiconKind.OWN_TERM, bad)
    organisation = OrganisationLexicon.open(ORG, by=MANAGER, at=NOW)
    with pytest.raises(InvalidValue) as refused:
        organisation.add_terms("own_term", [f"ord{i}" for i in range(MAX_TERMS_PER_CHANGE + 1)], by=MANAGER, at=NOW)
    assert refused.value.field == "terms"


def test_a_lexicon_holds_at_most_a_thousand_of_the_organisations_own_terms():
    organisation = OrganisationLexicon.open(ORG, by=MANAGER, at=NOW)
    for change in range(MAX_TERMS // MAX_TERMS_PER_CHANGE):
        terms = [f"ord{change}x{i}" for i in range(MAX_TERMS_PER_CHANGE)]
        organisation.add_terms("own_term", terms, by=MANAGER, at=NOW)

    with pytest.raises(InvalidValue) as refused:
        organisation.add_terms("own_term", ["ett ord till"], by=MANAGER, at=NOW)

    assert refused.value.field == "terms" and len(organisation.own_terms()) == MAX_TERMS
    organisation.add_terms("threat", ["ett ord till"], by=MANAGER, at=NOW)  # each lexicon has its own limit


def test_an_organisation_extends_a_lexicon_and_removes_only_its_own_terms():
    organisation = OrganisationLexicon.open(ORG, by=MANAGER, at=NOW)
    organisation.add_terms("own_term", ["Bygglovskaos", "bygglovskaos"], by=MANAGER, at=NOW)

    assert [t.text for t in organisation.own_terms()] == ["bygglovskaos"]
    with pytest.raises(InvalidValue):
        organisation.remove_terms("threat", ["mörda"], by=MANAGER, at=NOW)
    organisation.remove_terms("own_term", ["BYGGLOVSKAOS"], by=MANAGER, at=NOW)
    assert organisation.own_terms() == []
    assert [type(e).__name__ for e in organisation.collect_events()] == ["Opened", "TermsAdded", "TermsRemoved"]


def steps(check: Callable[[], object]) -> int:
    """Lines of Python the check runs in the supervision modules: a measure of work, not of time."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if frame.f_code.co_filename.find("domain/supervision") == -1:
            return None
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        check()
    finally:
        sys.settrace(None)
    return count


HOSTILE = {
    "words": "mörda dig ",
    "one long word": "a",
    "digits": "1",
    "digit groups": "07 ",
    "at signs": "a@b.",
    "phrase starts": "jag vet var du ",
    "prefixes": "idiotidiot ",
    "combining marks": "mo\u0308rda o\u0308\u0308 ",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_100_kb_comment_costs_ten_times_a_10_kb_one(name):
    """Linear: ten times the text, at most about ten times the work, whatever the text."""
    full = lexicon(*(f"ord{i} och mer" for i in range(200)), "idiot*")
    unit = HOSTILE[name]
    small, large = unit * (10_000 // len(unit)), unit * (100_000 // len(unit))

    ratio = steps(lambda: flags_in(large, full)) / max(steps(lambda: flags_in(small, full)), 1)

    assert ratio < 11.5, ratio
