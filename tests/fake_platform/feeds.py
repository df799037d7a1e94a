"""The fake blog: an RSS 2.0 feed at ``/feed.xml`` with ``ETag`` and ``Last-Modified`` (a
matching ``If-None-Match``, or an ``If-Modified-Since`` no earlier than the last change, answers
304), and each entry's own page at ``/posts/{n}`` (404 once deleted)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from xml.sax.saxutils import escape

from fake_platform.wire import Request, Response


@dataclass
class Entry:
    slug: str
    title: str
    body: str
    published: datetime
    deleted: bool = False


class FeedState:
    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self.changed = datetime(2026, 3, 1, tzinfo=UTC)

    def publish(self, slug: str, title: str, body: str, at: datetime) -> None:
        self.entries[slug] = Entry(slug, title, body, at)
        self.changed = max(self.changed, at)

    def edit(self, slug: str, body: str, at: datetime) -> None:
        self.entries[slug].body = body
        self.changed = max(self.changed, at)

    def delete(self, slug: str, at: datetime) -> None:
        self.entries[slug].deleted = True
        self.changed = max(self.changed, at)

    def answer(self, request: Request, base: str) -> Response | None:
        if request.path == "/feed.xml":
            return self._feed(request, base)
        if request.path.startswith("/posts/"):
            entry = self.entries.get(request.path[len("/posts/") :])
            if entry is None or entry.deleted:
                return Response(404, b"Not Found", {"Content-Type": "text/plain"})
            return Response(200, f"<html><h1>{escape(entry.title)}</h1></html>".encode(), {"Content-Type": "text/html"})
        return None

    def _feed(self, request: Request, base: str) -> Response:
        document = self._document(base)
        etag = f'"{hashlib.sha256(document).hexdigest()[:16]}"'
        validators = {"ETag": etag, "Last-Modified": format_datetime(self.changed, usegmt=True)}
        if request.headers.get("if-none-match") == etag or self._unmodified_since(request):
            return Response(304, b"", validators)
        return Response(200, document, {"Content-Type": "application/rss+xml; charset=utf-8", **validators})

    def _unmodified_since(self, request: Request) -> bool:
        since = request.headers.get("if-modified-since")
        if since is None or "if-none-match" in request.headers:  # RFC 9110 13.1.3: ETag takes precedence
            return False
        return self.changed.replace(microsecond=0) <= parsedate_to_datetime(since)

    def _document(self, base: str) -> bytes:
        items = "".join(
            f"<item><title>{escape(e.title)}</title><link>{base}/posts/{e.slug}</link>"
            f"<guid>{base}/posts/{e.slug}</guid><pubDate>{format_datetime(e.published, usegmt=True)}</pubDate>"
            f"<description>{escape(e.body)}</description></item>"
            for e in self.entries.values()
            if not e.deleted
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Valdemarsviks kommun – nyheter</title><link>{base}/</link>"
            f"<description>Nyheter</description>{items}</channel></rss>"
        ).encode()
