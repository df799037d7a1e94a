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
from operator import itemgetter

from domain.errors import InvalidValue

MAX_TERM_LENGTH = 60
MAX_TERM_WORDS = 5
MAX_TERMS = 1000
"""Terms an organisation may add to one lexicon."""
MAX_TERMS_PER_CHANGE = 200
MIN_PREFIX = 4
HEAD = 4
"""A prefix term (``idiot*``) names at least this many characters, so it cannot match everything."""

_PLAIN_WORD = re.compile(r"[^\W_]+")
# Outside the plain path a word's letters may carry combining diacritics (ö as o + U+0308, NFD).
_WORD = re.compile(r"[^\W_](?:[^\W_]|[\u0300-\u036f])*")
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
# The letters with diacritics Swedish text is written with; a text with any other goes the long way.
_SWEDISH_LETTERS = "åäöéü"
_UNFOLDING = tuple((char, _FOLDING[ord(char)]) for char in _SWEDISH_LETTERS)
_OTHER_LETTERS = re.compile(f"[^\\x00-\\x7f{_SWEDISH_LETTERS}{_SWEDISH_LETTERS.upper()}]")


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
    text = unicodedata.normalize("NFC", " ".join(value.split()))
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


# Words too common to look a phrase up by: a phrase is found through its rarest-looking word.
STOPWORDS = frozenset((
    "att", "av", "de", "dem", "den", "det", "dig", "du", "en", "er", "ett", "for", "han", "har", "hon", "i",
    "jag", "kan", "med", "men", "mig", "ni", "och", "om", "oss", "pa", "sa", "se", "sig", "ska", "som", "till",
    "ut", "var", "vi", "vad", "vet", "bor", "kommer", "fa",
))  # fmt: skip


def key_word(term: Term) -> int:
    """The word a term is looked up by: its longest word that is not a stop word."""
    candidates = [i for i, w in enumerate(term.words) if w not in STOPWORDS] or list(range(len(term.words)))
    return max(candidates, key=lambda i: (len(term.words[i]), i))


@dataclass
class Lexicon:
    """The terms in force for one organisation: the defaults of their version and its own."""

    version: str
    terms: tuple[Term, ...]
    _exact: dict[str, list[tuple[Term, int]]] = field(default_factory=dict, init=False, repr=False)
    _prefixes: dict[str, list[tuple[Term, int]]] = field(default_factory=dict, init=False, repr=False)
    _prefix_lengths: list[int] = field(default_factory=list, init=False, repr=False)
    _heads: frozenset[str] = field(default=frozenset(), init=False, repr=False)
    _written_heads: frozenset[str] = field(default=frozenset(), init=False, repr=False)

    def __post_init__(self) -> None:
        exact: dict[str, list[tuple[Term, int]]] = defaultdict(list)
        prefixes: dict[str, list[tuple[Term, int]]] = defaultdict(list)
        for term in self.terms:
            key = key_word(term)
            by_prefix = term.prefix and key == len(term.words) - 1
            (prefixes if by_prefix else exact)[term.words[key]].append((term, key))
        self._exact, self._prefixes = dict(exact), dict(prefixes)
        self._prefix_lengths = sorted({len(p) for p in prefixes})
        # The first letters of every word a term can be found by: most words are passed over on one look-up.
        keys = [*exact, *prefixes]
        self._heads = frozenset(
            {w[:HEAD] for w in keys} | {(w + e)[:HEAD] for w in keys if len(w) < HEAD for e in ENDINGS}
        )
        self._written_heads = frozenset(spelling for head in self._heads for spelling in _spellings(head))

    def _candidates(self, word: str) -> Iterable[tuple[Term, int]]:
        yield from self._exact.get(word, ())
        for length in _ENDING_LENGTHS:
            if len(word) > length and word[-length:] in ENDINGS:
                yield from self._exact.get(word[:-length], ())
        for length in self._prefix_lengths:
            if len(word) >= length:
                yield from self._prefixes.get(word[:length], ())

    def find(self, text: str) -> list[TermMatch]:
        """Every occurrence of a term in ``text`` (a term once per position)."""
        lowered = text.lower()
        if len(lowered) != len(text) or _OTHER_LETTERS.search(text):
            folded = text.translate(_FOLDING)  # the long way: every word normalised first
            return self._find_in(folded, [normalised(w) for w in _WORD.findall(folded)], self._heads)
        written = _PLAIN_WORD.findall(lowered)  # no combining mark here: _OTHER_LETTERS sent those the long way
        if self._written_heads.isdisjoint(map(_HEAD_OF, written)):
            return []  # the usual case: no word begins like a term's, decided at C speed
        return self._find_in(lowered, written, self._written_heads, _PLAIN_WORD)

    def _find_in(
        self, source: str, written: list[str], heads: frozenset[str], word: re.Pattern[str] = _WORD
    ) -> list[TermMatch]:
        """``source``: the text with its characters where they stood, ``written`` its words as ``word`` finds them."""
        hits = [i for i, head in enumerate(map(_HEAD_OF, written)) if head in heads]
        words = _Words(written)
        found: dict[tuple[Term, int], TermMatch] = {}
        spans: list[tuple[int, int]] = []
        for index in hits:
            for term, key in self._candidates(words[index]):
                start = index - key
                if start >= 0 and (term, start) not in found and _phrase_at(term, words, start):
                    spans = spans or [m.span() for m in word.finditer(source)]  # only once something matched
                    found[term, start] = TermMatch(spans[start][0], spans[start + len(term.words) - 1][1], term)
        return list(found.values())


class _Words:
    """The text's words, each normalised when first looked at."""

    def __init__(self, written: list[str]):
        self.written = written
        self.normalised: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.written)

    def __getitem__(self, index: int) -> str:
        word = self.normalised.get(index)
        if word is None:
            word = self.normalised[index] = normalised(self.written[index])
        return word


_HEAD_OF = itemgetter(slice(None, HEAD))


def _spellings(head: str) -> set[str]:
    """Every lower-case spelling that folds to ``head`` ('mor' → 'mor', 'mör', 'mór', …)."""
    spellings = {""}
    for char in head:
        written = {char} | {w for w, folded in _UNFOLDING if folded == char}
        spellings = {s + w for s in spellings for w in written}
    return spellings


def _phrase_at(term: Term, words: _Words, start: int) -> bool:
    if start + len(term.words) > len(words):
        return False
    last = len(term.words) - 1
    return all(
        _word_matches(term_word, words[start + offset], term.prefix and offset == last)
        for offset, term_word in enumerate(term.words)
    )
