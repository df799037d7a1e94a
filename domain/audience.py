"""Who may see what of a channel's record: the one rule the API's reads and the service's
renderings share.

Everyone — the public, editors, managers, webmasters — sees the channel as published: a deleted
post without its text, and only visible comments. Records officers and auditors of the
organisation (and the operator) see the whole record: deleted text, hidden and removed comments,
with the decisions. A copy the service makes (a rendering) is made for one of these audiences
and may be read only by those who belong to it."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from domain.actors import Actor, Role

RECORD_READERS = frozenset({Role.RECORDS_OFFICER, Role.AUDITOR})


class Audience(StrEnum):
    """What a reader may see of a channel's record (målgrupp)."""

    PUBLIC = "public"
    """The channel as published: no deleted text, no hidden or removed comments."""
    RECORDS = "records"
    """The whole record, for records officers and auditors (registrator, revisor)."""

    @property
    def sees_deleted_text(self) -> bool:
        return self is Audience.RECORDS

    def sees_comment(self, visibility: str) -> bool:
        return self is Audience.RECORDS or visibility == "visible"


def audience_of(actor: Actor | None, org_id: UUID) -> Audience:
    """The widest audience ``actor`` belongs to for organisation ``org_id``'s records."""
    if actor is not None and actor.belongs_to(org_id) and (actor.role in RECORD_READERS or actor.role is Role.OPERATOR):
        return Audience.RECORDS
    return Audience.PUBLIC


def may_see(actor: Actor | None, org_id: UUID, audience: Audience) -> bool:
    """Whether ``actor`` may see what was made for ``audience``."""
    return audience is Audience.PUBLIC or audience_of(actor, org_id) is Audience.RECORDS
