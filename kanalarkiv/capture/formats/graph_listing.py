"""What Facebook's and Instagram's Graph API listings share: saved responses read file by file,
each file's items yielded only once it has been read whole, and completeness by the paging — the
listing is whole when the bundle holds its last page (a response without ``paging.next``), for
the span of the top-level items' times; a thread is whole when its own edge has no ``next``, and
partial when it has one (``Completeness.partial``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import partial

from kanalarkiv.capture.formats.reading import (
    Node,
    checked,
    file_label,
    graph_has_next,
    graph_responses,
    load_json,
    members,
)
from kanalarkiv.capture.items import Bundle, Completeness, FormatError, Item


class GraphListing:
    """A reader of one listing's saved responses; a subclass reads one top-level item."""

    format: str
    api: str  # named in the message for a bundle without any response

    def __init__(self, bundle: Bundle):
        self.bundle = bundle
        self._ended = False
        self._period: tuple[datetime, datetime] | None = None
        self._threads: set[str] = set()
        self._partial: set[str] = set()

    def items(self) -> Iterator[Item]:
        names = members(self.bundle, (".json",))
        if not names:
            raise FormatError(self.bundle.label, f"has no .json files of {self.api} responses")
        for name in names:
            responses = graph_responses(load_json(self.bundle, name), file_label(self.bundle, name))
            yield from checked(partial(self._responses, responses))
            self._ended = self._ended or not all(graph_has_next(response) for response in responses)

    def completeness(self) -> Completeness:
        whole = self._ended and self._period is not None
        return Completeness(posts=whole, period=self._period, threads=set(self._threads), partial=set(self._partial))

    def _edge_read(self, edge: Node, parent_id: str) -> None:
        """The parent's thread is whole when its edge has no ``next``, else partial (a comment's
        replies cut: the post it is on is not whole either, which the capture core tells)."""
        (self._partial if graph_has_next(edge) else self._threads).add(parent_id)

    def _responses(self, responses: list[Node]) -> Iterator[Item]:
        for response in responses:
            for node in response.children("data", "item"):
                yield from self._top_level(node)

    def _top_level(self, node: Node) -> Iterator[Item]:
        raise NotImplementedError
