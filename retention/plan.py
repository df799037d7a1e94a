"""The records plan (dokumenthanteringsplan): record classes and their retention rules."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid5

from domain.actors import Actor, Role
from domain.base import RecordAggregate, required_text
from domain.errors import InvalidValue
from domain.organisation import NAMESPACE


class RuleKind(StrEnum):
    KEEP = "keep"  # bevaras
    AFTER_PERIOD = "after_period"  # gallras efter en tid från en händelse
    WHEN_NO_LONGER_RELEVANT = "when_no_longer_relevant"  # gallras vid inaktualitet (needs a decision)


class Trigger(StrEnum):
    CREATED = "created"  # published (upprättad) or received (inkommen)
    REMOVED = "removed"  # deleted from the channel, or a comment removed
    CASE_CLOSED = "case_closed"


class RecordKind(StrEnum):
    POST = "post"
    COMMENT = "comment"
    REMOVED_COMMENT = "removed_comment"
    REPLY = "reply"
    SNAPSHOT = "snapshot"
    DIARY_ENTRY = "diary_entry"
    ASSIGNMENT = "assignment"
    PUBLIC_REQUEST = "public_request"  # begäran om allmän handling: the requester's contact details
    REQUEST_COPY = "request_copy"  # the copy released on a request (utlämnad kopia)


OPTIONAL_KINDS = frozenset({RecordKind.PUBLIC_REQUEST, RecordKind.REQUEST_COPY})
"""Kinds added after plans were adopted: a plan without their classes keeps such records."""


DEFAULT_CLASS = {kind: kind.value for kind in RecordKind}
"""A record's class when it is created: the class whose code is its kind."""

_PERIOD = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?$")
LONGEST_PERIOD_MONTHS = 100 * 12
"""A disposal period longer than a century is no period: such records are kept (the rule keep)."""


def period_months(period: str | None) -> int:
    """ISO 8601 years and months, e.g. P2Y, P6M, P1Y6M."""
    match = _PERIOD.match(period or "")
    if not match or not any(match.groups()):
        raise InvalidValue("period", "give the period as ISO 8601 years and months, e.g. P2Y or P1Y6M")
    months = int(match.group(1) or 0) * 12 + int(match.group(2) or 0)
    if months > LONGEST_PERIOD_MONTHS:
        raise InvalidValue(
            "period", "must be at most a hundred years (P100Y); records kept for good have the rule keep"
        )
    return months


@dataclass(frozen=True)
class RecordClass:
    """A class in the plan (handlingstyp) with its rule and the rule's legal basis."""

    code: str
    name: str
    rule: str
    legal_basis: str
    period: str | None = None
    trigger: str | None = None

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> RecordClass:
        code = required_text("classes.code", str(raw.get("code", "")), 60)
        try:
            rule = RuleKind(raw.get("rule", ""))
        except ValueError:
            raise InvalidValue("classes.rule", f"{code}: rule must be one of {', '.join(RuleKind)}") from None
        period, trigger = raw.get("period"), raw.get("trigger")
        if rule is RuleKind.AFTER_PERIOD:
            period_months(period)
            try:
                trigger = Trigger(trigger or "").value

            except ValueError:
                raise InvalidValue("classes.trigger", f"{code}: trigger must be one of {', '.join(Trigger)}") from None
        elif period or trigger:
            raise InvalidValue("classes.period", f"{code}: only an after_period rule has a period and trigger")
        return cls(
            code,
            required_text("classes.name", str(raw.get("name", "")), 200),
            rule.value,
            required_text("classes.legal_basis", str(raw.get("legal_basis", "")), 500),
            period,
            trigger,
        )

    @property
    def months(self) -> int | None:
        return period_months(self.period) if self.period else None


class RecordsPlan(RecordAggregate):
    """An organisation's records plan; each adoption is a new version, never an edit."""

    class Opened(RecordAggregate.Created):
        """The organisation's records plan was set up."""

    class VersionAdopted(RecordAggregate.Event):
        """A version of the plan was adopted (fastställd), with its classes and rules."""

        version: int
        classes: list[dict[str, Any]]
        decision_reference: str

        def apply(self, plan: RecordsPlan) -> None:
            plan.plan_version = self.version
            plan.classes = {c["code"]: RecordClass(**c) for c in self.classes}

    def __init__(self, org_id: UUID):
        self.org_id = org_id
        self.plan_version = 0
        self.classes: dict[str, RecordClass] = {}

    @staticmethod
    def id_for(org_id: UUID) -> UUID:
        return uuid5(NAMESPACE, f"records-plan/{org_id}")

    @classmethod
    def open(cls, org_id: UUID, by: Actor, at: datetime) -> RecordsPlan:
        by.require({Role.RECORDS_OFFICER}, org_id, "setting up the records plan")
        return cls._create(cls.Opened, id=cls.id_for(org_id), **cls.envelope(by, at, None, org_id))

    def adopt(self, classes: list[dict[str, Any]], decision_reference: str, by: Actor, at: datetime) -> None:
        by.require({Role.RECORDS_OFFICER}, self.org_id, "adopting a records plan")
        parsed = validate_classes(classes)
        self._record(
            self.VersionAdopted,
            by,
            at,
            version=self.plan_version + 1,
            classes=[asdict(c) for c in parsed],
            decision_reference=required_text("decision_reference", decision_reference, 200),
        )


def validate_classes(classes: list[dict[str, Any]]) -> list[RecordClass]:
    parsed = [RecordClass.parse(raw) for raw in classes]
    codes = [c.code for c in parsed]
    if len(set(codes)) != len(codes):
        raise InvalidValue("classes", "each class code appears once")
    missing = sorted({DEFAULT_CLASS[k] for k in RecordKind if k not in OPTIONAL_KINDS} - set(codes))
    if missing:
        raise InvalidValue(
            "classes", f"the plan must give a rule for every kind of record; missing {', '.join(missing)}"
        )
    return parsed
