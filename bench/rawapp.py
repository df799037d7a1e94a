"""The ceiling for public reads: the same queries as the projections' (the channel register, a
channel's posts, the public diary's search), through bare psycopg (an async pool of the service's
size) in a minimal ASGI app with no framework, answering the same JSON. Served by the same uvicorn
as the service: ``uvicorn bench.rawapp:app``."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs
from uuid import UUID

import orjson
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from domain.channel import Platform
from domain.diary import Direction, RecordType
from domain.diary_numbers import SWEDISH_TIME
from kanalarkiv.adapters.connections import SESSION_OPTIONS
from kanalarkiv.application.records import hash_token
from projections.diary.tables import PUBLIC_COLUMNS
from projections.supervision_reads import QUEUE_QUERY

ORGANISATION = "SELECT org_id, slug, name FROM channel_register_orgs WHERE slug = %s"
CHANNELS = "SELECT * FROM channel_register WHERE org_id = %s AND status = ANY(%s) ORDER BY platform, lower(name), id"
CHANNEL = "SELECT * FROM channel_register WHERE id = %s"
PUBLIC = ("id", "platform", "name", "url", "owning_unit", "responsible", "purpose", "status")
LABELS = {platform.value: platform.label_sv for platform in Platform}
POSTS = "SELECT * FROM content_posts WHERE channel_id = %s ORDER BY published_at DESC, post_id LIMIT %s OFFSET %s"
DIARY = (
    f"SELECT {PUBLIC_COLUMNS}, count(*) OVER () AS total FROM diary_entries WHERE org_id = %s"
    " AND public_search @@ websearch_to_tsquery('swedish', %s) ORDER BY position DESC LIMIT %s OFFSET %s"
)
DIARY_COUNT = (
    "SELECT count(*) FROM diary_entries WHERE org_id = %s AND public_search @@ websearch_to_tsquery('swedish', %s)"
)
TOKEN = "SELECT * FROM access_tokens WHERE token_hash = %s AND revoked_at IS NULL"
QUEUE_ROLES = ("editor", "manager", "records_officer")
QUEUE_FIELDS = ("comment_id", "channel_id", "post_id", "received_at", "due_at", "answered", "past_target", "flags")
LINKS = ("channel_id", "post_id", "comment_id", "decision_id", "snapshot_id")
PAGE = 50
JSON = orjson.OPT_UTC_Z

_pool: AsyncConnectionPool | None = None


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "platform": row["platform"],
        "platform_label": LABELS[row["platform"]],
        **{key: row[key] for key in PUBLIC[2:]},
    }


async def _register(slug: str) -> tuple[int, bytes]:
    assert _pool is not None
    async with _pool.connection() as conn:
        organisation = await (await conn.execute(ORGANISATION, (slug,), prepare=True)).fetchone()
        if organisation is None:
            return 404, b'{"status":404}'
        rows = await (
            await conn.execute(CHANNELS, (organisation["org_id"], ["active", "paused"]), prepare=True)
        ).fetchall()
    return 200, orjson.dumps(
        {
            "organisation": organisation["name"],
            "organisation_slug": organisation["slug"],
            "channels": [_public(row) for row in rows],
        }
    )


async def _rows(query: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
    assert _pool is not None
    async with _pool.connection() as conn:
        return await (await conn.execute(query, params, prepare=True)).fetchall()


async def _channel(key: UUID) -> tuple[int, bytes]:
    rows = await _rows(CHANNEL, (key,))
    if not rows or rows[0]["status"] not in ("active", "paused", "closed"):
        return 404, b'{"status":404}'
    return 200, orjson.dumps(_public(rows[0]))


async def _posts(key: UUID) -> tuple[int, bytes]:
    rows = await _rows(POSTS, (key, PAGE, 0))
    return 200, orjson.dumps(
        [
            {
                "post_id": row["post_id"],
                "channel_id": row["channel_id"],
                "published_at": row["published_at"],
                "author_name": row["author_name"],
                "text": None if row["deleted_at"] else row["text"],
                "deleted": row["deleted_at"] is not None,
                "edited": row["edits"] > 0,
            }
            for row in rows
        ],
        option=JSON,
    )


async def _diary(slug: str, text: str) -> tuple[int, bytes]:
    assert _pool is not None
    async with _pool.connection() as conn:
        organisation = await (await conn.execute(ORGANISATION, (slug,), prepare=True)).fetchone()
        if organisation is None:
            return 404, b'{"status":404}'
        rows = await (await conn.execute(DIARY, (organisation["org_id"], text, PAGE, 0), prepare=True)).fetchall()
        total = rows[0]["total"] if rows else await _count(conn, organisation["org_id"], text)
    return 200, orjson.dumps(
        {
            "organisation": organisation["name"],
            "organisation_slug": slug,
            "total": total,
            "limit": PAGE,
            "offset": 0,
            "entries": [_entry(slug, row) for row in rows],
        },
        option=JSON,
    )


async def _count(conn: Any, org_id: Any, text: str) -> int:
    row = await (await conn.execute(DIARY_COUNT, (org_id, text))).fetchone()
    return int(row["count"])


def _entry(slug: str, row: dict[str, Any]) -> dict[str, Any]:
    def day(moment: Any) -> str | None:
        return moment.astimezone(SWEDISH_TIME).date().isoformat() if moment else None

    return {
        "entry_id": row["entry_id"],
        "diary_number": row["diary_number"],
        "url": f"/v1/organisations/{slug}/diary/entries/{row['entry_id']}",
        "page_url": f"/{slug}/diarium/{row['entry_id']}",
        "record_date": day(row["record_date"]),
        "direction": row["direction"],
        "direction_label": Direction(row["direction"]).label_sv,
        "record_type": row["record_type"],
        "record_type_label": RecordType(row["record_type"]).label_sv,
        "counterpart": row["counterpart"],
        "description": row["description"],
        "case_id": row["case_id"],
        "case_number": row["case_number"],
        "case_subject": row["case_subject"],
        "registered_on": day(row["registered_at"]),
        "status": row["status"],
        "annulled_on": day(row["annulled_at"]),
        "corrected": row["corrections"] > 0,
        "secrecy_marked": row["secrecy_marked"],
        "links": None if row["secrecy_marked"] else {link: row[link] for link in LINKS},
    }


async def _queue(scope: dict[str, Any]) -> tuple[int, bytes]:
    """The supervision queue: the token looked up, then the view's own query."""
    headers = dict(scope["headers"])
    secret = headers.get(b"authorization", b"").decode().removeprefix("Bearer ")
    query = parse_qs(scope.get("query_string", b"").decode())
    channel = _uuid(query["channel_id"][0]) if "channel_id" in query else None
    tokens = await _rows(TOKEN, (hash_token(secret),))
    if not tokens or tokens[0]["role"] not in QUEUE_ROLES:
        return 403, b'{"status":403}'
    now = datetime.now(UTC)
    params = {"org": tokens[0]["org_id"], "now": now, "received_before": now, "channel": channel,
              "kind": query.get("kind", [None])[0], "past_target": False, "limit": 100}  # fmt: skip
    rows = await _rows(QUEUE_QUERY, params)  # type: ignore[arg-type]
    return 200, orjson.dumps([{key: row[key] for key in QUEUE_FIELDS} for row in rows], option=JSON)


def _uuid(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    global _pool
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                size = int(os.environ.get("BENCH_POOL_SIZE", "8"))
                _pool = AsyncConnectionPool(
                    os.environ["BENCH_DATABASE_URL"],
                    min_size=size,
                    max_size=size,
                    kwargs={"row_factory": dict_row, "autocommit": True, "options": SESSION_OPTIONS},  # as ours
                    open=False,
                )
                await _pool.open(wait=True)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await _pool.close()  # type: ignore[union-attr]
                await send({"type": "lifespan.shutdown.complete"})
                return
    parts = scope["path"].strip("/").split("/")
    if len(parts) == 4 and parts[:2] == ["v1", "organisations"] and parts[3] == "channels":
        status, body = await _register(parts[2])
    elif len(parts) in (3, 4) and parts[:2] == ["v1", "channels"] and parts[3:] in ([], ["posts"]):
        key = _uuid(parts[2])
        if key is None:
            status, body = 422, b'{"status":422}'
        else:
            status, body = await (_channel(key) if len(parts) == 3 else _posts(key))
    elif len(parts) == 4 and parts[:2] == ["v1", "organisations"] and parts[3] == "diary":
        query = parse_qs(scope.get("query_string", b"").decode())
        status, body = await _diary(parts[2], query.get("q", [""])[0])
    elif parts == ["v1", "supervision", "queue"]:
        status, body = await _queue(scope)
    elif parts == ["healthz"]:
        status, body = 200, b'{"status":"ok"}'
    else:
        status, body = 404, b'{"status":404}'
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
