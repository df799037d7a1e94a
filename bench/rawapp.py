"""The ceiling for public reads: the same queries as the register projection's, through bare
psycopg (an async pool of the service's size) in a minimal ASGI app with no framework, answering
the same JSON. Served by the same uvicorn as the service: ``uvicorn bench.rawapp:app``."""

from __future__ import annotations

import os
from typing import Any
from uuid import UUID

import orjson
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from domain.channel import Platform

ORGANISATION = "SELECT org_id, slug, name FROM channel_register_orgs WHERE slug = %s"
CHANNELS = ("SELECT * FROM channel_register WHERE org_id = %s AND status = ANY(%s) "
            "ORDER BY platform, lower(name), id")
CHANNEL = "SELECT * FROM channel_register WHERE id = %s"
PUBLIC = ("id", "platform", "name", "url", "owning_unit", "responsible", "purpose", "status")
LABELS = {platform.value: platform.label_sv for platform in Platform}

_pool: AsyncConnectionPool | None = None


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "platform": row["platform"], "platform_label": LABELS[row["platform"]],
            **{key: row[key] for key in PUBLIC[2:]}}


async def _register(slug: str) -> tuple[int, bytes]:
    assert _pool is not None
    async with _pool.connection() as conn:
        organisation = await (await conn.execute(ORGANISATION, (slug,), prepare=True)).fetchone()
        if organisation is None:
            return 404, b'{"status":404}'
        rows = await (await conn.execute(CHANNELS, (organisation["org_id"], ["active", "paused"]), prepare=True)).fetchall()
    return 200, orjson.dumps({"organisation": organisation["name"], "organisation_slug": organisation["slug"],
                              "channels": [_public(row) for row in rows]})


async def _channel(channel_id: str) -> tuple[int, bytes]:
    assert _pool is not None
    try:
        key = UUID(channel_id)
    except ValueError:
        return 422, b'{"status":422}'
    async with _pool.connection() as conn:
        row = await (await conn.execute(CHANNEL, (key,), prepare=True)).fetchone()
    if row is None or row["status"] not in ("active", "paused", "closed"):
        return 404, b'{"status":404}'
    return 200, orjson.dumps(_public(row))


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    global _pool
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                size = int(os.environ.get("BENCH_POOL_SIZE", "8"))
                _pool = AsyncConnectionPool(os.environ["BENCH_DATABASE_URL"], min_size=size, max_size=size,
                                            kwargs={"row_factory": dict_row, "autocommit": True}, open=False)
                await _pool.open(wait=True)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await _pool.close()  # type: ignore[union-attr]
                await send({"type": "lifespan.shutdown.complete"})
                return
    parts = scope["path"].strip("/").split("/")
    if len(parts) == 4 and parts[:2] == ["v1", "organisations"] and parts[3] == "channels":
        status, body = await _register(parts[2])
    elif len(parts) == 3 and parts[:2] == ["v1", "channels"]:
        status, body = await _channel(parts[2])
    elif parts == ["healthz"]:
        status, body = 200, b'{"status":"ok"}'
    else:
        status, body = 404, b'{"status":404}'
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
