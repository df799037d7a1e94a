"""A Facebook Page's feed from the Graph API, as saved from
``GET /{page-id}/feed?fields=id,message,created_time,updated_time,from,is_hidden,attachments,
comments{id,message,created_time,from,is_hidden,attachment,comments{...}}``
(Graph API reference: Page Feed, Post, Comment; "Paginated Results").

A file is one saved response ``{"data": [post...], "paging": {"cursors", "next"}}`` or a list of
them, the pages of one listing in order. Ids are the platform's: ``{page}_{post}`` for a post,
``{post}_{comment}`` for a comment; a comment's ``comments`` are its replies.

Completeness follows the paging: "If [next is] not included, this is the last page of data".
A post's thread is whole when its ``comments`` edge has no ``paging.next`` and no comment's reply
edge has one (a reply is recorded on the post: an edge with a ``next`` is partial); a post without a
``comments`` edge is not taken as whole (the API leaves the edge out when there are no comments,
and also when it was not asked for). The posts are whole when the bundle holds the listing's last
page (a response without ``next``; the pages may be in one file or in several), and then for the
span of the posts' times. That the pages before it are all there cannot be told from the
responses (cursors do not chain, and the feed's first page has a ``previous`` too).

Edits. The reference says a post's ``updated_time`` is "the time when the post was created, last
edited or the time of the last comment that was left on the post": it is taken as ``edited_at``
only when it is later than the creation and is not the time of a comment in the file.
``from`` may be left out for people who have not allowed it: the author is then unnamed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from kanalarkiv.capture.formats.graph_listing import GraphListing
from kanalarkiv.capture.formats.reading import (
    Node,
    edited,
    iso_time,
    need_iso_time,
    span,
)
from kanalarkiv.capture.items import Bundle, Item, Kind, Source


class GraphFeed(GraphListing):
    format = "facebook_graph"
    api = "Graph API"

    def _top_level(self, node: Node) -> Iterator[Item]:
        return self._post(node)

    def _post(self, node: Node) -> Iterator[Item]:
        post_id = node.need("id", str)
        created = need_iso_time(node, "created_time")
        updated = iso_time(node, "updated_time")
        self._period = span(self._period, created)
        if updated in _comment_times(node):
            updated = None  # the time of its last comment, not of an edit
        author_name, author_id = _author(node)
        yield Item(
            kind="post",
            platform_id=post_id,
            parent_platform_id=None,
            author_name=author_name,
            platform_author_id=author_id,
            text=node.text("message"),
            published_at=created,
            edited_at=edited(created, updated),
            hidden=node.get("is_hidden", bool),
            attachments=_references(_attachments(node)),
            where=node.where,
        )
        yield from self._comments(node, post_id, "comment")

    def _comments(self, parent: Node, parent_id: str, kind: Kind) -> Iterator[Item]:
        edge = parent.child("comments")
        if edge is None:
            return
        for comment in edge.children("data", kind):
            comment_id = comment.need("id", str)
            attachment = comment.child("attachment")
            author_name, author_id = _author(comment)
            yield Item(
                kind=kind,
                platform_id=comment_id,
                parent_platform_id=parent_id,
                author_name=author_name,
                platform_author_id=author_id,
                text=comment.text("message"),
                published_at=need_iso_time(comment, "created_time"),
                hidden=comment.get("is_hidden", bool),
                attachments=_references([attachment] if attachment else []),
                where=comment.where,
            )
            yield from self._comments(comment, comment_id, "reply")
        self._edge_read(edge, parent_id)


def _author(node: Node) -> tuple[str, str | None]:
    author = node.child("from")
    return ("", None) if author is None else (author.text("name"), author.get("id", str))


def _comment_times(node: Node, kind: Kind = "comment") -> set[datetime]:
    edge = node.child("comments")
    times: set[datetime] = set()
    for comment in edge.children("data", kind) if edge else ():
        times.add(need_iso_time(comment, "created_time"))
        times |= _comment_times(comment, "reply")
    return times


def _attachments(node: Node) -> list[Node]:
    """A post's attachments; an album's photos (``subattachments``) in place of the album."""
    edge = node.child("attachments")
    found: list[Node] = []
    for attachment in edge.children("data", "attachment") if edge else ():
        subattachments = attachment.child("subattachments")
        found.extend(subattachments.children("data", "attachment") if subattachments else [attachment])
    return found


def _references(attachments: list[Node]) -> tuple[str, ...]:
    """Each attachment's link (``unshimmed_url``, else ``url``) and its media (``media.source`` for
    a video, else ``media.image.src``)."""
    found: list[str] = []
    for attachment in attachments:
        media = attachment.child("media")
        image = media.child("image") if media else None
        link = attachment.text("unshimmed_url") or attachment.text("url")
        source = (media.text("source") if media else "") or (image.text("src") if image else "")
        for reference in (link, source):
            if reference and reference not in found:
                found.append(reference)
    return tuple(found)


def reader(bundle: Bundle) -> Source:
    return GraphFeed(bundle)
