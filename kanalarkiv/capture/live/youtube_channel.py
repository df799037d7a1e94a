"""A YouTube channel's comments polled through the YouTube Data API v3: ``commentThreads.list``
with ``allThreadsRelatedToChannelId`` (``part=snippet,replies``), once for each moderation status
the owner may list (``published``, ``heldForReview``, ``likelySpam``: the reader takes the last two
as hidden), every page by ``pageToken``, each saved with the request it answers so that the
reader may tell the listings read from their first pages to their last (every thread of the
channel: a comment missing from them is a deletion to confirm); for each thread whose ``replies``
hold fewer than its ``totalReplyCount`` ("does not necessarily contain all replies"),
``comments.list`` with ``parentId`` to its end, merged into the thread's ``replies.comments``, so
that the reader may take the thread as whole; and ``videos.list`` for the videos the threads are
on (the posts). A deletion is confirmed by ``comments.list`` (and ``videos.list``) by ``id``.

An incremental window stops a listing at the first page whose threads all began before
``since`` (``order=time``: newest first): the reader then holds every thread begun after the
earliest it read. An error midway fails the whole fetch, so no partial listing is ever read.
Errors are ``{"error": {"code", "errors": [{"reason"}]}}``:
``quotaExceeded`` ends the poll until the daily quota resets (midnight Pacific time);
``rateLimitExceeded`` and ``userRateLimitExceeded`` are throttling; 401 a token refused.

Needs an OAuth 2.0 access token of the channel's owner with ``youtube.force-ssl`` (moderation
statuses are given to the owner only). Google's access tokens last an hour: refreshing them is
the caller's (see docs/live-capture.md)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import httpx
import orjson

from domain.secret import Secret
from kanalarkiv.capture.live.bundles import LiveBundle
from kanalarkiv.capture.live.failures import FailureReason, SourceFailing
from kanalarkiv.capture.live.http import DEFAULT_TIMEOUT, Fetcher, RetryPolicy, Throttled, Verdict, client

YOUTUBE = "https://www.googleapis.com/youtube/v3"
STATUSES = ("published", "heldForReview", "likelySpam")
PAGE_SIZE = 100
VIDEOS_PER_REQUEST = 50
_THROTTLING = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
_PERMISSION = frozenset({"forbidden", "insufficientPermissions", "channelClosed", "channelSuspended"})
MOST_PAGES = 10_000


@dataclass
class YouTubeChannel:
    kind = "youtube_channel"
    format = "youtube"

    channel_id: str
    fetcher: Fetcher

    @classmethod
    def connect(
        cls,
        channel_id: str,
        token: Secret,
        *,
        base_url: str = YOUTUBE,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        policy: RetryPolicy | None = None,
        transport: Any = None,
    ) -> YouTubeChannel:
        source = f"youtube channel {channel_id}"
        http = client(base_url.rstrip("/") + "/", timeout, {"Authorization": f"Bearer {token.reveal()}"}, transport)
        return cls(channel_id, Fetcher(source, http, youtube_judge(source), policy or RetryPolicy()))

    def fetch(self, since: datetime | None = None) -> LiveBundle:
        bundle = LiveBundle(f"youtube-channel-{self.channel_id}", self.format)
        videos: list[str] = []
        for status in STATUSES:
            params = {"part": "snippet,replies", "allThreadsRelatedToChannelId": self.channel_id}
            params |= {"moderationStatus": status, "order": "time", "textFormat": "plainText"}
            for request, page in self._pages("commentThreads", params):
                for thread in page.get("items") or []:
                    self._complete(thread)
                    video = _video_of(thread)
                    if video and video not in videos:
                        videos.append(video)
                bundle.add(f"threads-{status}", orjson.dumps({"request": request, "response": page}))
                if since is not None and _all_before(page, since):
                    break
        for start in range(0, len(videos), VIDEOS_PER_REQUEST):
            ids = ",".join(videos[start : start + VIDEOS_PER_REQUEST])
            _data, page = self.fetcher.get_json("videos", {"part": "snippet", "id": ids})
            bundle.add("videos", orjson.dumps(page))
        return bundle

    def confirm_deleted(self, platform_id: str) -> bool:
        """Whether a comment or video is gone: neither ``comments.list`` nor ``videos.list`` by
        its id finds it (the API answers an empty list for an id it does not have). A failure to
        ask raises: nothing is then taken as deleted."""
        for resource in ("comments", "videos"):
            _data, page = self.fetcher.get_json(resource, {"part": "id", "id": platform_id})
            if page.get("items"):
                return False
        return True

    def close(self) -> None:
        self.fetcher.client.close()

    def _pages(self, resource: str, params: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each page of the listing with the request it answers (the token is in a header)."""
        token: str | None = None
        for _ in range(MOST_PAGES):
            paging = {"maxResults": PAGE_SIZE} | ({"pageToken": token} if token else {})
            _data, page = self.fetcher.get_json(resource, params | paging)
            if not isinstance(page.get("items"), list):
                raise self.fetcher.failing(FailureReason.UNREADABLE, f"{resource} answered no items list")
            yield f"{resource}?{urlencode(params | paging)}", page
            following = page.get("nextPageToken")
            if not following:
                return
            if following == token:
                raise self.fetcher.failing(FailureReason.UNREADABLE, f"{resource} gave the same page token again")
            token = following
        raise self.fetcher.failing(FailureReason.UNREADABLE, f"{resource} has more than {MOST_PAGES} pages")

    def _complete(self, thread: Any) -> None:
        snippet = thread.get("snippet") if isinstance(thread, dict) else None
        if not isinstance(snippet, dict):
            return
        replies = thread.get("replies")
        held = replies.get("comments") if isinstance(replies, dict) else None
        wanted = snippet.get("totalReplyCount") or 0
        if not isinstance(wanted, int) or len(held or []) >= wanted:
            return
        params = {"part": "snippet", "parentId": thread.get("id"), "textFormat": "plainText"}
        every = [reply for _request, page in self._pages("comments", params) for reply in page["items"]]
        thread["replies"] = {"comments": every}


def _video_of(thread: Any) -> str | None:
    snippet = thread.get("snippet") if isinstance(thread, dict) else None
    video = snippet.get("videoId") if isinstance(snippet, dict) else None
    return video if isinstance(video, str) else None


def _all_before(page: dict[str, Any], since: datetime) -> bool:
    times = []
    for thread in page.get("items") or []:
        try:
            published = thread["snippet"]["topLevelComment"]["snippet"]["publishedAt"]
            times.append(datetime.fromisoformat(published))
        except (KeyError, TypeError, ValueError):
            return False
    return bool(times) and max(times) < since


def youtube_judge(source: str) -> Any:
    def judge(response: httpx.Response) -> Verdict:
        if response.status_code < 400:
            return None
        reasons = _reasons(response)
        status = response.status_code

        def failing(reason: FailureReason) -> SourceFailing:
            return SourceFailing(reason, f"YouTube {status} {','.join(sorted(reasons))}", source=source, status=status)

        if reasons & _THROTTLING:
            return Throttled()
        if "quotaExceeded" in reasons:
            return failing(FailureReason.QUOTA_EXHAUSTED)
        if status == 401:
            return failing(FailureReason.CREDENTIALS_INVALID)
        if status == 403 and (reasons & _PERMISSION or not reasons):
            return failing(FailureReason.PERMISSION_DENIED)
        if status == 404:
            return failing(FailureReason.NOT_FOUND)
        return None

    return judge


def _reasons(response: httpx.Response) -> set[str]:
    try:
        errors = orjson.loads(response.content)["error"]["errors"]
        return {str(error["reason"]) for error in errors}
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return set()
