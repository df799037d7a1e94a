"""Bearer tokens through which the organisation's staff act. Only a hash of the secret is kept."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.actors import TOKEN_ROLES, Actor, Role
from domain.base import RecordAggregate, required_text
from domain.errors import InvalidTransition, InvalidValue, NotPermitted


class AccessToken(RecordAggregate):
    """A credential for one actor (a person or a client) in one role in one organisation."""

    class Issued(RecordAggregate.Created):
        """A token was issued (behörighet tilldelad); ``token_hash`` is SHA-256 of the secret."""

        subject_id: str
        display_name: str
        role: str
        token_hash: str

    class Revoked(RecordAggregate.Event):
        """The token was revoked (behörighet återkallad) and no longer authenticates."""

        reason: str

        def apply(self, token: AccessToken) -> None:
            token.revoked = True

    def __init__(self, org_id: UUID, subject_id: str, display_name: str, role: str, token_hash: str):
        self.org_id = org_id
        self.subject_id = subject_id
        self.display_name = display_name
        self.role = Role(role)
        self.token_hash = token_hash
        self.revoked = False

    @classmethod
    def issue(
        cls,
        token_id: UUID,
        org_id: UUID,
        subject_id: str,
        display_name: str,
        role: str,
        token_hash: str,
        by: Actor,
        at: datetime,
    ) -> AccessToken:
        if by.role is not Role.OPERATOR:
            raise NotPermitted("tokens are issued by the operator, at the CLI")
        if role not in {r.value for r in TOKEN_ROLES}:
            allowed = ", ".join(r.value for r in TOKEN_ROLES)
            raise InvalidValue("role", f"must be one of {allowed}")
        return cls._create(
            cls.Issued,
            id=token_id,
            subject_id=required_text("subject_id", subject_id, 200),
            display_name=required_text("name", display_name, 200),
            role=role,
            token_hash=token_hash,
            **cls.envelope(by, at, None, org_id),
        )

    def revoke(self, reason: str, by: Actor, at: datetime) -> None:
        if by.role is not Role.OPERATOR:
            raise NotPermitted("tokens are revoked by the operator, at the CLI")
        if self.revoked:
            raise InvalidTransition("the token is already revoked")
        self._record(self.Revoked, by, at, reason=required_text("reason", reason))
