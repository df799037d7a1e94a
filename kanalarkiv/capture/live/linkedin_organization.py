"""A LinkedIn organization page polled through the Community Management API (versioned
``/rest``): its posts (``GET /rest/posts?q=author&author={organization-urn}``), every page of each
post's comments (``GET /rest/socialActions/{post-urn}/comments``) and of each comment's replies
(``socialActions/{comment-urn}/comments``), paged by ``start`` and ``count`` to ``paging.total``.
Each comments listing is saved with the request it answers, so the ``linkedin`` reader knows the
parent of an empty one (``formats/linkedin.py``).

Errors: 401 a token refused (``serviceErrorCode`` 65602: expired; 65600, 65601: invalid or
revoked), 403 a permission or page role missing, 429 LinkedIn's daily limits (it gives no
``Retry-After``: the bounded back-off, then ``RATE_LIMITED``).

Needs a member access token with ``r_organization_social`` of an ADMINISTRATOR (or
DIRECT_SPONSORED_CONTENT_POSTER) of the organization, and the ``LinkedIn-Version`` header."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx
import orjson

from domain.secret import Secret
from kanalarkiv.capture.live.bundles import LiveBundle
from kanalarkiv.capture.live.failures import FailureReason, SourceFailing
from kanalarkiv.capture.live.http import DEFAULT_TIMEOUT, Fetcher, RetryPolicy, Verdict, client

LINKEDIN = "https://api.linkedin.com"
API_VERSION = "202409"
PAGE_SIZE = 50
MOST_PAGES = 10_000
ORGANIZATION = re.compile(r"urn:li:organization:[0-9]+")
COMMENT = re.compile(r"urn:li:comment:\((urn:li:[A-Za-z]+:[0-9]+),([0-9]+)\)")
POST = re.compile(r"urn:li:(share|ugcPost):[0-9]+")


@dataclass
class LinkedInOrganization:
    kind = "linkedin_organization"
    format = "linkedin"

    organization: str  # urn:li:organization:{id}
    fetcher: Fetcher

    @classmethod
    def connect(
        cls,
        organization: str,
        token: Secret,
        *,
        base_url: str = LINKEDIN,
        version: str = API_VERSION,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        policy: RetryPolicy | None = None,
        transport: Any = None,
    ) -> LinkedInOrganization:
        if not ORGANIZATION.fullmatch(organization):
            raise ValueError(f"{organization!r} is not an organization URN (urn:li:organization:123)")
        headers = {
            "Authorization": f"Bearer {token.reveal()}",
            "LinkedIn-Version": version,
            "X-Restli-Protocol-Version": "2.0.0",
        }
        source = f"linkedin {organization}"
        http = client(base_url, timeout, headers, transport)
        return cls(organization, Fetcher(source, http, linkedin_judge(source), policy or RetryPolicy()))

    def fetch(self, since: datetime | None = None) -> LiveBundle:
        """The posts (newest first; from ``since``, else all), every comment and reply on them."""
        bundle = LiveBundle(f"linkedin-{self.organization.rsplit(':', 1)[1]}", self.format)
        params = {"q": "author", "author": self.organization, "sortBy": "CREATED"}
        for page in self._pages("/rest/posts", params):
            posts = [post for post in page.get("elements") or [] if isinstance(post, dict)]
            bundle.add("posts", orjson.dumps(page))
            for post in posts:
                self._thread(bundle, str(post.get("id", "")))
            if (
                since is not None
                and posts
                and all((post.get("createdAt") or 0) < since.timestamp() * 1000 for post in posts)
            ):
                break
        return bundle

    def confirm_deleted(self, platform_id: str) -> bool:
        """Whether a post or comment is gone: its own resource answers 404."""
        comment = COMMENT.fullmatch(platform_id)
        if comment:
            path = f"/rest/socialActions/{quote(comment[1], safe='')}/comments/{comment[2]}"
        elif POST.fullmatch(platform_id):
            path = f"/rest/posts/{quote(platform_id, safe='')}"
        else:
            raise ValueError(f"{platform_id!r} is not a LinkedIn post or comment URN")
        return self.fetcher.get(path, accept=frozenset({404})).status_code == 404

    def close(self) -> None:
        self.fetcher.client.close()

    def _thread(self, bundle: LiveBundle, urn: str) -> None:
        if not (POST.fullmatch(urn) or COMMENT.fullmatch(urn)):
            raise self.fetcher.failing(FailureReason.UNREADABLE, f"{urn[:80]!r} is not a post or comment URN")
        path = f"/rest/socialActions/{quote(urn, safe='')}/comments"
        for page in self._pages(path, {}):
            request = f"{path}?start={page.get('paging', {}).get('start', 0)}"
            bundle.add("comments", orjson.dumps({"request": request, "response": page}))
            for comment in page.get("elements") or []:
                if isinstance(comment, dict) and not comment.get("parentComment"):
                    self._thread(bundle, str(comment.get("commentUrn", "")))

    def _pages(self, path: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        start = 0
        for _ in range(MOST_PAGES):
            _data, page = self.fetcher.get_json(path, params | {"start": start, "count": PAGE_SIZE})
            elements = page.get("elements")
            if not isinstance(elements, list):
                raise self.fetcher.failing(FailureReason.UNREADABLE, f"{path} answered no elements list")
            yield page
            paging = page.get("paging") if isinstance(page.get("paging"), dict) else {}
            total = paging.get("total")
            start += len(elements)
            if not elements or (isinstance(total, int) and start >= total) or (total is None and not _has_next(paging)):
                return
        raise self.fetcher.failing(FailureReason.UNREADABLE, f"{path} has more than {MOST_PAGES} pages")


def _has_next(paging: dict[str, Any]) -> bool:
    return any(isinstance(link, dict) and link.get("rel") == "next" for link in paging.get("links") or [])


def linkedin_judge(source: str) -> Any:
    def judge(response: httpx.Response) -> Verdict:
        status = response.status_code
        if status not in (401, 403, 404):
            return None
        code = _service_error(response)
        if status == 401:
            reason = FailureReason.CREDENTIALS_EXPIRED if code == 65602 else FailureReason.CREDENTIALS_INVALID
        else:
            reason = FailureReason.PERMISSION_DENIED if status == 403 else FailureReason.NOT_FOUND
        return SourceFailing(reason, f"LinkedIn {status} (serviceErrorCode {code})", source=source, status=status)

    return judge


def _service_error(response: httpx.Response) -> int | None:
    try:
        code = orjson.loads(response.content).get("serviceErrorCode")
    except (orjson.JSONDecodeError, AttributeError):
        return None
    return code if isinstance(code, int) else None
