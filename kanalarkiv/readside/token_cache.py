"""Who a bearer token stands for, remembered between requests, and forgotten when a token is revoked.

Every authenticated request looked its token up in the token view: one query and one hop to the
thread pool before the route's own (bench path 9: the supervision queue served half again as many
requests at 16 clients without them, and its p99 fell from ~70 to ~50 ms). A revocation must not
outlive its place in the view, so the cache trusts itself only while it hears the view change:

- the token projection sends a NOTIFY on ``REVOCATIONS`` in the transaction that marks a token
  revoked, delivered when that commits; every process's ``RevocationListener`` then empties its cache;
- the cache holds nothing until its listener's LISTEN is in place, and is emptied and switched off
  whenever that connection is lost (a silent loss is bounded by each entry's ``TTL_SECONDS``);
- a look-up begun before a revocation is heard is not kept (the generation moved on);
- waiting for the token view's position (``Views.wait_for``, read-your-writes) empties it too, so
  whoever waited for a revocation sees it refused at once.

Between a revocation's commit and its notification reaching a process (milliseconds) that process
may still accept the token, as any process does until the projection has applied the revocation."""

from __future__ import annotations

import threading
import time
from typing import Any

import psycopg
import structlog
from psycopg import sql

from projections.access_tokens import REVOCATIONS

log = structlog.get_logger("kanalarkiv.readside")

TTL_SECONDS = 30.0
MAX_ENTRIES = 10_000


class TokenCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: dict[str, tuple[dict[str, Any], float]] = {}
        self._generation = 0
        self._trusted = False

    def get(self, token_hash: str) -> dict[str, Any] | None:
        """The token's view row, if remembered and still trusted (a dict look-up: safe on the event loop)."""
        entry = self._rows.get(token_hash)
        if entry is None or entry[1] < time.monotonic():
            return None
        return entry[0]

    def generation(self) -> int:
        return self._generation

    def keep(self, token_hash: str, row: dict[str, Any], generation: int) -> None:
        """Remember ``row``, read when the cache was at ``generation``, unless anything was heard since."""
        with self._lock:
            if not self._trusted or generation != self._generation:
                return
            if len(self._rows) >= MAX_ENTRIES:
                self._rows.clear()
            self._rows[token_hash] = (row, time.monotonic() + TTL_SECONDS)

    def forget_all(self, *, trusted: bool | None = None) -> None:
        with self._lock:
            self._generation += 1
            self._rows.clear()
            if trusted is not None:
                self._trusted = trusted

    @property
    def trusted(self) -> bool:
        return self._trusted


class RevocationListener(threading.Thread):
    """Keeps ``cache`` trusted while it hears the token projection's revocations."""

    def __init__(self, conninfo: str, cache: TokenCache):
        super().__init__(name="token-revocation-listener", daemon=True)
        self.conninfo = conninfo
        self.cache = cache
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=3) as conn:
                    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(REVOCATIONS)))
                    self.cache.forget_all(trusted=True)
                    while not self.stopping.is_set():
                        for _ in conn.notifies(timeout=0.5, stop_after=1):
                            self.cache.forget_all()
            except psycopg.Error as error:
                log.warning("token_revocation_listener_lost", error=str(error))
            finally:
                self.cache.forget_all(trusted=False)
            self.stopping.wait(1.0)

    def stop(self, timeout: float = 2.0) -> None:
        self.stopping.set()
        self.join(timeout)
