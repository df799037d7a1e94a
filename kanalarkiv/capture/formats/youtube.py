"""A YouTube channel's comments from the YouTube Data API v3, as saved responses of
``commentThreads.list`` (``part=snippet,replies``) and, for the videos themselves as posts,
``videos.list`` (``part=snippet``) (YouTube Data API reference: CommentThreads, Comments, Videos).

A file is one response, told by its ``kind`` (``youtube#commentThreadListResponse``,
``youtube#videoListResponse``), one saved with the request it answers (``{"request":
"commentThreads?allThreadsRelatedToChannelId=…&moderationStatus=…&pageToken=…", "response": …}``,
as the live connector saves them), or a list of them. A thread's ``snippet.topLevelComment`` is a
comment on ``snippet.videoId`` (a channel comment without a video has no known post); its
``replies.comments`` are replies to it. The text is ``textOriginal``, which the API gives only
to the comment's author, else ``textDisplay`` reduced to text. ``updatedAt`` later than
``publishedAt`` is the edit; ``moderationStatus`` (given only to the channel's owner) of
heldForReview, likelySpam or rejected is hidden, published is not.

Completeness. "The commentThread resource does not necessarily contain all replies": a thread
is whole when ``totalReplyCount`` is no more than the replies it holds, else partial (and so is
the video it is on: a reply is recorded on the video). A bare response does not say what it
answers, and a listing by ``id``, ``searchTerms`` or one status ends too, holding only some
threads; but pages saved with their requests tell which threads the bundle holds every one of
(``youtube_listings``): the channel's every thread after a time (``every_thread_after``: then every
video published after it holds all its comments, recorded before or not), or a video's every one.
The videos are never the channel's whole list.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kanalarkiv.capture.formats.reading import (
    Node,
    edited,
    file_label,
    html_text,
    iso_time,
    load_json,
    members,
    need_iso_time,
    saved_responses,
)
from kanalarkiv.capture.formats.youtube_listings import Listings
from kanalarkiv.capture.items import Account, Bundle, Completeness, FormatError, Item, Kind, Source

THREADS = "youtube#commentThreadListResponse"
VIDEOS = "youtube#videoListResponse"
_HIDDEN = {"heldForReview": True, "likelySpam": True, "rejected": True, "published": False}


class YouTubeComments:
    format = "youtube"

    def __init__(self, bundle: Bundle):
        self.bundle = bundle
        self._threads: set[str] = set()
        self._partial: set[str] = set()
        self._listings = Listings()

    def items(self) -> Iterator[Item]:
        """The videos first, then the comments on them: a file is read whole before it yields,
        and a file of threads is read again after the last file of videos."""
        names = members(self.bundle, (".json",))
        if not names:
            raise FormatError(self.bundle.label, "has no .json files of YouTube Data API responses")
        threads = []
        for name in names:
            responses = self._load(name)
            for _ in self._responses(responses, (VIDEOS, THREADS)):
                pass
            yield from self._responses(responses, (VIDEOS,))
            if any(response.value["kind"] == THREADS for _request, response in responses):
                threads.append(name)
        for name in threads:
            yield from self._responses(self._load(name), (THREADS,), last=True)

    def completeness(self) -> Completeness:
        return Completeness(
            threads=self._threads | self._listings.whole_videos(),
            partial=set(self._partial),
            every_thread_after=self._listings.every_thread_after(),
        )

    def account(self) -> Account | None:
        """The channel its saved listings asked for: a later import of another's is refused."""
        channel = self._listings.channel()
        return Account(channel, None) if channel else None

    def _load(self, name: str) -> list[tuple[str | None, Node]]:
        return _responses(load_json(self.bundle, name), file_label(self.bundle, name))

    def _responses(
        self, responses: list[tuple[str | None, Node]], kinds: tuple[str, ...], last: bool = False
    ) -> Iterator[Item]:
        """The responses' items of these kinds; ``last``: the reading completeness is told from."""
        for request, response in responses:
            kind = response.value["kind"]
            begun = []
            for item in response.children("items", "item") if kind in kinds else ():
                if kind == VIDEOS:
                    yield _video(item)
                    continue
                for found in self._thread(item, last):
                    begun.extend([found.published_at] if found.kind == "comment" else [])
                    yield found
            if last and request is not None:
                self._listings.page(request, response.get("nextPageToken", str), begun)

    def _thread(self, node: Node, last: bool) -> Iterator[Item]:
        snippet = _snippet(node)
        top = snippet.child("topLevelComment")
        if top is None:
            raise FormatError(snippet.where, "has no topLevelComment")
        video = snippet.get("videoId", str) or _snippet(top).get("videoId", str)
        top_id = top.need("id", str)
        yield _comment(top, "comment", video)
        replies = node.child("replies")
        held = list(replies.children("comments", "reply")) if replies else []
        for reply in held:
            yield _comment(reply, "reply", top_id)
        if last:
            whole = len(held) >= (snippet.get("totalReplyCount", int) or 0)
            (self._threads if whole else self._partial).add(top_id)


def _responses(document: Any, where: str) -> list[tuple[str | None, Node]]:
    found = saved_responses(document, where)
    for _request, response in found:
        kind = response.get("kind", str)
        if kind not in (THREADS, VIDEOS):
            raise FormatError(
                response.where, f"is not a commentThreads or videos response of the YouTube API: kind {kind}"
            )
        response.need("items", list)
    return found


def _snippet(node: Node) -> Node:
    snippet = node.child("snippet")
    if snippet is None:
        raise FormatError(node.where, "has no snippet")
    return snippet


def _comment(node: Node, kind: Kind, parent: str | None) -> Item:
    snippet = _snippet(node)
    published = need_iso_time(snippet, "publishedAt")
    channel = snippet.child("authorChannelId")
    status = snippet.get("moderationStatus", str)
    text = snippet.get("textOriginal", str)
    return Item(
        kind=kind,
        platform_id=node.need("id", str),
        parent_platform_id=parent,
        author_name=snippet.text("authorDisplayName"),
        platform_author_id=channel.get("value", str) if channel else None,
        text=text if text is not None else html_text(snippet.text("textDisplay")),
        published_at=published,
        edited_at=edited(published, iso_time(snippet, "updatedAt")),
        hidden=_HIDDEN.get(status) if status else None,
        where=node.where,
    )


def _video(node: Node) -> Item:
    video_id = node.need("id", str)
    snippet = _snippet(node)
    return Item(
        kind="post",
        platform_id=video_id,
        parent_platform_id=None,
        author_name=snippet.text("channelTitle"),
        platform_author_id=snippet.get("channelId", str),
        text="\n\n".join(part for part in (snippet.text("title"), snippet.text("description")) if part),
        published_at=need_iso_time(snippet, "publishedAt"),
        attachments=(f"https://www.youtube.com/watch?v={video_id}",),
        where=node.where,
    )


def reader(bundle: Bundle) -> Source:
    return YouTubeComments(bundle)
