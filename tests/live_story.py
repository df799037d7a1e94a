"""Helpers for the live connectors' stories: the fake platform served for a test, a retry policy
whose sleeps are recorded instead of slept, and a bundle read by its format's reader."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fake_platform import FakePlatform, serving

from kanalarkiv.capture.items import Completeness, Item
from kanalarkiv.capture.live.bundles import LiveBundle
from kanalarkiv.capture.live.http import RetryPolicy
from kanalarkiv.capture.registry import reader_for

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SHORT = httpx.Timeout(0.5)  # the hang test's client gives up long before the fake answers


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def no_waiting(attempts: int = 5) -> tuple[RetryPolicy, list[float]]:
    """A retry policy that records each wait instead of sleeping; its clock stands at T0."""
    slept: list[float] = []
    return RetryPolicy(attempts=attempts, sleep=slept.append, now=lambda: T0), slept


@pytest.fixture
def fake() -> Iterator[FakePlatform]:
    with serving() as platform:
        yield platform


def read(bundle: LiveBundle) -> tuple[dict[str, Item], Completeness]:
    """The bundle read as a file import reads it: items by platform id, and the completeness."""
    source = reader_for(bundle.format)(bundle)
    items = {item.platform_id: item for item in source.items() if isinstance(item, Item)}
    return items, source.completeness()
