"""Which comment threads a YouTube bundle holds every one of, told from ``commentThreads.list``
pages saved with the request each answers (``{"request": "commentThreads?…", "response": …}``,
as the live connector saves them): a response alone does not say what it answers, nor whether
the pages before it are all there.

A listing is one ``allThreadsRelatedToChannelId`` (the channel) or ``videoId`` (one video) with one
``moderationStatus`` (none: ``published``); one by ``id`` or ``searchTerms`` holds only some
threads and counts for nothing. Its pages chain when the first asks for no ``pageToken`` and each
next one for the ``nextPageToken`` of the page before. A chain that ends on a page without a
``nextPageToken`` holds every thread; one that stops before (a window read newest first,
``order=time``) every thread begun after the earliest it holds. The scope holds every thread
after a time when its listings of all three statuses the owner may list do: the latest of theirs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from kanalarkiv.capture.items import EVERY_THREAD

STATUSES = ("published", "heldForReview", "likelySpam")
_PARTIAL = ("id", "searchTerms")


@dataclass
class _Chain:
    pages: int = 0
    following: str | None = None  # the last page's nextPageToken
    earliest: datetime | None = None  # the earliest thread begun, of all its pages
    broken: bool = False
    order: str = "time"

    def bound(self) -> datetime | None:
        """Every thread of the listing begun after this time is in the chain; None: not known."""
        if self.broken or not self.pages:
            return None
        if self.following is None:
            return EVERY_THREAD
        return self.earliest if self.order == "time" else None


@dataclass
class Listings:
    _chains: dict[tuple[str, str, str], _Chain] = field(default_factory=dict)

    def page(self, request: str, following: str | None, begun: list[datetime]) -> None:
        """One saved page: the request it answers, its ``nextPageToken``, its threads' times."""
        parts = urlsplit(request)
        if not parts.path.rstrip("/").endswith("commentThreads"):
            return
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        scope = _scope(query)
        if scope is None or any(key in query for key in _PARTIAL):
            return
        chain = self._chains.setdefault((*scope, query.get("moderationStatus", "published")), _Chain())
        token = query.get("pageToken") or None
        if (chain.pages and chain.following is None) or token != (chain.following if chain.pages else None):
            chain.broken = True  # not the page the one before pointed to: the listing cannot be told whole
        chain.pages, chain.following, chain.order = chain.pages + 1, following, query.get("order", "time")
        for at in begun:
            chain.earliest = at if chain.earliest is None else min(chain.earliest, at)

    def channel(self) -> str | None:
        """The one channel whose listings the bundle holds (the account it is of), if one."""
        channels = {key for kind, key, _status in self._chains if kind == "channel"}
        return channels.pop() if len(channels) == 1 else None

    def every_thread_after(self) -> datetime | None:
        """The time after which the bundle holds every thread of its one channel, if it does."""
        channel = self.channel()
        return self._bound("channel", channel) if channel else None

    def whole_videos(self) -> set[str]:
        """The videos whose every thread, of all three statuses, the bundle holds."""
        videos = {key for kind, key, _status in self._chains if kind == "video"}
        return {video for video in videos if self._bound("video", video) == EVERY_THREAD}

    def _bound(self, kind: str, key: str) -> datetime | None:
        bounds = [chain.bound() if (chain := self._chains.get((kind, key, s))) else None for s in STATUSES]
        return None if None in bounds else max(b for b in bounds if b is not None)


def _scope(query: dict[str, str]) -> tuple[str, str] | None:
    if channel := query.get("allThreadsRelatedToChannelId"):
        return ("channel", channel)
    if video := query.get("videoId"):
        return ("video", video)
    return None
