"""The ceilings for webhook deliveries: a minimal ASGI app under the same uvicorn, reading the
body and answering 200 — with no work at all (``/raw``), or after the same durable write as ours,
one INSERT of the body's digest and the body into a table of the inbox's shape in its own
transaction, by bare psycopg (``/durable``). ``uvicorn bench.rawwebhook:app``."""

from __future__ import annotations

import hashlib
import os
from typing import Any

from psycopg_pool import AsyncConnectionPool

from kanalarkiv.adapters.connections import SESSION_OPTIONS

TABLE = """CREATE TABLE IF NOT EXISTS bench_raw_inbox (
    id bigserial PRIMARY KEY, delivery_id text NOT NULL UNIQUE, change jsonb, received_at timestamptz NOT NULL
)"""
INSERT = (
    "INSERT INTO bench_raw_inbox (delivery_id, change, received_at) VALUES (%s, %s::jsonb, now())"
    " ON CONFLICT (delivery_id) DO NOTHING"
)

_pool: AsyncConnectionPool | None = None


async def _lifespan(receive: Any, send: Any) -> None:
    global _pool
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            size = int(os.environ.get("BENCH_POOL_SIZE", "8"))
            _pool = AsyncConnectionPool(os.environ["BENCH_DATABASE_URL"], min_size=size, max_size=size, open=False,
                                        kwargs={"autocommit": True, "options": SESSION_OPTIONS})  # fmt: skip
            await _pool.open(wait=True)
            async with _pool.connection() as conn:
                await conn.execute(TABLE)
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await _pool.close()  # type: ignore[union-attr]
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    if scope["path"] == "/durable" and _pool is not None:
        async with _pool.connection() as conn:
            await conn.execute(INSERT, (hashlib.sha256(body).hexdigest(), body.decode()), prepare=True)
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b"{}"})
