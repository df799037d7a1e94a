"""The fake YouTube Data API v3: ``commentThreads`` by ``allThreadsRelatedToChannelId`` and
``moderationStatus`` (threads hold at most ``thread_replies`` replies, as the real one "does not
necessarily contain all replies"), ``comments`` by ``parentId`` or ``id``, ``videos`` by ``id``;
``pageToken`` paging; 401 for a token refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from fake_platform.wire import Request, Response, cursor_page

PREFIX = "/youtube/v3/"


@dataclass
class Comment:
    id: str
    parent: str | None  # the top comment a reply answers
    video: str
    text: str
    published: datetime
    updated: datetime
    status: str = "published"
    deleted: bool = False
    unlisted: bool = False  # missing from the listings, yet ``comments.list(id)`` finds it


def _time(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class YouTubeState:
    channel_id = "UCfakechannel0000000000"

    def __init__(self) -> None:
        self.token = "fake-google-token-not-real"
        self.token_refused = False
        self.page_size = 100
        self.thread_replies = 2
        self.uncounted: dict[str, int] = {}  # a thread's totalReplyCount above the replies it lists
        self.videos: dict[str, tuple[str, datetime]] = {}
        self.comments: dict[str, Comment] = {}

    def video(self, id: str, title: str, at: datetime) -> None:
        self.videos[id] = (title, at)

    def comment(self, id: str, video: str, text: str, at: datetime, parent: str | None = None) -> None:
        self.comments[id] = Comment(id, parent, video, text, at, at)

    def edit(self, id: str, text: str, at: datetime) -> None:
        self.comments[id].text, self.comments[id].updated = text, at

    def hold(self, id: str, status: str = "heldForReview") -> None:
        self.comments[id].status = status

    def delete(self, id: str) -> None:
        self.comments[id].deleted = True

    def vanish(self, id: str) -> None:
        self.comments[id].unlisted = True

    def answer(self, request: Request, base: str) -> Response | None:
        if not request.path.startswith(PREFIX):
            return None
        if self.token_refused or request.bearer() != self.token:
            error = {
                "code": 401,
                "message": "Request had invalid authentication credentials.",
                "errors": [{"reason": "authError"}],
            }
            return Response.json(
                {"error": error}, 401, {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'}
            )
        resource = request.path[len(PREFIX) :]
        if resource == "commentThreads":
            return self._threads(request)
        if resource == "comments":
            return self._comments(request)
        if resource == "videos":
            ids = request.query.get("id", "").split(",")
            return Response.json(
                {"kind": "youtube#videoListResponse", "items": [self._video(i) for i in ids if i in self.videos]}
            )
        return None

    def _live(self) -> list[Comment]:
        return sorted(
            (c for c in self.comments.values() if not c.deleted and not c.unlisted), key=lambda c: c.published
        )

    def _threads(self, request: Request) -> Response:
        if request.query.get("allThreadsRelatedToChannelId") != self.channel_id:
            error = {"code": 404, "message": "channel not found", "errors": [{"reason": "channelNotFound"}]}
            return Response.json({"error": error}, 404)
        status = request.query.get("moderationStatus", "published")
        tops = [c for c in reversed(self._live()) if c.parent is None and c.status == status]
        limit = min(int(request.query.get("maxResults", "20")), self.page_size)
        page, following = cursor_page(tops, request.query.get("pageToken"), limit)
        listing = {"kind": "youtube#commentThreadListResponse", "items": [self._thread(top) for top in page]}
        if following is not None:
            listing["nextPageToken"] = str(following)
        return Response.json(listing)

    def _thread(self, top: Comment) -> dict:
        replies = [c for c in self._live() if c.parent == top.id]
        thread = {
            "kind": "youtube#commentThread",
            "id": top.id,
            "snippet": {
                "channelId": self.channel_id,
                "videoId": top.video,
                "topLevelComment": self._resource(top),
                "totalReplyCount": len(replies) + self.uncounted.get(top.id, 0),
            },
        }
        if replies:
            thread["replies"] = {"comments": [self._resource(r) for r in replies[: self.thread_replies]]}
        return thread

    def _comments(self, request: Request) -> Response:
        if "id" in request.query:
            found = [self.comments[i] for i in request.query["id"].split(",") if i in self.comments]
            return Response.json(
                {"kind": "youtube#commentListResponse", "items": [self._resource(c) for c in found if not c.deleted]}
            )
        replies = [c for c in self._live() if c.parent == request.query.get("parentId")]
        limit = min(int(request.query.get("maxResults", "20")), self.page_size)
        page, following = cursor_page(replies, request.query.get("pageToken"), limit)
        listing = {"kind": "youtube#commentListResponse", "items": [self._resource(c) for c in page]}
        if following is not None:
            listing["nextPageToken"] = str(following)
        return Response.json(listing)

    def _resource(self, comment: Comment) -> dict:
        snippet = {
            "channelId": self.channel_id,
            "videoId": comment.video,
            "textDisplay": comment.text,
            "textOriginal": comment.text,
            "authorDisplayName": "@invånare",
            "authorChannelId": {"value": "UCinvented0000000000000"},
            "moderationStatus": comment.status,
            "publishedAt": _time(comment.published),
            "updatedAt": _time(comment.updated),
        }
        if comment.parent:
            snippet["parentId"] = comment.parent
        return {"kind": "youtube#comment", "id": comment.id, "snippet": snippet}

    def _video(self, id: str) -> dict:
        title, at = self.videos[id]
        snippet = {
            "publishedAt": _time(at),
            "channelId": self.channel_id,
            "title": title,
            "description": "",
            "channelTitle": "Valdemarsviks kommun",
        }
        return {"kind": "youtube#video", "id": id, "snippet": snippet}
