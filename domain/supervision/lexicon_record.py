"""An organisation's own lexicon terms (egna ord), added to the Swedish defaults. Every change is
an event, so the terms in force when any comment was recorded can be told again."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid5

from domain.actors import Actor, Role
from domain.base import RecordAggregate
from domain.errors import InvalidValue
from domain.organisation import NAMESPACE
from domain.supervision.lexicon import MAX_TERMS, MAX_TERMS_PER_CHANGE, LexiconKind, Term, valid_term

LEXICON_KEEPERS = {Role.MANAGER, Role.RECORDS_OFFICER}


def valid_kind(value: str) -> LexiconKind:
    try:
        return LexiconKind(value)
    except ValueError:
        raise InvalidValue("kind", f"must be one of {', '.join(k.value for k in LexiconKind)}") from None


class OrganisationLexicon(RecordAggregate):
    """The terms an organisation added to its lexicons; its id is derived from the organisation's."""

    class Opened(RecordAggregate.Created):
        """The organisation's lexicon was started with its first change."""

    class TermsAdded(RecordAggregate.Event):
        """Terms were added to a lexicon (threat, hate_speech, own_term); they apply to comments
        recorded from then on."""

        kind: str
        terms: list[str]

        def apply(self, lexicon: OrganisationLexicon) -> None:
            lexicon.terms[self.kind] = [*lexicon.terms.get(self.kind, []), *self.terms]

    class TermsRemoved(RecordAggregate.Event):
        """Terms the organisation had added were taken out of a lexicon."""

        kind: str
        terms: list[str]

        def apply(self, lexicon: OrganisationLexicon) -> None:
            gone = set(self.terms)
            lexicon.terms[self.kind] = [t for t in lexicon.terms.get(self.kind, []) if t not in gone]

    def __init__(self, org_id: UUID):
        self.org_id = org_id
        self.terms: dict[str, list[str]] = {}

    @staticmethod
    def id_for(org_id: UUID) -> UUID:
        return uuid5(NAMESPACE, f"lexicon/{org_id}")

    @classmethod
    def open(cls, org_id: UUID, by: Actor, at: datetime) -> OrganisationLexicon:
        by.require(LEXICON_KEEPERS, org_id, "changing the organisation's lexicons")
        return cls._create(cls.Opened, id=cls.id_for(org_id), **cls.envelope(by, at, None, org_id))

    def add_terms(self, kind: str, terms: list[str], by: Actor, at: datetime) -> None:
        by.require(LEXICON_KEEPERS, self.org_id, "changing the organisation's lexicons")
        chosen = valid_kind(kind)
        checked = self._checked(chosen, terms)
        present = {valid_term(chosen, t).words for t in self.terms.get(chosen.value, [])}
        new = list({t.words: t.text for t in checked if t.words not in present}.values())
        if not new:
            raise InvalidValue("terms", "every term is already in the lexicon")
        if len(self.terms.get(chosen.value, [])) + len(new) > MAX_TERMS:
            raise InvalidValue("terms", f"a lexicon holds at most {MAX_TERMS} terms of the organisation's own")
        self._record(self.TermsAdded, by, at, kind=chosen.value, terms=new)

    def remove_terms(self, kind: str, terms: list[str], by: Actor, at: datetime) -> None:
        by.require(LEXICON_KEEPERS, self.org_id, "changing the organisation's lexicons")
        chosen = valid_kind(kind)
        wanted = {t.words for t in self._checked(chosen, terms)}
        held = [t for t in self.terms.get(chosen.value, []) if valid_term(chosen, t).words in wanted]
        if len(held) != len(wanted):
            raise InvalidValue("terms", "only terms the organisation added can be removed")
        self._record(self.TermsRemoved, by, at, kind=chosen.value, terms=held)

    def own_terms(self) -> list[Term]:
        return [valid_term(LexiconKind(kind), text) for kind, texts in self.terms.items() for text in texts]

    @staticmethod
    def _checked(kind: LexiconKind, terms: list[str]) -> list[Term]:
        if not terms:
            raise InvalidValue("terms", "name at least one term")
        if len(terms) > MAX_TERMS_PER_CHANGE:
            raise InvalidValue("terms", f"at most {MAX_TERMS_PER_CHANGE} terms in one change")
        return [valid_term(kind, term) for term in terms]
