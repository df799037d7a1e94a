"""What the Facebook Page and Instagram connectors share: Meta's Graph API.

Errors are ``{"error": {"message", "type", "code", "error_subcode"}}`` (Graph API, "Handling
Errors"): codes 4, 17, 32 and 613 (and 80001–80014, the business use case limits) are throttling,
waited out as ``X-Business-Use-Case-Usage``'s ``estimated_time_to_regain_access`` (minutes) says
when it says; 1 and 2 are the platform's own trouble, retried; 190 is an access token that is no
longer valid (subcode 463: expired; the others — 458 app removed, 460 password changed, 467
invalid — no longer valid); 10 and 200–299 a permission missing; 100 with subcode 33 (and 803) an object
that does not exist, or cannot be loaded.

Listings page by ``paging.next`` ("If not included, this is the last page of data"), followed
only to the base URL's own host and with the token it carries removed: the token goes in the
``Authorization`` header, never in a URL that could be logged. A nested edge (a post's
``comments``, a comment's ``replies``) that has a ``next`` is followed to its end and its pages
are merged into the edge, so that the saved response holds the whole thread and the reader may
take it as whole, exactly as it would a thread that fitted in one page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import orjson

from kanalarkiv.capture.live.failures import FailureReason, SourceFailing
from kanalarkiv.capture.live.http import Fetcher, Throttled, Verdict

THROTTLING = frozenset({4, 17, 32, 613, *range(80001, 80015)})
TRANSIENT = frozenset({1, 2})
NOT_FOUND_SUBCODES = frozenset({33})
GRAPH_ID = re.compile(r"[0-9]+(_[0-9]+)?")
MOST_PAGES = 10_000  # a listing longer than this is taken as a loop, not a feed


def graph_judge(source: str) -> Any:
    def judge(response: httpx.Response) -> Verdict:
        if response.status_code < 400:
            return None
        error = _error_of(response)
        if error is None:
            return None  # no Graph error body: the generic rules of the status code apply
        return _verdict(source, response, error)

    return judge


def _error_of(response: httpx.Response) -> dict[str, Any] | None:
    try:
        document = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None
    error = document.get("error") if isinstance(document, dict) else None
    return error if isinstance(error, dict) else None


def _verdict(source: str, response: httpx.Response, error: dict[str, Any]) -> Verdict:
    code, subcode = error.get("code"), error.get("error_subcode")
    message = str(error.get("message", ""))[:300]
    status = response.status_code
    if code in THROTTLING:
        return Throttled(_regain_access(response))
    if code in TRANSIENT:
        return Throttled(reason=FailureReason.UPSTREAM_ERROR)
    if code == 190:
        reason = FailureReason.CREDENTIALS_EXPIRED if subcode == 463 else FailureReason.CREDENTIALS_INVALID
        return SourceFailing(reason, f"Graph error 190/{subcode}: {message}", source=source, status=status)
    if code == 10 or (isinstance(code, int) and 200 <= code <= 299):
        return SourceFailing(
            FailureReason.PERMISSION_DENIED, f"Graph error {code}: {message}", source=source, status=status
        )
    if (code == 100 and subcode in NOT_FOUND_SUBCODES) or code == 803:
        return SourceFailing(
            FailureReason.NOT_FOUND, f"Graph error {code}/{subcode}: {message}", source=source, status=status
        )
    return SourceFailing(
        FailureReason.REFUSED, f"Graph error {code}/{subcode}: {message}", source=source, status=status
    )


def _regain_access(response: httpx.Response) -> float | None:
    """The longest ``estimated_time_to_regain_access`` (minutes) of the business use case header."""
    try:
        usage = orjson.loads(response.headers.get("X-Business-Use-Case-Usage", "{}"))
        minutes = [
            entry.get("estimated_time_to_regain_access", 0)
            for entries in usage.values()
            for entry in entries
            if isinstance(entry, dict)
        ]
    except (orjson.JSONDecodeError, AttributeError, TypeError):
        return None
    found = [value for value in minutes if isinstance(value, int | float) and value > 0]
    return max(found) * 60.0 if found else None


def next_page(fetcher: Fetcher, listing: dict[str, Any]) -> str | None:
    """The listing's ``paging.next``, checked to lie on the client's own host, without a token."""
    paging = listing.get("paging")
    link = paging.get("next") if isinstance(paging, dict) else None
    if link is None:
        return None
    if not isinstance(link, str):
        raise fetcher.failing(FailureReason.UNREADABLE, "paging.next is not a link")
    url, base = httpx.URL(link), fetcher.client.base_url
    if (url.scheme, url.host, url.port) != (base.scheme, base.host, base.port):
        raise fetcher.failing(FailureReason.UNREADABLE, f"paging.next leads to another host ({url.host})")
    return str(url.copy_remove_param("access_token"))


def pages(fetcher: Fetcher, url: str, params: dict[str, Any] | None) -> Iterator[tuple[bytes, dict[str, Any]]]:
    """A listing's pages to its end: each page's bytes and its JSON."""
    seen: set[str] = set()
    while True:
        data, page = fetcher.get_json(url, params)
        if not isinstance(page.get("data"), list):
            raise fetcher.failing(FailureReason.UNREADABLE, f"{httpx.URL(url).path} answered no data list")
        yield data, page
        following = next_page(fetcher, page)
        if following is None:
            return
        if following in seen or len(seen) >= MOST_PAGES:
            raise fetcher.failing(FailureReason.UNREADABLE, f"{httpx.URL(url).path} pages back to a page it gave")
        seen.add(following)
        url, params = following, None


def complete_edge(fetcher: Fetcher, node: dict[str, Any], edge_name: str) -> dict[str, Any] | None:
    """The node's edge with every page of it merged in; None when the node has no such edge."""
    edge = node.get(edge_name)
    if not isinstance(edge, dict):
        return None
    following = next_page(fetcher, edge)
    if following is None:
        return edge
    merged = list(edge.get("data") or [])
    last: dict[str, Any] = edge
    for _data, page in pages(fetcher, following, None):
        merged.extend(page["data"])
        last = page
    edge["data"] = merged
    edge["paging"] = {key: value for key, value in (last.get("paging") or {}).items() if key != "next"}
    return edge


def confirm_missing(fetcher: Fetcher, version: str, platform_id: str) -> bool:
    """Whether the object is gone: a direct fetch answered Graph's "does not exist" (100/33)."""
    graph_id(platform_id)
    try:
        fetcher.get_json(f"/{version}/{platform_id}", {"fields": "id"})
    except SourceFailing as failing:
        if failing.reason is FailureReason.NOT_FOUND:
            return True
        raise
    return False


def graph_id(value: str) -> str:
    """A Graph id (digits, ``{page}_{post}``): it goes into a path, so nothing else may."""
    if not GRAPH_ID.fullmatch(value):
        raise ValueError(f"{value!r} is not a Graph API id")
    return value


def serialised(page: dict[str, Any]) -> bytes:
    """The page as saved, its paging links without the ``access_token`` Graph writes into them."""
    return orjson.dumps(_without_tokens(page))


def _without_tokens(node: Any) -> Any:
    if isinstance(node, list):
        return [_without_tokens(value) for value in node]
    if not isinstance(node, dict):
        return node
    cleaned = {key: _without_tokens(value) for key, value in node.items()}
    paging = cleaned.get("paging")
    if isinstance(paging, dict):
        for key in ("next", "previous"):
            if isinstance(paging.get(key), str):
                paging[key] = str(httpx.URL(paging[key]).copy_remove_param("access_token"))
    return cleaned
