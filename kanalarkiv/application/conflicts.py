"""Concurrent writes. Two commands that read the same version of a record and both save lose one
save to the other: the log refuses a second event with the same record and version
(``IntegrityError``), and nothing of the loser is stored.

A command that names the version it decided on (``expected_version``, the API's If-Match) asked
for exactly that record, so the conflict is its answer (409). A command that does not (a blind
write) did not ask for optimistic concurrency: it is run again from the start — the record read
again, the rules asked again — a few times after a short random pause, and lands unless the rules
now refuse it. Within one process the retries of commands on one record take turns (a lock per
record, named by the command's first argument), so that a burst of writers queues instead of
colliding again; writers in other processes are kept apart by the random pauses alone.

Every command method of the application that changes an existing record is decorated with
``@command``, its first argument naming that record (or the organisation whose record it is)."""

from __future__ import annotations

import functools
import inspect
import random
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from eventsourcing.persistence import IntegrityError

ATTEMPTS = 5
PAUSE = 0.004
"""The first pause's upper bound in seconds; each further attempt doubles it (4, 8, 16, 32 ms)."""

P = ParamSpec("P")
R = TypeVar("R")
_running: ContextVar[bool] = ContextVar("kanalarkiv_command_running", default=False)
_turns = [threading.Lock() for _ in range(64)]


def command(method: Callable[P, R]) -> Callable[P, R]:
    """Run ``method`` again after a concurrent-write conflict, unless it was given an
    ``expected_version``. A command called from within another runs once: the outer one retries."""
    signature = inspect.signature(method)
    versioned = "expected_version" in signature.parameters

    @functools.wraps(method)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if _running.get() or (versioned and _expected_version(signature, args, kwargs) is not None):
            return _once(method, args, kwargs)
        try:
            return _once(method, args, kwargs)
        except IntegrityError:
            pass
        turn = _turns[hash(args[1] if len(args) > 1 else method) % len(_turns)]
        for attempt in range(2, ATTEMPTS + 1):
            time.sleep(random.uniform(0, PAUSE * 2 ** (attempt - 2)))  # jitter, not security
            try:
                with turn:
                    return _once(method, args, kwargs)
            except IntegrityError:
                if attempt == ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    return run


def _once(method: Callable[..., R], args: tuple[Any, ...], kwargs: dict[str, Any]) -> R:
    token = _running.set(True)
    try:
        return method(*args, **kwargs)
    finally:
        _running.reset(token)


def _expected_version(signature: inspect.Signature, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if "expected_version" in kwargs:
        return kwargs["expected_version"]
    return signature.bind_partial(*args, **kwargs).arguments.get("expected_version")
