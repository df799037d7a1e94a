"""The fake LinkedIn Community Management API: ``/rest/posts?q=author``, ``/rest/posts/{urn}``,
``/rest/socialActions/{urn}/comments`` (``start``/``count`` paging with ``total`` and a ``next``
link) and ``/rest/socialActions/{urn}/comments/{id}``; 401 with ``serviceErrorCode`` for a token
refused (65602: expired)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote

from fake_platform.wire import Request, Response

ORGANIZATION = "urn:li:organization:2414183"


@dataclass
class Thing:
    urn: str
    parent: str | None  # the post a comment is on, the comment a reply answers
    text: str
    created: datetime
    modified: datetime
    deleted: bool = False


def _millis(when: datetime) -> int:
    return int(when.timestamp() * 1000)


class LinkedInState:
    def __init__(self) -> None:
        self.token = "fake-linkedin-token-not-real"
        self.token_error: int | None = None  # 65602: expired
        self.page_size = 50
        self.things: dict[str, Thing] = {}

    def post(self, number: int, text: str, at: datetime) -> str:
        urn = f"urn:li:share:{number}"
        self.things[urn] = Thing(urn, None, text, at, at)
        return urn

    def comment(self, number: int, on: str, text: str, at: datetime) -> str:
        post = on if on.startswith("urn:li:share:") else self.things[on].parent
        activity = f"urn:li:activity:{post.rsplit(':', 1)[1]}"  # type: ignore[union-attr]
        urn = f"urn:li:comment:({activity},{number})"
        self.things[urn] = Thing(urn, on, text, at, at)
        return urn

    def edit(self, urn: str, text: str, at: datetime) -> None:
        self.things[urn].text, self.things[urn].modified = text, at

    def delete(self, urn: str) -> None:
        self.things[urn].deleted = True

    def answer(self, request: Request, base: str) -> Response | None:
        if not request.path.startswith("/rest/"):
            return None
        if request.bearer() != self.token or self.token_error is not None:
            code = self.token_error or 65600
            return Response.json(
                {"status": 401, "serviceErrorCode": code, "code": "REVOKED_ACCESS_TOKEN", "message": "invented"}, 401
            )
        parts = request.path.split("/")
        if request.path == "/rest/posts" and request.query.get("author") == ORGANIZATION:
            return self._page(request, [t for t in self._live(None)], self._post)
        if len(parts) == 4 and parts[2] == "posts":
            return self._one(unquote(parts[3]))
        if len(parts) >= 5 and parts[2] == "socialActions" and parts[4] == "comments":
            parent = unquote(parts[3])
            if parent.startswith("urn:li:activity:"):  # one post, two names
                parent = parent.replace("urn:li:activity:", "urn:li:share:")
            if len(parts) == 6:
                found = [t for t in self._live(parent) if t.urn.endswith(f",{parts[5]})")]
                return self._one(found[0].urn if found else "")
            return self._page(request, self._live(parent), self._comment)
        return Response.json({"status": 404, "message": "no such resource"}, 404)

    def _live(self, parent: str | None) -> list[Thing]:
        return sorted(
            (t for t in self.things.values() if t.parent == parent and not t.deleted), key=lambda t: t.created
        )

    def _one(self, urn: str) -> Response:
        thing = self.things.get(urn)
        if thing is None or thing.deleted:
            return Response.json({"status": 404, "message": "Not found"}, 404)
        return Response.json(self._post(thing) if thing.parent is None else self._comment(thing))

    def _page(self, request: Request, things: list[Thing], render) -> Response:
        start = int(request.query.get("start", "0"))
        count = min(int(request.query.get("count", "10")), self.page_size)
        page = things[start : start + count]
        links = []
        if start + count < len(things):
            links.append(
                {
                    "rel": "next",
                    "type": "application/json",
                    "href": f"{request.path}?start={start + count}&count={count}",
                }
            )
        paging = {"start": start, "count": count, "total": len(things), "links": links}
        return Response.json({"paging": paging, "elements": [render(t) for t in page]})

    def _post(self, thing: Thing) -> dict:
        return {
            "id": thing.urn,
            "author": ORGANIZATION,
            "commentary": thing.text,
            "createdAt": _millis(thing.created),
            "publishedAt": _millis(thing.created),
            "lastModifiedAt": _millis(thing.modified),
            "lifecycleState": "PUBLISHED",
            "visibility": "PUBLIC",
        }

    def _comment(self, thing: Thing) -> dict:
        post = (
            thing.parent
            if thing.parent and thing.parent.startswith("urn:li:share:")
            else self.things[thing.parent].parent
        )  # type: ignore[index]
        comment = {
            "actor": "urn:li:person:inventedPerson1",
            "commentUrn": thing.urn,
            "id": thing.urn.rsplit(",", 1)[1].rstrip(")"),
            "created": {"actor": "urn:li:person:inventedPerson1", "time": _millis(thing.created)},
            "lastModified": {"actor": "urn:li:person:inventedPerson1", "time": _millis(thing.modified)},
            "message": {"text": thing.text, "attributes": []},
            "object": post,
        }
        if thing.parent and thing.parent.startswith("urn:li:comment:"):
            comment["parentComment"] = thing.parent
        return comment
