"""Renewing an access token where the platform's expire:

- **Google** (YouTube): access tokens last an hour; the OAuth 2.0 token endpoint gives a new one
  for the refresh token (``POST https://oauth2.googleapis.com/token``, ``grant_type=refresh_token``
  with the OAuth client's id and secret, as a form). ``invalid_grant`` (the refresh token expired
  or revoked) and ``invalid_client`` are ``CREDENTIALS_INVALID``: a person must authorise again.
- **LinkedIn** (programmatic refresh tokens, for approved partners): access tokens last 60 days,
  refresh tokens a year from the first authorisation, not prolonged by a refresh.
  ``POST https://www.linkedin.com/oauth/v2/accessToken``, the same form as Google's; it answers the
  new access token and the refresh token with what is left of its year. ``invalid_grant`` is the
  refresh token expired (or revoked): ``CREDENTIALS_EXPIRED``, a person must authorise again.
- **Instagram Login**: long-lived tokens last 60 days and are renewed, while still valid and at
  least a day old, by ``GET https://graph.instagram.com/refresh_access_token?grant_type=
  ig_refresh_token&access_token=…``. The token goes in the query, as the endpoint requires, so
  httpx's request log line for it (which shows the URL) is dropped by a filter.

Nothing here keeps a token: the new one is returned for the caller to seal."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from domain.secret import Secret
from kanalarkiv.capture.live.failures import FailureReason, SourceFailing

GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
REFUSED = {"invalid_grant", "invalid_client", "unauthorized_client"}


LINKEDIN_EXPIRED = "the LinkedIn refresh token has expired: reconnect the source"


@dataclass(frozen=True)
class Renewed:
    access_token: Secret
    expires_in: int | None
    refresh_token: Secret | None = None  # where the platform answers it (LinkedIn: the same one)


@dataclass(frozen=True)
class RefreshGrant:
    """What a refresh-token grant needs: the OAuth client it was issued to, and the token."""

    client_id: Secret
    client_secret: Secret
    refresh_token: Secret

    def form(self) -> dict[str, str]:
        return {
            "grant_type": "refresh_token",
            "client_id": self.client_id.reveal(),
            "client_secret": self.client_secret.reveal(),
            "refresh_token": self.refresh_token.reveal(),
        }


def refresh_google(token_url: str, grant: RefreshGrant, *, timeout: float, transport: Any = None) -> Renewed:
    source = "google token endpoint"
    response = _send("POST", token_url, source, timeout, transport, data=grant.form())
    document = _json(response, source)
    if response.status_code != 200:
        error = str(document.get("error", ""))
        reason = FailureReason.CREDENTIALS_INVALID if error in REFUSED else FailureReason.REFUSED
        raise _refused(response, reason, f"the token endpoint answered {response.status_code} {error}", source)
    return _renewed(document, source)


def refresh_linkedin(oauth_base: str, grant: RefreshGrant, *, timeout: float, transport: Any = None) -> Renewed:
    source, url = "linkedin token endpoint", f"{oauth_base.rstrip('/')}/oauth/v2/accessToken"
    response = _send("POST", url, source, timeout, transport, data=grant.form())
    document = _json(response, source)
    if response.status_code != 200:
        error = str(document.get("error", ""))
        if error == "invalid_grant":
            raise _refused(response, FailureReason.CREDENTIALS_EXPIRED, LINKEDIN_EXPIRED, source)
        reason = FailureReason.CREDENTIALS_INVALID if error in REFUSED else FailureReason.REFUSED
        raise _refused(response, reason, f"the token endpoint answered {response.status_code} {error}", source)
    return _renewed(document, source)


def refresh_instagram(base_url: str, token: Secret, *, timeout: float, transport: Any = None) -> Renewed:
    url = f"{base_url.rstrip('/')}/refresh_access_token"
    params = {"grant_type": "ig_refresh_token", "access_token": token.reveal()}
    response = _send("GET", url, "instagram token refresh", timeout, transport, params=params)
    document = _json(response, "instagram token refresh")
    if response.status_code != 200:
        error = document.get("error")
        code = error.get("code") if isinstance(error, dict) else None
        reason = FailureReason.CREDENTIALS_EXPIRED if code == 190 else FailureReason.REFUSED
        raise SourceFailing(reason, f"the refresh endpoint answered {response.status_code}",
                            source="instagram token refresh", status=response.status_code)  # fmt: skip
    return _renewed(document, "instagram token refresh")


def _send(method: str, url: str, source: str, timeout: float, transport: Any, **request: Any) -> httpx.Response:
    try:
        _no_token_urls_logged()
        with httpx.Client(timeout=timeout, transport=transport, follow_redirects=False) as http:
            return http.request(method, url, **request)
    except httpx.TimeoutException:
        raise SourceFailing(FailureReason.TIMEOUT, "no answer in time", source=source) from None
    except httpx.TransportError as error:
        raise SourceFailing(FailureReason.UNREACHABLE, type(error).__name__, source=source) from None


def _json(response: httpx.Response, source: str) -> dict[str, Any]:
    try:
        document = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        document = None
    if not isinstance(document, dict):
        raise SourceFailing(FailureReason.UNREADABLE, "answered no JSON object", source=source,
                            status=response.status_code)  # fmt: skip
    return document


def _refused(response: httpx.Response, reason: FailureReason, detail: str, source: str) -> SourceFailing:
    return SourceFailing(reason, detail.rstrip(), source=source, status=response.status_code)


def _renewed(document: dict[str, Any], source: str) -> Renewed:
    token, lasts, refresh = document.get("access_token"), document.get("expires_in"), document.get("refresh_token")
    if not isinstance(token, str) or not token.strip():
        raise SourceFailing(FailureReason.UNREADABLE, "answered no access_token", source=source)
    kept = Secret(refresh) if isinstance(refresh, str) and refresh.strip() else None
    return Renewed(Secret(token), lasts if isinstance(lasts, int) else None, kept)


class _NoTokenUrls(logging.Filter):
    """Drops httpx's log line of a request to the refresh endpoint (its URL holds the token)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "refresh_access_token" not in record.getMessage()


_FILTER = _NoTokenUrls()


def _no_token_urls_logged() -> None:
    logger = logging.getLogger("httpx")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
