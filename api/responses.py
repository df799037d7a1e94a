"""JSON answers serialised once, for the hot public reads.

A route that returns a ``Response`` skips FastAPI's validation and serialisation through its
``response_model``, which stays on the decorator for the OpenAPI document. The body must then
be exactly what that model would serialise: the same keys in the same order, UUIDs as strings,
dates ISO 8601 and datetimes in UTC ending in ``Z`` as Pydantic writes them, compact, UTF-8 (the
tests check it against the model)."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from fastapi import Response

# Pydantic writes a UTC datetime as ...Z; orjson, unless told, as ...+00:00.
OPTIONS = orjson.OPT_UTC_Z


def json_response(content: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(content, option=OPTIONS), media_type="application/json", headers=headers)


def conditional_json_response(content: Any, if_none_match: str | None, private: bool = False) -> Response:
    """A JSON answer with a strong ETag derived from its bytes (so it changes exactly when the
    body does), answered with 304 Not Modified when the client already holds it. ``no-cache``:
    a cache may keep it but asks again every time, so a client still sees its own writes."""
    body = orjson.dumps(content, option=OPTIONS)
    etag = f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache" if private else "no-cache"}
    if if_none_match is not None and _none_match_hits(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


def _none_match_hits(if_none_match: str, etag: str) -> bool:
    """RFC 9110 13.1.2: ``*`` or a list of entity tags, compared weakly."""
    tags = [tag.strip() for tag in if_none_match.split(",")]
    return "*" in tags or etag in (tag.removeprefix("W/") for tag in tags)
