"""One platform account feeds one channel: the claim on an account (or a feed's address), its id
derived from the kind and the account, held by the source connected to it and released when that
source is disconnected. Two connections of the same account cannot both be saved: the second
finds the claim held, or loses the race on its id."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid5

from domain.actors import Actor
from domain.base import RecordAggregate
from domain.organisation import NAMESPACE


class SourceAccountClaim(RecordAggregate):
    """Which connected source holds a platform account (insamlingskällans konto)."""

    class Claimed(RecordAggregate.Created):
        """The account was claimed by a newly connected source."""

        kind: str
        account: str
        source_id: UUID

    class Released(RecordAggregate.Event):
        """The source holding the account was disconnected: the account is free again."""

        source_id: UUID

        def apply(self, claim: SourceAccountClaim) -> None:
            claim.source_id = None

    class Reclaimed(RecordAggregate.Event):
        """A free account was claimed again, by another source (of this or another organisation)."""

        source_id: UUID
        channel_id: UUID

        def apply(self, claim: SourceAccountClaim) -> None:
            claim.source_id = self.source_id
            claim.org_id = self.org_id

    def __init__(self, org_id: UUID, kind: str, account: str, source_id: UUID):
        self.org_id = org_id
        self.kind = kind
        self.account = account
        self.source_id: UUID | None = source_id

    @staticmethod
    def id_for(kind: str, account: str) -> UUID:
        return uuid5(NAMESPACE, f"capture-source-account/{kind}/{account.strip()}")

    @classmethod
    def claim(
        cls, kind: str, account: str, source_id: UUID, org_id: UUID, by: Actor, at: datetime
    ) -> SourceAccountClaim:
        return cls._create(
            cls.Claimed,
            id=cls.id_for(kind, account),
            kind=kind,
            account=account.strip(),
            source_id=source_id,
            **cls.envelope(by, at, None, org_id),
        )

    @property
    def held(self) -> bool:
        return self.source_id is not None

    def reclaim(self, source_id: UUID, channel_id: UUID, org_id: UUID, by: Actor, at: datetime) -> None:
        self.trigger_event(
            self.Reclaimed, source_id=source_id, channel_id=channel_id, **self.envelope(by, at, None, org_id)
        )

    def release(self, source_id: UUID, by: Actor, at: datetime) -> None:
        if self.source_id == source_id:
            self._record(self.Released, by, at, source_id=source_id)
