"""Renewing a live source's access token where the platform's expire, and sealing the new one
under the same credentials id (``CredentialStore.replace``): nothing of it reaches the log.

- YouTube: Google's access tokens last an hour. A poll the platform refuses (401) is tried once
  more after the refresh token got a new access token, where the source has a refresh token and
  the OAuth client's id and secret (``client_id``, ``app_secret``).
- Instagram Login: long-lived tokens last 60 days and may be renewed once at least a day old; a
  source's token is renewed at its first poll a day after it was connected (or last renewed), so
  it never comes near its end. A renewal that fails is logged and the poll goes on with the token
  it has (if that has expired too, the poll fails and stops the source)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import structlog

from domain.capture_source import CaptureSource, SourceKind
from kanalarkiv.adapters.credentials import Credentials, CredentialsMissing, CredentialStore
from kanalarkiv.adapters.poll_state import PollState, PollStates
from kanalarkiv.application.base import RecordsBase
from kanalarkiv.capture.live.failures import SourceFailing
from kanalarkiv.capture.live.tokens import refresh_google, refresh_instagram
from kanalarkiv.config import LiveEndpoints

log = structlog.get_logger("kanalarkiv.capture")
INSTAGRAM_RENEWAL = timedelta(days=1)


class CaptureTokenRenewal(RecordsBase):
    credentials: CredentialStore
    poll_states: PollStates
    live_endpoints: LiveEndpoints

    def _renew_if_due(self, source: CaptureSource, state: PollState) -> PollState:
        """Instagram Login's token, renewed a day after it was last renewed (or first polled)."""
        if source.kind is not SourceKind.INSTAGRAM_ACCOUNT or not self.live_endpoints.instagram_login:
            return state
        now = self.clock()
        if state.token_renewed_at is not None and now - state.token_renewed_at < INSTAGRAM_RENEWAL:
            return state
        if state.token_renewed_at is not None and source.credentials_id is not None:
            secrets = self.credentials.open(source.credentials_id, source.org_id)
            try:
                renewed = refresh_instagram(self.live_endpoints.instagram, secrets.access_token,  # type: ignore[arg-type]
                                            timeout=self.live_endpoints.timeout_seconds)  # fmt: skip
            except SourceFailing as failing:
                log.warning("capture_token_not_renewed", source_id=str(source.id), kind=source.kind.value,
                            reason=failing.reason.value, detail=failing.detail)  # fmt: skip
                return state
            self._seal(source, replace(secrets, access_token=renewed.access_token), renewed.expires_in)
        after = replace(state, token_renewed_at=now)
        self.poll_states.put(after)
        return after

    def _renew_after_refusal(self, source: CaptureSource) -> bool:
        """YouTube: a new access token for the refresh token; whether there is one to try. A refresh
        token the platform refuses raises ``SourceFailing`` (credentials_invalid)."""
        if source.kind is not SourceKind.YOUTUBE_CHANNEL or source.credentials_id is None:
            return False
        try:
            secrets = self.credentials.open(source.credentials_id, source.org_id)
        except CredentialsMissing:
            return False
        if secrets.refresh_token is None or secrets.client_id is None or secrets.app_secret is None:
            return False
        renewed = refresh_google(self.live_endpoints.google_token, secrets.client_id, secrets.app_secret,
                                 secrets.refresh_token, timeout=self.live_endpoints.timeout_seconds)  # fmt: skip
        self._seal(source, replace(secrets, access_token=renewed.access_token), renewed.expires_in)
        return True

    def _seal(self, source: CaptureSource, secrets: Credentials, lasts: int | None) -> None:
        self.credentials.replace(source.credentials_id, source.org_id, secrets)  # type: ignore[arg-type]
        log.info("capture_token_renewed", source_id=str(source.id), kind=source.kind.value, expires_in=lasts)
