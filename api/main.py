"""The HTTP application: built by ``create_app``, which opens the service in its lifespan
(or is handed an open one, as the tests do)."""

from __future__ import annotations

import gc
import itertools
import os
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import install_error_handlers
from api.html import answer_pages_in_html
from api.openapi import document_answers
from api.rate_limit import RateLimiter
from api.route_index import index_routes
from api.routes import (
    archival,
    archive_pages,
    assignments,
    audit,
    capture_imports,
    capture_sources,
    channels,
    comments,
    diary,
    diary_commands,
    diary_names,
    diary_pages,
    health,
    organisations,
    oversight,
    pages,
    post_versions,
    posts,
    public_requests,
    request_pages,
    retention,
    snapshots,
    supervision,
    supervision_channels,
    supervision_pages,
    transparency,
    webhook_failures,
    webhooks,
)
from kanalarkiv.capture.live.webhooks import WebhookRefused
from kanalarkiv.config import Settings
from kanalarkiv.runtime import Runtime

log = structlog.get_logger("kanalarkiv.http")

DESCRIPTION = """
Kanalarkiv keeps a Swedish public body's social-media presence lawful and auditable.
Every action is an immutable event; the register, diary and audit trail are projections of them.

**Reads** of public registers need no token. **Commands** need `Authorization: Bearer <token>`
from `kanalarkiv token create`. Every command answers with the `position` it was recorded at;
pass it as `wait_for_position` to a read to see your own write. Errors are
`application/problem+json`.
"""


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = runtime is None
        app.state.runtime = runtime or await run_in_threadpool(Runtime.open, settings or Settings.from_env())
        if owned:
            # A process serving this app keeps what start-up built (about 100,000 objects) until it
            # exits. Frozen, they are left out of the collector's full passes, which otherwise stop
            # every request for tens of milliseconds now and then (the p99 of the public reads).
            gc.collect()
            gc.freeze()
        try:
            yield
        finally:
            if owned:
                await run_in_threadpool(app.state.runtime.close)

    app = FastAPI(
        title="Kanalarkiv",
        version="0.1.0",
        summary="Records management for public bodies' social media",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.add_middleware(RequestLog)
    for module in (
        health,
        organisations,
        channels,
        assignments,
        posts,
        comments,
        oversight,
        supervision,
        supervision_channels,
        audit,
        retention,
        snapshots,
        archival,
        pages,
        supervision_pages,
    ):
        app.include_router(module.router)
    for module in (diary_commands, diary_names, diary, diary_pages):
        app.include_router(module.router)
    app.include_router(transparency.router)
    app.include_router(capture_imports.router)
    app.include_router(capture_sources.router)
    app.include_router(post_versions.router)
    app.include_router(archive_pages.router)
    app.include_router(public_requests.router)
    app.include_router(request_pages.router)
    app.state.request_limiter = RateLimiter()
    app.include_router(webhooks.router)
    app.include_router(webhook_failures.router)
    app.add_exception_handler(WebhookRefused, webhooks.refusal)
    answer_pages_in_html(app)
    document_answers(app)
    index_routes(app)
    return app


class _RequestIds:
    """This process's random 16 hex digits and a 16-digit count: unique without asking the kernel
    for randomness per request (``uuid4`` took a tenth of the queue's CPU, bench path 9)."""

    def __init__(self) -> None:
        self.anew()

    def made(self) -> str:
        return f"{self.prefix}{next(self.count):016x}"

    def anew(self) -> None:
        """Also in a forked child: no two processes share a prefix (a server may fork after the import)."""
        self.prefix, self.count = secrets.token_hex(8), itertools.count(1)


_request_ids = _RequestIds()
os.register_at_fork(after_in_child=_request_ids.anew)


class RequestLog:
    """One JSON log line per request, with a request id (taken from X-Request-ID or made) that is
    returned in the response. Plain ASGI, so that it adds no task or thread hop per request."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = Headers(scope=scope).get("x-request-id") or _request_ids.made()
        scope.setdefault("state", {})["request_id"] = request_id
        started, status = time.perf_counter(), 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append("X-Request-ID", request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            log.info(
                "request",
                request_id=request_id,
                method=scope["method"],
                path=scope["path"],
                status=status,
                ms=round((time.perf_counter() - started) * 1000, 2),
            )
