"""Renewing a live source's access token where the platform's expire, and sealing the new one
under the same credentials id (``CredentialStore.replace``): nothing of it reaches the log. When
it was renewed and when the new one ends are the poller's own (``capture_poll_state``).

- **By a refresh token** (YouTube: Google's access tokens last an hour; LinkedIn: 60 days), where
  the source has one and the OAuth client's id and secret (``refresh_token``, ``client_id``,
  ``app_secret``). A token whose end is known (it was renewed here) is renewed before the poll
  that comes near it: less than a tenth of its life left, or less than the time to the next poll.
  A poll the platform refuses (its token expired, or its end unknown) is tried once more after a
  renewal; a refresh token the platform refuses then raises ``SourceFailing`` and stops the source.
- **Instagram Login**: long-lived tokens last 60 days and may be renewed once at least a day old; a
  source's token is renewed at its first poll a day after it was connected (or last renewed), so
  it never comes near its end.

A renewal before a poll that fails is logged and the poll goes on with the token it has (if that
has expired too, the poll fails as it would have)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import structlog

from domain.capture_source import CaptureSource, SourceKind
from kanalarkiv.adapters.credentials import Credentials, CredentialsMissing, CredentialStore
from kanalarkiv.adapters.poll_state import PollState, PollStates
from kanalarkiv.application.base import RecordsBase
from kanalarkiv.capture.live.failures import FailureReason, SourceFailing
from kanalarkiv.capture.live.tokens import RefreshGrant, Renewed, refresh_google, refresh_instagram, refresh_linkedin
from kanalarkiv.config import LiveEndpoints

log = structlog.get_logger("kanalarkiv.capture")
INSTAGRAM_RENEWAL = timedelta(days=1)
POLL_TIME = timedelta(minutes=5)  # a poll's own length, beside the interval to the next one

BY_REFRESH_TOKEN: dict[SourceKind, Callable[[LiveEndpoints, RefreshGrant], Renewed]] = {
    SourceKind.YOUTUBE_CHANNEL: lambda at, grant: refresh_google(at.google_token, grant, timeout=at.timeout_seconds),
    SourceKind.LINKEDIN_ORGANIZATION: lambda at, grant: refresh_linkedin(
        at.linkedin_oauth_base, grant, timeout=at.timeout_seconds
    ),
}
"""The kinds whose access tokens a refresh token renews, and the platform's token endpoint."""


class CaptureTokenRenewal(RecordsBase):
    credentials: CredentialStore
    poll_states: PollStates
    live_endpoints: LiveEndpoints

    def _renew_if_due(self, source: CaptureSource, state: PollState) -> PollState:
        """Before a poll: the token renewed if it is near its end (Instagram Login: a day old)."""
        if source.kind is SourceKind.INSTAGRAM_ACCOUNT:
            return self._renew_instagram_if_due(source, state)
        if not self._near_its_end(source, state):
            return state
        try:
            return self._renew_by_refresh_token(source, state) or state
        except SourceFailing as failing:
            self._not_renewed(source, failing)
            return state

    def _renew_after_refusal(self, source: CaptureSource, state: PollState) -> PollState | None:
        """A poll refused: a new access token for the refresh token (the state knowing its end), or
        None where there is none to try. A refresh token the platform refuses raises ``SourceFailing``."""
        return self._renew_by_refresh_token(source, state)

    def _near_its_end(self, source: CaptureSource, state: PollState) -> bool:
        if state.token_expires_at is None:
            return False
        now = self.clock()
        life = state.token_expires_at - (state.token_renewed_at or now)
        return state.token_expires_at - now <= max(life / 10, source.polling_interval + POLL_TIME)

    def _renew_by_refresh_token(self, source: CaptureSource, state: PollState) -> PollState | None:
        renew = BY_REFRESH_TOKEN.get(source.kind)
        if renew is None or source.credentials_id is None:
            return None
        try:
            secrets = self.credentials.open(source.credentials_id, source.org_id)
        except CredentialsMissing:
            return None
        if secrets.refresh_token is None or secrets.client_id is None or secrets.app_secret is None:
            return None
        renewed = renew(self.live_endpoints, RefreshGrant(secrets.client_id, secrets.app_secret, secrets.refresh_token))
        kept = replace(
            secrets, access_token=renewed.access_token, refresh_token=renewed.refresh_token or secrets.refresh_token
        )
        return self._seal(source, state, kept, renewed.expires_in)

    def _renew_instagram_if_due(self, source: CaptureSource, state: PollState) -> PollState:
        """Instagram Login's token, renewed a day after it was last renewed (or first polled)."""
        if not self.live_endpoints.instagram_login:
            return state
        now = self.clock()
        if state.token_renewed_at is not None and now - state.token_renewed_at < INSTAGRAM_RENEWAL:
            return state
        if state.token_renewed_at is not None and source.credentials_id is not None:
            try:
                secrets = self.credentials.open(source.credentials_id, source.org_id)
                renewed = refresh_instagram(self.live_endpoints.instagram, secrets.access_token,  # type: ignore[arg-type]
                                            timeout=self.live_endpoints.timeout_seconds)  # fmt: skip
            except CredentialsMissing:
                return state  # disconnected meanwhile: the poll itself says so
            except SourceFailing as failing:
                self._not_renewed(source, failing)
                return state
            return self._seal(source, state, replace(secrets, access_token=renewed.access_token), renewed.expires_in)
        after = replace(state, token_renewed_at=now)
        self.poll_states.put(after)
        return after

    def _seal(self, source: CaptureSource, state: PollState, secrets: Credentials, lasts: int | None) -> PollState:
        try:
            self.credentials.replace(source.credentials_id, source.org_id, secrets)  # type: ignore[arg-type]
        except CredentialsMissing as missing:  # disconnected while the platform renewed the token
            raise SourceFailing(
                FailureReason.CREDENTIALS_INVALID, str(missing), source=f"{source.kind.value} {source.id}"
            ) from None
        now = self.clock()
        after = replace(state, token_renewed_at=now, token_expires_at=now + timedelta(seconds=lasts) if lasts else None)
        self.poll_states.put(after)
        log.info("capture_token_renewed", source_id=str(source.id), kind=source.kind.value, expires_in=lasts)
        return after

    def _not_renewed(self, source: CaptureSource, failing: SourceFailing) -> None:
        log.warning("capture_token_not_renewed", source_id=str(source.id), kind=source.kind.value,
                    reason=failing.reason.value, detail=failing.detail)  # fmt: skip
