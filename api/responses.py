"""JSON answers serialised once, for the hot public reads.

A route that returns a ``Response`` skips FastAPI's validation and serialisation through its
``response_model``, which stays on the decorator for the OpenAPI document. The body must then
be exactly what that model would serialise: the same keys in the same order, UUIDs as strings,
compact, UTF-8 (the tests check it against the model)."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Response


def json_response(content: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(content), media_type="application/json", headers=headers)
