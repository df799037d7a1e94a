"""The fixed, documented grounds on which content is removed from a channel.

BBS-lagen (1998:112) 5 § names what a forum provider must remove; GDPR and OSL add offensive
personal data and secret information; the forum's own etiquette (god debattsed) covers the rest.
A post the body deletes itself may also be deleted on its own decision or as published by mistake.
"""

from __future__ import annotations

import re
from enum import StrEnum

from domain.errors import InvalidValue


class Ground(StrEnum):
    UNLAWFUL_THREAT = "unlawful_threat"
    UNLAWFUL_INVASION_OF_PRIVACY = "unlawful_invasion_of_privacy"
    INCITEMENT = "incitement"
    AGITATION_AGAINST_A_POPULATION_GROUP = "agitation_against_a_population_group"
    CHILD_PORNOGRAPHY = "child_pornography"
    UNLAWFUL_DEPICTION_OF_VIOLENCE = "unlawful_depiction_of_violence"
    PUBLIC_INCITEMENT_TO_TERRORISM = "public_incitement_to_terrorism"
    COPYRIGHT_INFRINGEMENT = "copyright_infringement"
    OFFENSIVE_PERSONAL_DATA = "offensive_personal_data"
    SECRECY = "secrecy"
    ETIQUETTE = "etiquette"
    SPAM = "spam"
    OFF_TOPIC = "off_topic"
    OWN_DECISION = "own_decision"
    PUBLISHED_BY_MISTAKE = "published_by_mistake"
    NOT_STATED = "not_stated"

    @property
    def label_sv(self) -> str:
        return GROUND_INFO[self][0]

    @property
    def law(self) -> str:
        return GROUND_INFO[self][1]


GROUND_INFO: dict[Ground, tuple[str, str]] = {
    Ground.UNLAWFUL_THREAT: ("Olaga hot", "BBS-lagen 5 §, BrB 4 kap. 5 §"),
    Ground.UNLAWFUL_INVASION_OF_PRIVACY: ("Olaga integritetsintrång", "BBS-lagen 5 §, BrB 4 kap. 6 c §"),
    Ground.INCITEMENT: ("Uppvigling", "BBS-lagen 5 §, BrB 16 kap. 5 §"),
    Ground.AGITATION_AGAINST_A_POPULATION_GROUP: ("Hets mot folkgrupp", "BBS-lagen 5 §, BrB 16 kap. 8 §"),
    Ground.CHILD_PORNOGRAPHY: ("Barnpornografibrott", "BBS-lagen 5 §, BrB 16 kap. 10 a §"),
    Ground.UNLAWFUL_DEPICTION_OF_VIOLENCE: ("Olaga våldsskildring", "BBS-lagen 5 §, BrB 16 kap. 10 b §"),
    Ground.PUBLIC_INCITEMENT_TO_TERRORISM: (
        "Offentlig uppmaning till terrorism",
        "BBS-lagen 5 §, terroristbrottslagen (2022:666) 9 §",
    ),
    Ground.COPYRIGHT_INFRINGEMENT: ("Upphovsrättsintrång", "BBS-lagen 5 §, upphovsrättslagen 53 §"),
    Ground.OFFENSIVE_PERSONAL_DATA: ("Kränkande personuppgifter", "GDPR art. 6, 9, 17; dataskyddslagen"),
    Ground.SECRECY: ("Sekretess", "OSL (anges med kapitel och paragraf)"),
    Ground.ETIQUETTE: ("Strider mot god debattsed", "Forumets regler"),
    Ground.SPAM: ("Skräppost", "Forumets regler"),
    Ground.OFF_TOPIC: ("Ämnet för forumet", "Forumets regler"),
    Ground.OWN_DECISION: ("Eget beslut, inaktuell", "Myndighetens eget beslut"),
    Ground.PUBLISHED_BY_MISTAKE: ("Publicerad av misstag", "Myndighetens eget beslut"),
    Ground.NOT_STATED: ("Skäl ej angivet (borttagen utanför kanalarkiv)", "—"),
}

MODERATION_GROUNDS = frozenset(Ground) - {Ground.OWN_DECISION, Ground.PUBLISHED_BY_MISTAKE, Ground.NOT_STATED}
POST_DELETION_GROUNDS = frozenset(Ground) - {Ground.NOT_STATED}
REVIEW_GROUNDS = frozenset({Ground.OWN_DECISION, Ground.NOT_STATED})
"""Deletions on these grounds appear in the compliance view for a manager to review."""

_PROVISION = re.compile(r"^(?:OSL\s*)?(\d{1,2})\s*(?:kap\.?|:)\s*(\d{1,2}\s?[a-z]?)\s*§?$", re.IGNORECASE)


def valid_ground(value: str, allowed: frozenset[Ground], field: str = "ground") -> Ground:
    try:
        ground = Ground(value)
    except ValueError:
        ground = None
    if ground not in allowed:
        names = ", ".join(sorted(g.value for g in allowed))
        raise InvalidValue(field, f"must be one of {names}")
    return ground


def valid_provision(ground: Ground, provision: str | None) -> str | None:
    """Secrecy names its OSL provision, normalised to 'OSL 26 kap. 1 §'; other grounds take none."""
    if ground is not Ground.SECRECY:
        if provision:
            raise InvalidValue("provision", "only a secrecy ground names an OSL provision")
        return None
    return osl_provision(provision)


def osl_provision(provision: str | None) -> str:
    """The OSL provision that secrecy names, normalised to 'OSL 26 kap. 1 §'."""
    match = _PROVISION.match((provision or "").strip())
    if not match:
        raise InvalidValue("provision", "secrecy must name the OSL provision, e.g. 'OSL 26 kap. 1 §' or '26:1'")
    return f"OSL {int(match.group(1))} kap. {match.group(2).replace(' ', '')} §"
