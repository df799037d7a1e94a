"""The fake platform's requests, answers and scripted faults."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from fake_platform import FakePlatform

HANG_SECONDS = 30.0  # longer than any client timeout in the tests; ``released`` ends it sooner


@dataclass(frozen=True)
class Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    method: str = "GET"
    form: dict[str, str] = field(default_factory=dict)  # a POST's application/x-www-form-urlencoded body

    def bearer(self) -> str | None:
        value = self.headers.get("authorization", "")
        return value[len("Bearer ") :] if value.startswith("Bearer ") else None


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, document: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        return cls(status, orjson.dumps(document), {"Content-Type": "application/json", **(headers or {})})


Fault = Callable[["FakePlatform"], Response]


def status(code: int, document: Any = None, headers: dict[str, str] | None = None) -> Fault:
    return lambda _platform: Response.json(document if document is not None else {}, code, headers)


def too_many(retry_after: str | None = None) -> Fault:
    return status(429, {"message": "Too Many Requests"}, {"Retry-After": retry_after} if retry_after else None)


def graph_error(code: int, subcode: int | None = None, http_status: int = 400, headers: dict | None = None) -> Fault:
    return lambda _platform: graph_error_response(code, subcode, http_status, headers)


def graph_error_response(
    code: int, subcode: int | None = None, http_status: int = 400, headers: dict | None = None
) -> Response:
    error = {"message": f"(#{code}) invented error", "type": "OAuthException", "code": code, "fbtrace_id": "Ainvented"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return Response.json({"error": error}, http_status, headers)


def youtube_error(code: int, reason: str) -> Fault:
    return status(
        code, {"error": {"code": code, "message": reason, "errors": [{"reason": reason, "domain": "youtube"}]}}
    )


def garbage() -> Fault:
    return lambda _platform: Response(
        200, b"<html><body>502 Bad Gateway (a proxy's page)", {"Content-Type": "application/json"}
    )


def hang() -> Fault:
    def answer(platform: FakePlatform) -> Response:
        platform.released.wait(HANG_SECONDS)
        return Response.json({"data": []})

    return answer


def graph_time(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def cursor_page(items: list, after: str | None, limit: int) -> tuple[list, int | None]:
    """A page of ``items`` from the cursor (an offset, as text) and the next cursor, if any."""
    start = int(after) if after else 0
    end = start + limit
    return items[start:end], end if end < len(items) else None
