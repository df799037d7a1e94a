"""The Swedish default lexicons, by version. A version, once in force, is never changed: a new
one is added with the date from which it applies, so that flags computed again (a rebuild of the
view) for a comment recorded earlier use the same terms as when it was recorded. Organisations
extend the defaults with their own terms (``OrganisationLexicon``)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

from domain.supervision.lexicon import LexiconKind, Term, valid_term

THREAT_TERMS_V1 = (
    "döda dig", "döda er", "döda honom", "döda henne", "mörda", "ihjäl", "skjuta dig", "skjuta er",
    "knivhugga", "spränga er", "spränga dig", "bränna ner", "tända eld på", "hänga dig", "strypa",
    "misshandla", "våldta", "dödshot", "hota", "jag vet var du bor", "vi vet var du bor", "du ska dö",
    "ni ska dö", "akta dig", "du kommer att ångra dig", "ska få vad ni förtjänar",
)  # fmt: skip
HATE_SPEECH_TERMS_V1 = (
    "utrota", "rasförrädare", "undermänniskor", "untermensch", "svartskall*", "blattar", "blatte",
    "zigenarpack", "parasiter", "kackerlackor", "sieg heil", "heil hitler", "vit makt", "white power",
    "skicka hem dem", "ut med dem", "invandrarhorder", "rena sverige",
)  # fmt: skip

DEFAULT_VERSIONS: tuple[tuple[datetime, int, dict[LexiconKind, tuple[str, ...]]], ...] = (
    (
        datetime(1990, 1, 1, tzinfo=UTC),
        1,
        {LexiconKind.THREAT: THREAT_TERMS_V1, LexiconKind.HATE_SPEECH: HATE_SPEECH_TERMS_V1},
    ),
)
"""(in force from, version, terms by lexicon), oldest first."""


def default_version_at(recorded_at: datetime) -> int:
    return max(version for since, version, _ in DEFAULT_VERSIONS if since <= recorded_at)


@lru_cache(maxsize=8)
def default_terms(version: int) -> tuple[Term, ...]:
    terms = next(terms for _, number, terms in DEFAULT_VERSIONS if number == version)
    return tuple(valid_term(kind, text) for kind, texts in terms.items() for text in texts)
