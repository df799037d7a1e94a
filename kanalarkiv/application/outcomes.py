"""What commands answer, and the lookup errors shared by the application's command groups."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.errors import DomainError


class RecordNotFound(DomainError, LookupError):
    """No record of that kind with that id exists."""


class AlreadyExists(DomainError):
    """A record with the same unique key (a slug, an organisation number) already exists."""


@dataclass(frozen=True)
class Recorded:
    """What a command recorded: the record's id and version, and the log position to wait for."""

    id: UUID
    version: int
    position: int

    def for_record(self, record_id: UUID) -> Recorded:
        """The same recording, named by a record inside the aggregate (an assignment, a reply)."""
        return Recorded(record_id, self.version, self.position)
