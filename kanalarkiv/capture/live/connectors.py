"""The connector of each kind of live source, made from what the source's record names (the
account's id or the feed's address), its token and where its platform answers. What the
application holds of one (a ``Poll``): ``fetch``, ``confirm_deleted``, ``close`` and the
``format`` its bundles are read in."""

from __future__ import annotations

from datetime import datetime

import httpx

from domain.secret import Secret
from kanalarkiv.capture.live.bundles import LiveBundle, Validators
from kanalarkiv.capture.live.facebook_page import FacebookPage
from kanalarkiv.capture.live.feed import FeedSource
from kanalarkiv.capture.live.http import RetryPolicy, Throttling
from kanalarkiv.capture.live.instagram_account import InstagramAccount
from kanalarkiv.capture.live.linkedin_organization import LinkedInOrganization
from kanalarkiv.capture.live.youtube_channel import YouTubeChannel

ACCOUNTS: dict[str, type[FacebookPage | InstagramAccount | YouTubeChannel | LinkedInOrganization]] = {
    "facebook_page": FacebookPage,
    "instagram_account": InstagramAccount,
    "youtube_channel": YouTubeChannel,
    "linkedin_organization": LinkedInOrganization,
}


class Poll:
    """One connector, opened for one poll: ``fetch`` with the feed's validators where it is a feed."""

    def __init__(self, connector: FeedSource | FacebookPage | InstagramAccount | YouTubeChannel | LinkedInOrganization):
        self.connector = connector
        self.format = connector.format

    def fetch(self, validators: Validators | None = None, since: datetime | None = None) -> LiveBundle:
        if isinstance(self.connector, FeedSource):
            return self.connector.fetch(validators)
        return self.connector.fetch(since)

    def confirm_deleted(self, platform_id: str) -> bool:
        return self.connector.confirm_deleted(platform_id)

    def close(self) -> None:
        self.connector.close()

    def __enter__(self) -> Poll:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_poll(
    kind: str,
    *,
    platform_id: str | None,
    url: str | None,
    token: Secret | None,
    base_url: str,
    timeout: float,
    policy: RetryPolicy | None = None,
    throttling: Throttling | None = None,
) -> Poll:
    """A connector for the source; ``ValueError`` when its account or address is not one the
    platform could have (the connectors check the shape: a Graph id, an organization URN). Its
    throttled answers are tallied in ``throttling`` where one is given."""
    limits = httpx.Timeout(timeout, connect=min(timeout, 10.0))
    if kind == "feed":
        if not url:
            raise ValueError("a feed source needs the feed's address")
        connector: FeedSource | FacebookPage | InstagramAccount | YouTubeChannel | LinkedInOrganization
        connector = FeedSource.connect(url, timeout=limits, policy=policy)
    elif kind not in ACCOUNTS:
        raise ValueError(f"no connector for sources of kind {kind!r}")
    elif token is None or not platform_id:
        raise ValueError(f"a {kind} source needs the account's id and an access token")
    else:
        connector = ACCOUNTS[kind].connect(platform_id, token, base_url=base_url, timeout=limits, policy=policy)
    if throttling is not None:
        connector.fetcher.throttling = throttling  # every connector waits through its one fetcher
    return Poll(connector)


def format_of(kind: str) -> str:
    """The name of the reader a source of this kind's bundles are read by."""
    return FeedSource.format if kind == "feed" else ACCOUNTS[kind].format
