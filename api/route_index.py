"""Finding a request's route by the first two segments of its path.

FastAPI tries a request's path against every route in turn, about 3 µs each, and the routes of
the router it matched twice. With some 140 routes in 32 routers a platform's webhook, whose router
comes last, spent 0.3 ms of each request finding its route, the public diary search 0.2 ms (in
process). The index keeps, for each route, the patterns of its paths' first two segments (a
parameter admits any segment): a request is matched only against the routes whose patterns admit
its own first two segments, in their order, through a copy of the app's router that holds only
those. Anything that is not a plain route (a mount) admits every path. A path that every route
admits, or none, goes to the whole router, so a 404 and a redirect to the slashed path are
FastAPI's own."""

from __future__ import annotations

import copy
from typing import Any

from fastapi import FastAPI
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send

Key = tuple[str, str]
Pattern = tuple[str | None, str | None]  # None: a parameter, which admits any segment
KNOWN_KEYS = 4096  # keys remembered (slugs make them many); forgotten all at once past this


def path_key(path: str) -> Key:
    """The first two segments of a path: "/v1/diary/x/search" and "/v1/diary/" → ("v1", "diary")."""
    parts = path.split("/", 3)
    return (parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else "")


def _pattern(path: str) -> Pattern:
    first, second = path_key(path)
    return (None if "{" in first else first, None if "{" in second else second)


def patterns_of(route: BaseRoute) -> set[Pattern] | None:
    """The patterns of the paths a route can match, or None when it may match any path."""
    if isinstance(route, Route | WebSocketRoute):
        return {_pattern(route.path)}
    contexts = getattr(route, "effective_route_contexts", None)  # a router included by FastAPI
    if contexts is None:
        return None
    patterns: set[Pattern] = set()
    for context in contexts():
        if not isinstance(context.starlette_route or context.original_route, Route | WebSocketRoute):
            return None
        patterns.add(_pattern(context.path))
    return patterns


def admits(patterns: set[Pattern] | None, key: Key) -> bool:
    return patterns is None or any(
        (first is None or first == key[0]) and (second is None or second == key[1]) for first, second in patterns
    )


class RouteIndex:
    """The app's router's innermost ASGI app, choosing among fewer routes (see the module's doc)."""

    def __init__(self, router: Any) -> None:
        self.router = router
        self.whole: ASGIApp = router.app
        self._built_for: tuple[int, int] | None = None
        self._patterns: list[tuple[BaseRoute, set[Pattern] | None]] = []
        self._narrowed: dict[tuple[int, ...], Any] = {}
        self._by_key: dict[Key, Any] = {}

    def router_for(self, key: Key) -> Any:
        """A router holding the routes that admit ``key``, or None for the whole router."""
        routes = self.router.routes
        if self._built_for != (id(routes), len(routes)):  # built again when routes are added
            self._patterns = [(route, patterns_of(route)) for route in routes]
            self._narrowed, self._by_key = {}, {}
            self._built_for = (id(routes), len(routes))
        if key not in self._by_key:
            if len(self._by_key) >= KNOWN_KEYS:
                self._by_key = {}
            self._by_key[key] = self._narrow([route for route, patterns in self._patterns if admits(patterns, key)])
        return self._by_key[key]

    def _narrow(self, subset: list[BaseRoute]) -> Any:
        if not subset or len(subset) == len(self._patterns):
            return None
        ids = tuple(id(route) for route in subset)
        if ids not in self._narrowed:
            narrowed = copy.copy(self.router)
            narrowed.routes = subset
            self._narrowed[ids] = narrowed
        return self._narrowed[ids]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        narrowed = None
        if scope["type"] != "lifespan":
            path, root = scope["path"], scope.get("root_path", "")
            narrowed = self.router_for(path_key(path[len(root) :] if path.startswith(root) else path))
        if narrowed is None:
            await self.whole(scope, receive, send)
            return
        scope.setdefault("router", self.router)  # url_for and the like see every route
        await narrowed.app(scope, receive, send)


def index_routes(app: FastAPI) -> None:
    """Install the index, unless the router has middleware of its own (it would be bypassed)."""
    router = app.router
    if router.middleware_stack == router.app:
        router.middleware_stack = RouteIndex(router)
