"""Lexicon terms (ordlistor): words and phrases matched as words, never as patterns.

A term matches a run of words in the text, compared without case or diacritics ("Döda" matches
"doda"), each word also in its Swedish inflected forms: the term's word followed by one of the
endings below (hota → hotar, hotade; mord → mordet, morden). A term ending in ``*`` matches any
word that begins with it (idiot* → idiotisk). No term is ever compiled into a regular
expression, so no lexicon can make matching slow: each word of the text costs a bounded number
of dictionary look-ups, and a comment is checked in time linear in its length."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from domain.errors import InvalidValue

MAX_TERM_LENGTH = 60
MAX_TERM_WORDS = 5
MAX_TERMS = 1000
"""Terms an organisation may add to one lexicon."""
MAX_TERMS_PER_CHANGE = 200
MIN_PREFIX = 4
HEAD = 3
"""A prefix term (``idiot*``) names at least this many characters, so it cannot match everything."""

_WORD = re.compile(r"[^\W_]+")
_TERM_CHARACTERS = re.compile(r"^[^\W_]+(?:[ \-'’][^\W_]+)*\*?$")
# Swedish inflectional endings: nouns, verbs, adjectives, the genitive.
ENDINGS = frozenset((
    "a", "e", "n", "r", "s", "t", "ad", "ar", "at", "de", "en", "er", "es", "et", "na", "ne", "or", "ta", "te",
    "ts", "ns", "ds", "ade", "are", "ast", "ats", "ars", "ens", "ers", "ets", "nde", "ors", "rna", "ande",
    "ende", "arna", "erna", "orna", "ades", "aste", "arnas", "ernas", "ornas",
))  # fmt: skip
_ENDING_LENGTHS = sorted({len(e) for e in ENDINGS})


class LexiconKind(StrEnum):
    """The lexicons: threats (olaga hot), hate speech (hets mot folkgrupp, BBS-lagen 5 §), and
    the organisation's own terms (egna ord)."""

    THREAT = "threat"
    HATE_SPEECH = "hate_speech"
    OWN_TERM = "own_term"


def normalised(word: str) -> str:
    """Case- and diacritic-free: 'Mörda' → 'morda'."""
    folded = word.casefold()
    if folded.isascii():
        return folded
    return "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))


def _one_to_one_folding() -> dict[int, str]:
    """Latin letters folded to one lower-case base letter each ('Ö' → 'o'): folding a text with
    it keeps every character where it stood, so the words' positions stay those of the text."""
    table = {}
    for code in range(0x41, 0x250):
        folded = normalised(chr(code))
        if len(folded) == 1 and folded != chr(code):
            table[code] = folded
    return table


_FOLDING = _one_to_one_folding()


def words_of(text: str) -> list[tuple[int, int, str]]:
    """Each word of ``text`` as (start, end, normalised form)."""
    folded = text.translate(_FOLDING)
    return [
        (m.start(), m.end(), word if word.isascii() else normalised(word))
        for m in _WORD.finditer(folded)
        for word in (m.group(),)
    ]


@dataclass(frozen=True)
class Term:
    kind: LexiconKind
    text: str
    """As written in the lexicon (trimmed), which is what a flag names."""
    words: tuple[str, ...]
    prefix: bool


def valid_term(kind: LexiconKind, value: str, field_name: str = "terms") -> Term:
    text = " ".join(value.split())
    if not text or len(text) > MAX_TERM_LENGTH:
        raise InvalidValue(field_name, f"each term has 1–{MAX_TERM_LENGTH} characters; {text[:20]!r}… has {len(text)}")
    if not _TERM_CHARACTERS.match(text):
        raise InvalidValue(
            field_name, f"{text!r}: a term is words and phrases (letters, digits, spaces, a final *), not a pattern"
        )
    words = tuple(w for _, _, w in words_of(text))
    prefix = text.endswith("*")
    if len(words) > MAX_TERM_WORDS:
        raise InvalidValue(field_name, f"{text!r}: a phrase has at most {MAX_TERM_WORDS} words")
    if sum(len(w) for w in words) < 3 or (prefix and len(words[-1]) < MIN_PREFIX):
        raise InvalidValue(field_name, f"{text!r} is too short to match only what it means")
    return Term(kind, text, words, prefix)


def _word_matches(term_word: str, word: str, prefix: bool) -> bool:
    if prefix:
        return word.startswith(term_word)
    return word == term_word or (word.startswith(term_word) and word[len(term_word) :] in ENDINGS)


@dataclass(frozen=True)
class TermMatch:
    start: int
    end: int
    term: Term


@dataclass
class Lexicon:
    """The terms in force for one organisation: the defaults of their version and its own."""

    version: str
    terms: tuple[Term, ...]
    _by_first_word: dict[str, list[Term]] = field(default_factory=dict, init=False, repr=False)
    _prefix_lengths: list[int] = field(default_factory=list, init=False, repr=False)
    _by_prefix: dict[str, list[Term]] = field(default_factory=dict, init=False, repr=False)
    _heads: frozenset[str] = field(default=frozenset(), init=False, repr=False)

    def __post_init__(self) -> None:
        exact: dict[str, list[Term]] = defaultdict(list)
        prefixes: dict[str, list[Term]] = defaultdict(list)
        for term in self.terms:
            if term.prefix and len(term.words) == 1:
                prefixes[term.words[0]].append(term)
            else:
                exact[term.words[0]].append(term)
        self._by_first_word, self._by_prefix = dict(exact), dict(prefixes)
        self._prefix_lengths = sorted({len(p) for p in prefixes})
        # The first three letters any matching word begins with: most words are passed over on one look-up.
        firsts = [*exact, *prefixes]
        self._heads = frozenset(
            {w[:HEAD] for w in firsts} | {(w + e)[:HEAD] for w in firsts if len(w) < HEAD for e in ENDINGS}
        )

    def _first_word_terms(self, word: str) -> Iterable[Term]:
        yield from self._by_first_word.get(word, ())
        for length in _ENDING_LENGTHS:
            if len(word) > length and word[-length:] in ENDINGS:
                yield from self._by_first_word.get(word[:-length], ())
        for length in self._prefix_lengths:
            if len(word) >= length:
                yield from self._by_prefix.get(word[:length], ())

    def find(self, text: str) -> list[TermMatch]:
        """Every occurrence of a term in ``text`` (a term once per position)."""
        words = words_of(text)
        found: list[TermMatch] = []
        for index, (start, _, word) in enumerate(words):
            if word[:HEAD] not in self._heads:
                continue
            seen: set[Term] = set()
            for term in self._first_word_terms(word):
                if term not in seen and self._rest_matches(term, words, index):
                    seen.add(term)
                    found.append(TermMatch(start, words[index + len(term.words) - 1][1], term))
        return found

    @staticmethod
    def _rest_matches(term: Term, words: list[tuple[int, int, str]], index: int) -> bool:
        if index + len(term.words) > len(words):
            return False
        last = len(term.words) - 1
        return all(
            _word_matches(term_word, words[index + offset][2], term.prefix and offset == last)
            for offset, term_word in enumerate(term.words)
        )
