"""Why a live source could not be read, as one typed error the worker and the API can act on:
the reason (a token expired, a rate limit not lifted in time, an answer that is not the API's),
the source it concerns, and when to try again where the platform said so.

Messages never hold a secret: connectors send tokens in headers, never in a URL, and a message
names a request by its path alone."""

from __future__ import annotations

from enum import StrEnum


class FailureReason(StrEnum):
    CREDENTIALS_EXPIRED = "credentials_expired"  # Meta 190/463, the token's lifetime is over
    CREDENTIALS_INVALID = "credentials_invalid"  # revoked, password changed, or refused without saying why (401)
    PERMISSION_DENIED = "permission_denied"  # a permission or a page role is missing (Meta 10, 200–299; 403)
    RATE_LIMITED = "rate_limited"  # throttled longer than the retry policy waits
    QUOTA_EXHAUSTED = "quota_exhausted"  # YouTube's daily quota: nothing before the quota resets
    NOT_FOUND = "not_found"  # the account, page or feed itself is gone
    TIMEOUT = "timeout"  # no answer within the client's timeout
    UNREACHABLE = "unreachable"  # no connection (DNS, refused, reset)
    UNREADABLE = "unreadable"  # an answer that is not the API's (not JSON, not a feed, wrong shape)
    UPSTREAM_ERROR = "upstream_error"  # the platform's own 5xx, still after the retries
    REFUSED = "refused"  # another 4xx: the request as sent is refused


class SourceFailing(Exception):
    """A live source could not be read (källan svarar inte som den ska). ``reason`` says why;
    ``retry_after`` (seconds), when the platform said when to come back."""

    def __init__(
        self,
        reason: FailureReason,
        detail: str,
        *,
        source: str,
        status: int | None = None,
        retry_after: float | None = None,
    ):
        super().__init__(f"{source}: {reason.value}: {detail}")
        self.reason = reason
        self.detail = detail
        self.source = source
        self.status = status
        self.retry_after = retry_after
