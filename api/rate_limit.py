"""The limits on the one write the public makes without a token (a request for public records):
a body of at most 16 kB, and a number of requests per client address in a sliding window. The
addresses are kept in memory only, for the window, and never recorded: who asked is not
searched for (efterforskningsförbud), and the limit needs no more than that."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from fastapi import Request

from api.errors import BodyTooLarge, TooManyRequests

MAX_BODY = 16_384
REQUESTS_PER_WINDOW = 10
WINDOW_SECONDS = 600.0


class RateLimiter:
    """At most ``limit`` requests per ``window`` seconds from each client address."""

    def __init__(
        self,
        limit: int = REQUESTS_PER_WINDOW,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.limit, self.window, self.clock = limit, window, clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def take(self, address: str) -> int | None:
        """Count a request from ``address``; the seconds to wait if it is one too many, else None."""
        now = self.clock()
        with self._lock:
            if len(self._seen) > 10_000:
                self._forget_before(now - self.window)
            seen = self._seen.setdefault(address, deque())
            while seen and seen[0] <= now - self.window:
                seen.popleft()
            if len(seen) >= self.limit:
                return max(1, int(seen[0] + self.window - now) + 1)
            seen.append(now)
            return None

    def _forget_before(self, moment: float) -> None:
        for address in [a for a, seen in self._seen.items() if not seen or seen[-1] <= moment]:
            del self._seen[address]


async def public_write_limits(request: Request) -> None:
    """Refuse a body over the limit (413), then a client over its rate (429 with Retry-After)."""
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
        raise BodyTooLarge(f"a request for public records is at most {MAX_BODY} bytes")
    limiter: RateLimiter = request.app.state.request_limiter
    retry_after = limiter.take(request.client.host if request.client else "unknown")
    if retry_after is not None:
        raise TooManyRequests(retry_after)
