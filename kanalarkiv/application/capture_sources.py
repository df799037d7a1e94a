"""Connecting a channel to a live source (insamlingskälla), changing and disconnecting it. The
credentials are sealed in the credentials store before the source is recorded (the log holds
their id), replaced ones and a disconnected source's are destroyed. One platform account feeds
one channel: a claim on the account, kept with the source in one save."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

from domain.capture_source import CaptureSource
from domain.capture_source_claim import SourceAccountClaim
from domain.channel import CHANNEL_STEWARDS
from kanalarkiv.adapters.credentials import Credentials, CredentialStore
from kanalarkiv.adapters.poll_state import PollStates
from kanalarkiv.application.base import RecordsBase
from kanalarkiv.application.conflicts import command
from kanalarkiv.application.context import current_actor
from kanalarkiv.application.outcomes import AlreadyExists, Recorded


class CaptureSourceCommands(RecordsBase):
    credentials: CredentialStore
    poll_states: PollStates

    def connect_capture_source(
        self,
        channel_id: UUID,
        kind: str,
        *,
        platform_id: str | None,
        url: str | None,
        polling_interval: timedelta,
        credentials: Credentials | None,
    ) -> Recorded:
        channel = self.get_channel(channel_id)
        by, at = current_actor(), self.clock()
        by.require(CHANNEL_STEWARDS, channel.org_id, "connecting a capture source")  # before anything is sealed
        source_id = uuid4()
        account = (platform_id or url or "").strip()
        claim = self._find(SourceAccountClaim.id_for(kind, account), SourceAccountClaim, "claim") if account else None
        if claim is not None and claim.held:
            raise AlreadyExists(
                f"platform_id: the {kind} account {account} is already connected to a channel"
                f" (source {claim.source_id if claim.org_id == channel.org_id else 'of another organisation'});"
                " disconnect it there first"
            )
        sealed = self.credentials.seal(channel.org_id, credentials) if credentials else None
        try:
            source = CaptureSource.connect(
                source_id, channel.org_id, channel.id, channel.platform.value, kind,
                platform_id=platform_id, url=url, polling_interval=polling_interval, credentials_id=sealed,
                by=by, at=at,
            )  # fmt: skip
            if claim is None:
                claim = SourceAccountClaim.claim(kind, account, source_id, channel.org_id, by, at)
            else:
                claim.reclaim(source_id, channel.id, channel.org_id, by, at)
            return self._recorded(source, claim)
        except Exception:
            if sealed is not None:
                self.credentials.destroy(sealed, channel.org_id)
            raise

    @command
    def change_capture_source(
        self,
        source_id: UUID,
        *,
        polling_interval: timedelta | None = None,
        url: str | None = None,
        credentials: Credentials | None = None,
        expected_version: int | None = None,
    ) -> Recorded:
        """New credentials are sealed under a new id and the old ones destroyed once the change is
        recorded; giving a suspended source new credentials resumes its polling."""
        source = self._versioned(source_id, CaptureSource, "capture source", expected_version)
        current_actor().require(CHANNEL_STEWARDS, source.org_id, "changing a capture source")
        old = source.credentials_id
        sealed = self.credentials.seal(source.org_id, credentials) if credentials else None
        try:
            source.change(
                polling_interval=polling_interval or source.polling_interval,
                url=url or source.url,
                credentials_id=sealed or old,
                by=current_actor(),
                at=self.clock(),
            )
            recorded = self._recorded(source) if source.pending_events else self._unchanged(source)
        except Exception:
            if sealed is not None:
                self.credentials.destroy(sealed, source.org_id)
            raise
        if sealed is not None:
            self.poll_states.forget(source.id)  # new credentials: due now, whatever failed before
            if old is not None:
                self.credentials.destroy(old, source.org_id)
        return recorded

    @command
    def disconnect_capture_source(self, source_id: UUID, reason: str, expected_version: int | None = None) -> Recorded:
        source = self._versioned(source_id, CaptureSource, "capture source", expected_version)
        by, at = current_actor(), self.clock()
        source.disconnect(reason, by=by, at=at)
        claim = self._find(SourceAccountClaim.id_for(source.kind.value, source.platform_id or source.url or ""),
                           SourceAccountClaim, "claim")  # fmt: skip
        others = []
        if claim is not None:
            claim.release(source.id, by, at)
            others.append(claim)
        recorded = self._recorded(source, *others)
        if source.credentials_id is not None:
            self.credentials.destroy(source.credentials_id, source.org_id)
        return recorded

    def get_capture_source(self, source_id: UUID) -> CaptureSource:
        return self._get(source_id, CaptureSource, "capture source")

    def _unchanged(self, source: CaptureSource) -> Recorded:
        return Recorded(source.id, source.version, self.recorder.max_notification_id() or 0)
