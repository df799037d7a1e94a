"""A Graph API account polled to its end — a Facebook Page's feed, an Instagram account's
media — each item with every comment and every reply: the shared body of ``facebook_page`` and
``instagram_account``, which name the listing, its fields and the edge replies hang on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Self

import httpx

from domain.secret import Secret
from kanalarkiv.capture.live import graph
from kanalarkiv.capture.live.bundles import LiveBundle
from kanalarkiv.capture.live.http import DEFAULT_TIMEOUT, Fetcher, RetryPolicy, client

GRAPH = "https://graph.facebook.com"
VERSION = "v21.0"
PAGE_SIZE = 25


@dataclass
class GraphAccount:
    kind: ClassVar[str]  # the source kind (``facebook_page``)
    format: ClassVar[str]  # the registry's name of the reader of its bundles (``facebook-graph``)
    listing: ClassVar[str]  # the account's edge of items (``feed``)
    fields: ClassVar[str]  # the items' fields, their comments' and replies' nested
    reply_edge: ClassVar[str]  # the edge of a comment's replies (``comments``, ``replies``)

    account_id: str
    fetcher: Fetcher
    version: str = VERSION

    @classmethod
    def connect(
        cls,
        account_id: str,
        token: Secret,
        *,
        base_url: str = GRAPH,
        version: str = VERSION,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        policy: RetryPolicy | None = None,
        transport: Any = None,
    ) -> Self:
        source = f"{cls.kind.replace('_', ' ')} {graph.graph_id(account_id)}"
        http = client(base_url, timeout, {"Authorization": f"Bearer {token.reveal()}"}, transport)
        return cls(account_id, Fetcher(source, http, graph.graph_judge(source), policy or RetryPolicy()), version)

    def fetch(self, since: datetime | None = None) -> LiveBundle:
        """The listing (its items published from ``since``, else all of them), threads whole."""
        params: dict[str, Any] = {"fields": self.fields, "limit": PAGE_SIZE}
        if since is not None:
            params["since"] = int(since.timestamp())
        bundle = LiveBundle(f"{self.kind}-{self.account_id}", self.format)
        for _data, page in graph.pages(self.fetcher, f"/{self.version}/{self.account_id}/{self.listing}", params):
            for item in page["data"]:
                self._complete(item)
            bundle.add(self.listing, graph.serialised(page))
        return bundle

    def confirm_deleted(self, platform_id: str) -> bool:
        """Whether an item or comment is gone from the platform (Graph's "does not exist")."""
        return graph.confirm_missing(self.fetcher, self.version, platform_id)

    def close(self) -> None:
        self.fetcher.client.close()

    def _complete(self, item: Any) -> None:
        """Every page of the item's comments and of their replies merged into their edges. Graph
        leaves an edge out when it is empty; we asked for it, so its absence is an empty edge,
        saved as such so the reader may take the thread as whole (a last comment deleted)."""
        if not isinstance(item, dict):
            return
        item.setdefault("comments", {"data": []})
        for comment in (graph.complete_edge(self.fetcher, item, "comments") or {}).get("data") or []:
            if isinstance(comment, dict):
                comment.setdefault(self.reply_edge, {"data": []})
                graph.complete_edge(self.fetcher, comment, self.reply_edge)
