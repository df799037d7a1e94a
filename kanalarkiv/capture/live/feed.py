"""A blog's or newsroom's RSS or Atom feed polled with a conditional GET (RFC 9110 13.1): the
``ETag`` and ``Last-Modified`` of the last answer go back as ``If-None-Match`` and
``If-Modified-Since``; a 304 is an empty bundle marked ``not_modified`` (nothing to read, nothing
changed), a 200 a bundle of the feed document for the ``feed`` reader, with the validators to
keep for the next poll. A feed is a bounded window, never whole: an entry missing from it is
never taken as deleted, but ``confirm_deleted`` may ask for the entry's own page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from kanalarkiv.capture.formats.feed import reader
from kanalarkiv.capture.items import FormatError
from kanalarkiv.capture.live.bundles import LiveBundle, Validators
from kanalarkiv.capture.live.failures import FailureReason, SourceFailing
from kanalarkiv.capture.live.http import DEFAULT_TIMEOUT, Fetcher, RetryPolicy, Verdict, client

ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"
LARGEST_FEED = 20 * 1024 * 1024  # bytes: a feed beyond this is not a feed


@dataclass
class FeedSource:
    kind = "feed"
    format = "feed"

    url: str
    fetcher: Fetcher

    @classmethod
    def connect(
        cls,
        url: str,
        *,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        policy: RetryPolicy | None = None,
        transport: Any = None,
    ) -> FeedSource:
        parts = httpx.URL(url)
        if parts.scheme not in ("http", "https") or not parts.host:
            raise ValueError(f"{url!r} is not an http(s) address of a feed")
        source = f"feed {parts.host}{parts.path}"
        http = client(
            str(parts.copy_with(path="/", query=None, fragment=None)),
            timeout,
            {"Accept": ACCEPT},
            transport,
            redirects=True,
        )
        return cls(url, Fetcher(source, http, feed_judge, policy or RetryPolicy()))

    def fetch(self, validators: Validators | None = None) -> LiveBundle:
        response = self.fetcher.get(self.url, headers=(validators or Validators()).headers())
        bundle = LiveBundle(f"feed-{httpx.URL(self.url).host}", self.format)
        if response.status_code == 304:
            bundle.not_modified = True
            bundle.validators = validators
            return bundle
        if response.status_code != 200 or len(response.content) > LARGEST_FEED:
            raise self.fetcher.failing(FailureReason.UNREADABLE, f"the feed answered {response.status_code}", response)
        bundle.validators = Validators(response.headers.get("ETag"), response.headers.get("Last-Modified"))
        bundle.add("feed", response.content, ".xml")
        try:
            for _ in reader(bundle).items():
                pass
        except FormatError as error:
            raise self.fetcher.failing(
                FailureReason.UNREADABLE, f"the answer is not a feed: {error}", response
            ) from None
        return bundle

    def confirm_deleted(self, platform_id: str) -> bool:
        """Whether the entry's own page (its id, when that is an address on the feed's host) is
        gone: 404 or 410. An id that is no such address cannot be asked about: not confirmed."""
        entry = httpx.URL(platform_id) if platform_id.startswith(("http://", "https://")) else None
        if entry is None or entry.host != httpx.URL(self.url).host:
            return False
        response = self.fetcher.get(str(entry), accept=frozenset({404, 410}))
        return response.status_code in (404, 410)

    def close(self) -> None:
        self.fetcher.client.close()


def feed_judge(response: httpx.Response) -> Verdict:
    status = response.status_code
    if status in (404, 410):
        return SourceFailing(
            FailureReason.NOT_FOUND, f"the feed answered {status}", source=_source(response), status=status
        )
    if status in (401, 403):
        return SourceFailing(
            FailureReason.PERMISSION_DENIED, f"the feed answered {status}", source=_source(response), status=status
        )
    return None


def _source(response: httpx.Response) -> str:
    return f"feed {response.url.host}{response.url.path}"
