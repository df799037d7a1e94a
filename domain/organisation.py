"""The public body that owns everything else: a municipality or region (kommun, region)."""

from __future__ import annotations

import re
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.actors import Actor, Role
from domain.base import RecordAggregate, required_text
from domain.errors import InvalidValue, NotPermitted

NAMESPACE = uuid5(NAMESPACE_URL, "https://kanalarkiv.se/id/")

NAME_PUBLISHERS = frozenset({Role.RECORDS_OFFICER, Role.MANAGER})
"""Who decides whether the web diary publishes private persons' names."""

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_ORG_NUMBER = re.compile(r"^(\d{6})-?(\d{4})$")


def organisation_id(slug: str) -> UUID:
    """One organisation per slug: the id is derived from it, so a second one cannot be saved."""
    return uuid5(NAMESPACE, f"organisation/{slug}")


def valid_slug(slug: str) -> str:
    if not _SLUG.match(slug or ""):
        raise InvalidValue("slug", "use 1-63 lower-case letters a-z, digits and hyphens, e.g. valdemarsvik")
    return slug


def valid_organisation_number(number: str) -> str:
    """A Swedish organisationsnummer, NNNNNN-NNNN, whose last digit is a Luhn check digit."""
    match = _ORG_NUMBER.match((number or "").strip())
    if not match:
        raise InvalidValue("number", "an organisation number is ten digits, NNNNNN-NNNN")
    digits = match.group(1) + match.group(2)
    if not _luhn_valid(digits):
        raise InvalidValue("number", f"{number} has a wrong check digit")
    return f"{match.group(1)}-{match.group(2)}"


def _luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return total % 10 == 0


class Organisation(RecordAggregate):
    """A public body (myndighet): kommun or region, with its organisationsnummer."""

    class Registered(RecordAggregate.Created):
        """The organisation was registered in kanalarkiv (organisation registrerad)."""

        slug: str
        name: str
        number: str

    class NamePublicationChanged(RecordAggregate.Event):
        """Whether the web diary publishes private persons' names (a commenter as sender): off
        until a records officer or manager turns it on. The diary itself always holds them."""

        published: bool

        def apply(self, organisation: Organisation) -> None:
            organisation.names_published = self.published

    def __init__(self, org_id: UUID, slug: str, name: str, number: str):
        self.org_id = org_id
        self.slug = slug
        self.name = name
        self.number = number
        self.names_published = False

    @classmethod
    def register(cls, slug: str, name: str, number: str, by: Actor, at: datetime) -> Organisation:
        if by.role is not Role.OPERATOR:
            raise NotPermitted("registering an organisation is done by the operator, at the CLI")
        slug = valid_slug(slug)
        org_id = organisation_id(slug)
        return cls._create(
            cls.Registered,
            id=org_id,
            slug=slug,
            name=required_text("name", name, 200),
            number=valid_organisation_number(number),
            **cls.envelope(by, at, None, org_id),
        )

    def publish_names(self, published: bool, by: Actor, at: datetime) -> None:
        """Turn publication of private persons' names on the web (diary page and public API) on or off."""
        by.require(NAME_PUBLISHERS, self.id, "choosing whether the web diary publishes private persons' names")
        if published == self.names_published:
            raise InvalidValue("published", f"names are already {'published' if published else 'not published'}")
        self._record(self.NamePublicationChanged, by, at, published=published)


class OrganisationNumberClaim(RecordAggregate):
    """Keeps organisation numbers unique: its id is derived from the number."""

    class Claimed(RecordAggregate.Created):
        """The organisation number was taken by an organisation."""

        number: str

    def __init__(self, org_id: UUID, number: str):
        self.org_id = org_id
        self.number = number

    @staticmethod
    def id_for(number: str) -> UUID:
        return uuid5(NAMESPACE, f"organisation-number/{number}")

    @classmethod
    def claim(cls, organisation: Organisation, by: Actor, at: datetime) -> OrganisationNumberClaim:
        return cls._create(
            cls.Claimed,
            id=cls.id_for(organisation.number),
            number=organisation.number,
            **cls.envelope(by, at, None, organisation.id),
        )
