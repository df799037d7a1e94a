"""The fake Graph API: a Facebook Page's feed and an Instagram account's media, their comments
and replies, with cursor paging (``paging.cursors``, ``paging.next`` carrying the token as the
real one does), ``since``, ``filter=stream``, single-object fetches and Graph's errors."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from fake_platform.wire import Request, Response, cursor_page, graph_error_response, graph_time

PATH = re.compile(r"/(v[0-9]+\.[0-9]+)/([0-9_]+)(?:/([a-z]+))?")


@dataclass
class Node:
    id: str
    parent: str | None
    text: str
    created: datetime
    author_name: str
    author_id: str
    updated: datetime | None = None
    hidden: bool = False
    deleted: bool = False
    unlisted: bool = False  # missing from the listings, yet a direct fetch finds it (a listing that lags)


class GraphState:
    account_id: str
    listing: str  # the account's edge of items
    reply_edge: str  # a comment's edge of replies

    def __init__(self) -> None:
        self.token = "fake-graph-token-not-real"
        self.token_error: int | None = None  # a 190 subcode every request answers (463: expired)
        self.page_size = 25  # at most this many items on a page, whatever the limit asked
        self.nested_size = 2  # at most this many comments or replies nested in their parent
        self.nodes: dict[str, Node] = {}
        self._kids: dict[str | None, list[str]] = {}  # children by parent: a backfill's 100,000 comments

    # The test's side: the platform's state

    def post(self, id: str, text: str, at: datetime, author: tuple[str, str] | None = None) -> None:
        name, author_id = author or ("Valdemarsviks kommun", self.account_id)
        self._add(Node(id, None, text, at, name, author_id))

    def comment(
        self, id: str, on: str, text: str, at: datetime, author: tuple[str, str] = ("Anna Invånare", "9001")
    ) -> None:
        self._add(Node(id, on, text, at, *author))

    def clear(self) -> None:
        """No items at all (a benchmark's next Page)."""
        self.nodes.clear()
        self._kids.clear()

    def _add(self, node: Node) -> None:
        if node.id not in self.nodes:
            self._kids.setdefault(node.parent, []).append(node.id)
        self.nodes[node.id] = node

    def edit(self, id: str, text: str, at: datetime) -> None:
        self.nodes[id].text, self.nodes[id].updated = text, at

    def hide(self, id: str, hidden: bool = True) -> None:
        self.nodes[id].hidden = hidden

    def delete(self, id: str) -> None:
        self.nodes[id].deleted = True

    def vanish(self, id: str) -> None:
        """Left out of every listing, though not deleted: its own fetch still finds it."""
        self.nodes[id].unlisted = True

    # The platform's side

    def answer(self, request: Request, base: str) -> Response | None:
        match = PATH.fullmatch(request.path)
        if match is None or not self._mine(match[2]):
            return None
        if request.bearer() != self.token:
            return graph_error_response(190, None, 401)
        if self.token_error is not None:
            return graph_error_response(190, self.token_error, 401)
        version, object_id, edge = match.groups()
        node = self.nodes.get(object_id)
        if edge is None:
            exists = object_id == self.account_id or (node is not None and not node.deleted)
            return Response.json({"id": object_id}) if exists else graph_error_response(100, 33)
        if object_id == self.account_id and edge == self.listing:
            return self._listing(request, base, version)
        if edge in ("comments", self.reply_edge) and node is not None and not node.deleted:
            return self._edge_page(request, base, version, object_id, edge)
        return graph_error_response(100, 33)

    def _mine(self, object_id: str) -> bool:
        return object_id == self.account_id or object_id in self.nodes

    def _listing(self, request: Request, base: str, version: str) -> Response:
        since = int(request.query.get("since", "0"))
        items = [n for n in self._children(None) if n.created.timestamp() >= since]
        items.sort(key=lambda n: n.created, reverse=True)
        limit = min(int(request.query.get("limit", "25")), self.page_size)
        page, after = cursor_page(items, request.query.get("after"), limit)
        link = self._link(base, version, self.account_id, self.listing, after, limit, request.query)
        return Response.json({"data": [self._item(n, base, version) for n in page], "paging": _paging(link, after)})

    def _edge_page(self, request: Request, base: str, version: str, parent: str, edge: str) -> Response:
        stream = request.query.get("filter") == "stream"
        children = self._descendants(parent) if stream else self._children(parent)
        limit = min(int(request.query.get("limit", "25")), self.page_size)
        page, after = cursor_page(children, request.query.get("after"), limit)
        link = self._link(base, version, parent, edge, after, limit, request.query)
        data = [self._comment(n, base, version, nested=not stream) for n in page]
        return Response.json({"data": data, "paging": _paging(link, after)})

    def _edge(self, parent: str, edge: str, base: str, version: str, nested: bool) -> dict:
        children = self._children(parent)
        page, after = cursor_page(children, None, self.nested_size)
        link = self._link(base, version, parent, edge, after, self.nested_size, {})
        return {"data": [self._comment(n, base, version, nested) for n in page], "paging": _paging(link, after)}

    def _link(
        self, base: str, version: str, parent: str, edge: str, after: int | None, limit: int, query: dict
    ) -> str | None:
        if after is None:
            return None
        kept = "".join(f"&{key}={query[key]}" for key in ("fields", "since", "filter") if key in query)
        return f"{base}/{version}/{parent}/{edge}?access_token={self.token}&limit={limit}&after={after}{kept}"

    def _children(self, parent: str | None) -> list[Node]:
        found = [n for n in map(self.nodes.__getitem__, self._kids.get(parent, ())) if not n.deleted and not n.unlisted]
        return sorted(found, key=lambda n: n.created)

    def _descendants(self, parent: str) -> list[Node]:
        found = []
        for child in self._children(parent):
            found.append(child)
            found.extend(self._descendants(child.id))
        return sorted(found, key=lambda n: n.created)

    def _item(self, node: Node, base: str, version: str) -> dict:
        raise NotImplementedError

    def _comment(self, node: Node, base: str, version: str, nested: bool) -> dict:
        raise NotImplementedError


def _paging(link: str | None, after: int | None) -> dict:
    paging: dict = {"cursors": {"before": "0", "after": str(after or 0)}}
    if link is not None:
        paging["next"] = link
    return paging


class FacebookState(GraphState):
    account_id = "104000000000001"
    listing = "feed"
    reply_edge = "comments"

    def _mine(self, object_id: str) -> bool:
        return True  # asked after Instagram: every other Graph id is the Page's, or does not exist

    def _item(self, node: Node, base: str, version: str) -> dict:
        item = {
            "id": node.id,
            "message": node.text,
            "created_time": graph_time(node.created),
            "updated_time": graph_time(node.updated or node.created),
            "from": {"name": node.author_name, "id": node.author_id},
            "is_hidden": node.hidden,
        }
        if self._children(node.id):  # Graph leaves the edge out when there are no comments
            item["comments"] = self._edge(node.id, "comments", base, version, nested=True)
        return item

    def _comment(self, node: Node, base: str, version: str, nested: bool) -> dict:
        comment = {
            "id": node.id,
            "message": node.text,
            "created_time": graph_time(node.created),
            "from": {"name": node.author_name, "id": node.author_id},
            "is_hidden": node.hidden,
        }
        parent = self.nodes.get(node.parent or "")
        if not nested and parent is not None and parent.parent is not None:
            comment["parent"] = {"id": parent.id}
        if nested and parent is not None and parent.parent is None and self._children(node.id):
            comment["comments"] = self._edge(node.id, "comments", base, version, nested=False)
        return comment


class InstagramState(GraphState):
    account_id = "17841400000000001"
    listing = "media"
    reply_edge = "replies"

    def _item(self, node: Node, base: str, version: str) -> dict:
        item = {
            "id": node.id,
            "caption": node.text,
            "timestamp": graph_time(node.created),
            "username": node.author_name,
            "owner": {"id": node.author_id},
            "media_type": "IMAGE",
            "media_url": f"https://scontent.invalid/{node.id}.jpg",
            "permalink": f"https://www.instagram.com/p/{node.id}/",
        }
        if self._children(node.id):
            item["comments"] = self._edge(node.id, "comments", base, version, nested=True)
        return item

    def _comment(self, node: Node, base: str, version: str, nested: bool) -> dict:
        comment = {
            "id": node.id,
            "text": node.text,
            "timestamp": graph_time(node.created),
            "username": node.author_name,
            "from": {"id": node.author_id, "username": node.author_name},
            "hidden": node.hidden,
        }
        parent = self.nodes.get(node.parent or "")
        if nested and parent is not None and parent.parent is None and self._children(node.id):
            comment["replies"] = self._edge(node.id, "replies", base, version, nested=False)
        return comment
