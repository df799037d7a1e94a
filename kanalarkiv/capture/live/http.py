"""What every connector shares on the wire: one httpx client with timeouts, requests retried on
throttling and on the platform's own errors with a bounded back-off, and every other failure
turned into one ``SourceFailing`` naming its reason.

Throttling is the platform's word: HTTP 429 with ``Retry-After`` (RFC 9110 10.2.3: seconds or an
HTTP date), or whatever a connector's ``judge`` reads from its API's error body (Graph's codes 4,
17, 32, 613; YouTube's ``rateLimitExceeded``). A wait longer than the policy allows, or more
attempts than it allows, ends the poll with ``RATE_LIMITED`` and the wait, so the worker comes
back then instead of holding a thread. Each throttled answer and each second waited for one is
tallied (``Throttling``), for the source's counters. The clock and the sleep are injected: tests
never wait."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import orjson

from kanalarkiv.capture.live.failures import FailureReason, SourceFailing


@dataclass(frozen=True)
class Throttled:
    """The platform asked us to slow down (or failed on its side: worth the same bounded retries);
    ``seconds`` is its wait, when it named one."""

    seconds: float | None = None
    reason: FailureReason = FailureReason.RATE_LIMITED


Verdict = Throttled | SourceFailing | None
"""A connector's reading of an answer: throttled, failed, or None (an answer to read)."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # requests in all, the first included
    first_wait: float = 2.0  # seconds; doubled after each throttled or failed attempt
    longest_wait: float = 300.0  # a wait the platform asks beyond this ends the poll instead
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def wait(self, attempt: int, asked: float | None) -> float:
        return asked if asked is not None else min(self.first_wait * 2**attempt, self.longest_wait)


@dataclass
class Throttling:
    """How often a platform said "slow down", and the seconds waited for it (a wait longer than the
    policy allows is counted but not waited: the poll ends instead). The platform's own errors,
    retried the same way, are not throttling."""

    responses: int = 0
    seconds: float = 0.0


DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


@dataclass
class Fetcher:
    """GET requests to one platform. ``judge`` reads the platform's own error answers."""

    source: str  # names the source in every failure ("facebook page 1234")
    client: httpx.Client
    judge: Callable[[httpx.Response], Verdict]
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    throttling: Throttling = field(default_factory=Throttling)

    def get(
        self,
        url: str,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        accept: frozenset[int] = frozenset(),
    ) -> httpx.Response:
        """The first answer that is neither throttled nor a failure; a status in ``accept`` is an
        answer too (a 404 that a deletion's confirmation asks for)."""
        path = httpx.URL(url).path
        for attempt in range(self.policy.attempts):
            response = self._send(url, params, headers, path)
            verdict = None if response.status_code in accept else self._verdict(response, path)
            if verdict is None:
                return response
            if isinstance(verdict, SourceFailing):
                raise verdict
            wait = self.policy.wait(attempt, verdict.seconds)
            throttled = verdict.reason is FailureReason.RATE_LIMITED
            self.throttling.responses += throttled
            if wait > self.policy.longest_wait or attempt + 1 == self.policy.attempts:
                raise SourceFailing(
                    verdict.reason,
                    f"{path} still answering {response.status_code} after {attempt + 1} attempts",
                    source=self.source,
                    status=response.status_code,
                    retry_after=wait,
                )
            self.throttling.seconds += wait if throttled else 0.0
            self.policy.sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def get_json(self, url: str, params: dict[str, Any] | None = None) -> tuple[bytes, Any]:
        """The answer's bytes and its JSON object; anything else is ``UNREADABLE``."""
        response = self.get(url, params)
        return response.content, self.json_of(response)

    def json_of(self, response: httpx.Response) -> dict[str, Any]:
        try:
            document = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            document = None
        if not isinstance(document, dict):
            raise self.failing(FailureReason.UNREADABLE, f"{response.url.path} answered no JSON object", response)
        return document

    def failing(self, reason: FailureReason, detail: str, response: httpx.Response | None = None) -> SourceFailing:
        return SourceFailing(reason, detail, source=self.source, status=response.status_code if response else None)

    def _send(
        self, url: str, params: dict[str, Any] | None, headers: dict[str, str] | None, path: str
    ) -> httpx.Response:
        try:
            return self.client.get(url, params=params, headers=headers)
        except httpx.TimeoutException:
            raise self.failing(FailureReason.TIMEOUT, f"{path} did not answer in time") from None
        except httpx.TransportError as error:
            raise self.failing(FailureReason.UNREACHABLE, f"{path}: {type(error).__name__}") from None

    def _verdict(self, response: httpx.Response, path: str) -> Verdict:
        if response.status_code == 429:
            return Throttled(retry_after(response, self.policy.now()))
        verdict = self.judge(response)
        if verdict is None and response.status_code >= 500:
            return Throttled(reason=FailureReason.UPSTREAM_ERROR)
        if verdict is None and response.status_code >= 400 and response.status_code != 304:
            return self.failing(FailureReason.REFUSED, f"{path} answered {response.status_code}", response)
        return verdict


def retry_after(response: httpx.Response, now: datetime) -> float | None:
    """``Retry-After`` in seconds: delay-seconds or an HTTP date (RFC 9110 10.2.3)."""
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # "-0000": the date's zone is not known; RFC 9110 dates are GMT
    return max((when - now).total_seconds(), 0.0)


def client(
    base_url: str, timeout: httpx.Timeout, headers: dict[str, str], transport: Any = None, redirects: bool = False
) -> httpx.Client:
    """A client for one platform, its base URL configurable so tests talk to a fake one. An API
    client follows no redirect: its token would go along to wherever it leads."""
    return httpx.Client(
        base_url=base_url, timeout=timeout, headers=headers, transport=transport, follow_redirects=redirects
    )
