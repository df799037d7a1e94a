"""Who acts: an actor of an organisation in one role (or the system's operator at the CLI)."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from domain.errors import ForeignOrganisation, NotPermitted


class Role(StrEnum):
    """The roles an actor can hold. Swedish: registrator/arkivarie, revisor/granskare,
    chef, redaktör, webbansvarig; a capture client records what appeared on a platform
    (insamlingsklient); the operator runs the CLI on the server. The public (allmänheten) holds
    no token: it is the actor of what anyone may do without one, such as asking for a record
    (efterforskningsförbud: who asked is not recorded)."""

    RECORDS_OFFICER = "records_officer"
    AUDITOR = "auditor"
    MANAGER = "manager"
    EDITOR = "editor"
    WEBMASTER = "webmaster"
    CAPTURE_CLIENT = "capture_client"
    OPERATOR = "operator"
    PUBLIC = "public"


TOKEN_ROLES = (Role.RECORDS_OFFICER, Role.AUDITOR, Role.MANAGER, Role.EDITOR, Role.WEBMASTER, Role.CAPTURE_CLIENT)


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    role: Role
    org_id: UUID | None = None

    @classmethod
    def operator(cls, login: str) -> Actor:
        """The person running the CLI on the server, acting for every organisation."""
        return cls(id=f"operator:{login}", name=login, role=Role.OPERATOR, org_id=None)

    @classmethod
    def public(cls, org_id: UUID) -> Actor:
        """Anyone, not named: the one actor of every request for public records."""
        return cls(id="public", name="allmänheten", role=Role.PUBLIC, org_id=org_id)

    def require(self, roles: AbstractSet[Role], org_id: UUID, doing: str) -> None:
        """Refuse unless this actor holds one of ``roles`` in organisation ``org_id``."""
        if self.role is Role.OPERATOR:
            return
        if self.org_id != org_id:
            raise ForeignOrganisation(f"{doing}: the record belongs to another organisation")
        if self.role not in roles:
            allowed = ", ".join(sorted(r.value for r in roles))
            raise NotPermitted(f"{doing} requires the role {allowed}; you act as {self.role.value}")

    def belongs_to(self, org_id: UUID) -> bool:
        return self.role is Role.OPERATOR or self.org_id == org_id
