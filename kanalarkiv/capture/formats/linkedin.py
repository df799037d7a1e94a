"""A LinkedIn organization's posts and their comments from the Community Management API, as
saved from ``GET /rest/posts?q=author&author={organization-urn}`` and
``GET /rest/socialActions/{post-or-comment-urn}/comments`` (LinkedIn Marketing API reference:
Posts API, Comments API). A response is ``{"paging": {"start", "count", "total", "links"},
"elements": [...]}``; a file is one response, a list of them, or a response saved with the
request it answers, ``{"request": "/rest/socialActions/{urn}/comments?start=0", "response": …}``,
as the live connector saves them (so that an empty listing still names its parent).

A post's id is its URN (``urn:li:share:…``, ``urn:li:ugcPost:…``), its text ``commentary``, its
time ``publishedAt`` (else ``createdAt``; Unix milliseconds), an edit ``lastModifiedAt`` later
than that. A comment's id is its ``commentUrn``; its parent the ``parentComment`` (a reply), else
its ``object`` (the post); its author the ``actor`` URN (the API gives no name: none is looked up,
and the URN stands as the name, which the record needs);
its text ``message.text``; ``lastModified.time`` later than ``created.time`` the edit. LinkedIn has
no hidden state.

Completeness. A parent's thread is whole when the comments held for it are at least the
``paging.total`` its listing gave (an empty listing saved with its request: a thread of none).
The posts are never taken as whole: the posts listing gives no total to check against."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import unquote, urlsplit

from kanalarkiv.capture.formats.reading import Node, checked, edited, file_label, load_json, members, saved_responses
from kanalarkiv.capture.items import Bundle, Completeness, FormatError, Item, Source

_PREFIX = "/rest/socialActions/"


class LinkedInActivity:
    format = "linkedin"

    def __init__(self, bundle: Bundle):
        self.bundle = bundle
        self._held: dict[str, set[str]] = {}
        self._totals: dict[str, int] = {}

    def items(self) -> Iterator[Item]:
        names = members(self.bundle, (".json",))
        if not names:
            raise FormatError(self.bundle.label, "has no .json files of LinkedIn API responses")
        for name in names:
            responses = _responses(load_json(self.bundle, name), file_label(self.bundle, name))
            yield from checked(partial(self._responses, responses))

    def completeness(self) -> Completeness:
        whole = {parent for parent, total in self._totals.items() if len(self._held.get(parent, ())) >= total}
        return Completeness(threads=whole, partial=set(self._totals) - whole)

    def _responses(self, responses: list[tuple[str | None, Node]]) -> Iterator[Item]:
        for parent, response in responses:
            paging = response.child("paging")
            total = paging.get("total", int) if paging else None
            if parent is not None and total is not None:
                self._totals[parent] = max(self._totals.get(parent, 0), total)
            for element in response.children("elements", "element"):
                item = _comment(element) if "commentUrn" in element.value else _post(element)
                if item.parent_platform_id is not None:
                    self._held.setdefault(item.parent_platform_id, set()).add(item.platform_id)
                    if parent is None and total is not None:
                        self._totals[item.parent_platform_id] = max(self._totals.get(item.parent_platform_id, 0), total)
                yield item


def _responses(document: Any, where: str) -> list[tuple[str | None, Node]]:
    found = []
    for request, node in saved_responses(document, where):
        node.need("elements", list)
        found.append((_parent_of(request), node))
    return found


def _parent_of(request: str | None) -> str | None:
    """The URN a comments listing is of, from its request's path."""
    path = urlsplit(request).path if request else ""
    if not path.startswith(_PREFIX) or not path.endswith("/comments"):
        return None
    return unquote(path[len(_PREFIX) : -len("/comments")])


def _millis(node: Node | None, key: str) -> datetime | None:
    value = node.get(key, int) if node else None
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(value / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        raise FormatError(node.where if node else "", f"{key} is not a time: {value!r}") from None


def _post(node: Node) -> Item:
    published = _millis(node, "publishedAt") or _millis(node, "createdAt")
    if published is None:
        raise FormatError(node.where, "has no publishedAt or createdAt")
    return Item(
        kind="post",
        platform_id=node.need("id", str),
        parent_platform_id=None,
        author_name=node.get("author", str) or "LinkedIn",
        platform_author_id=node.get("author", str),
        text=node.text("commentary"),
        published_at=published,
        edited_at=edited(published, _millis(node, "lastModifiedAt")),
        where=node.where,
    )


def _comment(node: Node) -> Item:
    published = _millis(node.child("created"), "time")
    if published is None:
        raise FormatError(node.where, "has no created.time")
    message = node.child("message")
    parent = node.get("parentComment", str)
    return Item(
        kind="reply" if parent else "comment",
        platform_id=node.need("commentUrn", str),
        parent_platform_id=parent or node.need("object", str),
        author_name=node.get("actor", str) or "LinkedIn",
        platform_author_id=node.get("actor", str),
        text=message.text("text") if message else "",
        published_at=published,
        edited_at=edited(published, _millis(node.child("lastModified"), "time")),
        attachments=tuple(url for content in node.children("content", "content") if (url := content.text("url"))),
        where=node.where,
    )


def reader(bundle: Bundle) -> Source:
    return LinkedInActivity(bundle)
