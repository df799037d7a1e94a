"""The rules of a request for public records (begäran om allmän handling, TF 2:15–16) that are
plain functions: how the requester wants the records, how to reach them, the request's number,
when an answer is late, and what a copy costs.

TF 2:15 asks that a request be handled skyndsamt; JO has held that a request should as a rule be
answered the same day or the next, so a request still open at the end of the next working day
(Swedish working time, ``domain.supervision.working_time``) is late. The fee follows the
organisation's schedule; the default is the state's (avgiftsförordningen 1992:191, 15–16 §§):
the first nine pages free, the tenth 50 kr, each further page 2 kr; e-mail and viewing free."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID, uuid5

from domain.errors import InvalidValue
from domain.organisation import NAMESPACE
from domain.period import SWEDISH_TIME
from domain.supervision.working_time import DAY_ENDS, SWEDEN, is_working_day, working_time_between
from domain.values import optional_text

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,63}$")
_NUMBER = re.compile(r"^BEG (\d{4})/(\d{1,6})$")


class DeliveryForm(StrEnum):
    """How the requester wants the records (utlämnandeform)."""

    PAPER = "paper"  # kopia på papper
    EMAIL = "email"  # kopia per e-post
    ON_SITE = "on_site"  # ta del av handlingen på plats

    @property
    def label_sv(self) -> str:
        return {"paper": "kopia på papper", "email": "kopia per e-post", "on_site": "läsa på plats"}[self.value]


class Outcome(StrEnum):
    """The menprövning of one requested record."""

    RELEASE = "release"  # lämnas ut
    RELEASE_MASKED = "release_masked"  # lämnas ut med maskering
    REFUSE = "refuse"  # lämnas inte ut (avslag)

    @property
    def label_sv(self) -> str:
        return {"release": "lämnas ut", "release_masked": "lämnas ut med maskering", "refuse": "lämnas inte ut"}[
            self.value
        ]


class ItemKind(StrEnum):
    """What a requested item names, once the service has looked it up."""

    DIARY_ENTRY = "diary_entry"
    POST = "post"
    COMMENT = "comment"
    UNRESOLVED = "unresolved"  # free text, or a number or id the service did not find: the officer resolves it


@dataclass(frozen=True)
class Contact:
    """What is needed to deliver, and nothing more (no name: efterforskningsförbud)."""

    form: DeliveryForm
    email: str | None = None
    postal_address: str | None = None
    collect: bool = False

    @classmethod
    def checked(cls, form: str, email: str | None, postal_address: str | None, collect: bool) -> Contact:
        try:
            chosen = DeliveryForm(form)
        except ValueError:
            raise InvalidValue("form", f"must be one of {', '.join(DeliveryForm)}") from None
        email = optional_text("email", email, 254)
        postal_address = optional_text("postal_address", postal_address, 300)
        if email is not None and not _EMAIL.match(email):
            raise InvalidValue("email", "an e-mail address reads like namn@example.se")
        if chosen is DeliveryForm.EMAIL and email is None:
            raise InvalidValue("email", "a copy by e-mail needs the address to send it to")
        if chosen is DeliveryForm.PAPER and postal_address is None and not collect:
            raise InvalidValue("postal_address", "a paper copy is posted to an address, or collected: give one")
        return cls(chosen, email, postal_address, collect and chosen is not DeliveryForm.EMAIL)


@dataclass(frozen=True, order=True)
class RequestNumber:
    """``BEG 2026/0007``: the organisation's requests numbered per year, gap-free as the diary's."""

    year: int
    sequence: int

    def __str__(self) -> str:
        return f"BEG {self.year}/{self.sequence:04d}"

    @classmethod
    def parse(cls, value: str) -> RequestNumber:
        match = _NUMBER.match(" ".join((value or "").split()).upper())
        if not match or int(match.group(2)) == 0:
            raise InvalidValue("number", "a request number reads like 'BEG 2026/0007'")
        return cls(int(match.group(1)), int(match.group(2)))

    def request_id(self, org_id: UUID) -> UUID:
        return uuid5(NAMESPACE, f"public-request/{org_id}/{self.year}/{self.sequence}")


def request_year(at: datetime) -> int:
    return at.astimezone(SWEDISH_TIME).year


def answer_due(received_at: datetime) -> datetime:
    """The end of the next working day after the day the request came in on."""
    day = received_at.astimezone(SWEDEN).date() + timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, DAY_ENDS, SWEDEN)


def is_late(received_at: datetime, now: datetime, answered_at: datetime | None = None) -> bool:
    return (answered_at or now) > answer_due(received_at)


def working_hours(received_at: datetime, until: datetime) -> float:
    """A request's age in working hours (kontorstid), to one decimal."""
    return round(working_time_between(received_at, until) / timedelta(hours=1), 1)


@dataclass(frozen=True)
class FeeSchedule:
    """An organisation's fees for paper copies (avgifter för kopior)."""

    free_pages: int = 9
    first_charged_page_kr: int = 50
    further_page_kr: int = 2

    def fee(self, pages: int, form: DeliveryForm) -> int:
        """What a copy of ``pages`` pages costs in kronor; e-mail and viewing on site are free."""
        if form is not DeliveryForm.PAPER or pages <= self.free_pages:
            return 0
        return self.first_charged_page_kr + (pages - self.free_pages - 1) * self.further_page_kr

    @classmethod
    def checked(cls, free_pages: int, first_charged_page_kr: int, further_page_kr: int) -> FeeSchedule:
        for field, value in (
            ("free_pages", free_pages),
            ("first_charged_page_kr", first_charged_page_kr),
            ("further_page_kr", further_page_kr),
        ):
            if not 0 <= value <= 10_000:
                raise InvalidValue(field, "must be between 0 and 10000")
        return cls(free_pages, first_charged_page_kr, further_page_kr)


STATE_FEES = FeeSchedule()
"""The state's schedule (avgiftsförordningen 15–16 §§), the default."""


APPEAL_INSTRUCTIONS = (
    "Beslutet kan överklagas hos kammarrätten (2 kap. 19 § tryckfrihetsförordningen, 6 kap. 7 § offentlighets- "
    "och sekretesslagen). Överklagandet ska vara skriftligt och ha kommit in till myndigheten inom tre veckor "
    "från den dag då du fick del av beslutet. Skriv vilket beslut du överklagar och hur du vill att det ändras. "
    "Myndigheten prövar först om beslutet ska ändras och skickar annars överklagandet till kammarrätten."
)


@dataclass(frozen=True)
class RequestedItem:
    """One record asked for: as the requester named it, and what the service found it to be.
    ``held_id`` is the record a disposal hold keeps while the request is open (for a diary entry,
    the post or comment it registers)."""

    kind: str
    reference: str
    record_id: UUID | None = None
    held_id: UUID | None = None


@dataclass(frozen=True)
class Assessment:
    outcome: str
    provision: str | None
    reason: str | None
    masks: tuple[tuple[int, int], ...] = ()
