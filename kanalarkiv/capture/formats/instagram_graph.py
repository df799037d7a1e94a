"""An Instagram professional account's media and comments from the Instagram Graph API, as saved
from ``GET /{ig-user-id}/media?fields=id,caption,timestamp,username,owner,permalink,media_url,
children{media_url},comments{id,text,timestamp,username,from,hidden,replies{...}}``
(Instagram Graph API reference: IG User Media, IG Media, IG Comment, IG Comment Replies).

A file is one saved response ``{"data": [media...], "paging": {"cursors", "next"}}`` or a list of
them (the pages of one listing, in order). Media are posts, a medium's ``comments`` its comments,
a comment's ``replies`` their replies (Instagram's replies do not nest further). ``hidden`` is
the comment's hidden state; Instagram gives no edit times.

Completeness follows the paging as for Facebook's Graph API: a medium's or a comment's thread is
whole when its ``comments`` or ``replies`` edge has no ``paging.next`` (an edge left out is not
taken as whole; one with a ``next`` is partial, and so is the medium a partial comment is on),
and the media are whole when the bundle holds the listing's last page (a response without
``next``, in one file or several), for the span of the media's times.
"""

from __future__ import annotations

from collections.abc import Iterator

from kanalarkiv.capture.formats.graph_listing import GraphListing
from kanalarkiv.capture.formats.reading import (
    Node,
    need_iso_time,
    span,
)
from kanalarkiv.capture.items import Bundle, Item, Kind, Source


class InstagramMedia(GraphListing):
    format = "instagram_graph"
    api = "Instagram Graph API"

    def _top_level(self, node: Node) -> Iterator[Item]:
        return self._medium(node)

    def _medium(self, node: Node) -> Iterator[Item]:
        media_id = node.need("id", str)
        published = need_iso_time(node, "timestamp")
        self._period = span(self._period, published)
        owner = node.child("owner")
        yield Item(
            kind="post",
            platform_id=media_id,
            parent_platform_id=None,
            author_name=node.text("username"),
            platform_author_id=owner.get("id", str) if owner else None,
            text=node.text("caption"),
            published_at=published,
            attachments=_media_urls(node),
            where=node.where,
        )
        yield from self._comments(node, "comments", media_id, "comment")

    def _comments(self, parent: Node, edge_name: str, parent_id: str, kind: Kind) -> Iterator[Item]:
        edge = parent.child(edge_name)
        if edge is None:
            return
        for comment in edge.children("data", kind):
            comment_id = comment.need("id", str)
            author = comment.child("from")
            yield Item(
                kind=kind,
                platform_id=comment_id,
                parent_platform_id=parent_id,
                author_name=comment.text("username") or (author.text("username") if author else ""),
                platform_author_id=author.get("id", str) if author else None,
                text=comment.text("text"),
                published_at=need_iso_time(comment, "timestamp"),
                hidden=comment.get("hidden", bool),
                where=comment.where,
            )
            yield from self._comments(comment, "replies", comment_id, "reply")
        self._edge_read(edge, parent_id)


def _media_urls(node: Node) -> tuple[str, ...]:
    """The medium's file (``media_url``; a video's ``thumbnail_url`` when the file is withheld) and
    a carousel's children's files."""
    children = node.child("children")
    found: list[str] = []
    for medium in [node, *(children.children("data", "child") if children else [])]:
        url = medium.text("media_url") or medium.text("thumbnail_url")
        if url and url not in found:
            found.append(url)
    return tuple(found)


def reader(bundle: Bundle) -> Source:
    return InstagramMedia(bundle)
