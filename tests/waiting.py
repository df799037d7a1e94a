"""Waiting in tests on a condition, never for a fixed time: the check is asked again until it
holds, and the test fails (``eventually``) or goes on (``within``) when it has not in time."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(check: Callable[[], T], seconds: float = 15.0, interval: float = 0.02) -> T:
    """The check's first true answer; the test fails if there is none within ``seconds``."""
    deadline = time.monotonic() + seconds
    while not (result := check()):
        assert time.monotonic() < deadline, "the condition was not met in time"
        time.sleep(interval)
    return result


def within(check: Callable[[], object], seconds: float, interval: float = 0.005) -> bool:
    """Whether the check came true within ``seconds`` (for conditions that may rightly never hold)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
    return True
