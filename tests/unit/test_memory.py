"""The service limits glibc's malloc arenas so that memory freed by one thread is reused by the
others (bench path 7: a million-event rebuild stays near its live data); an operator's own
MALLOC_ARENA_MAX is left as glibc read it."""

from __future__ import annotations

import platform

import pytest

from kanalarkiv.adapters.memory import DEFAULT_ARENAS, limit_malloc_arenas


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="arenas are glibc's")
def test_the_service_limits_mallocs_arenas(monkeypatch):
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert limit_malloc_arenas() == DEFAULT_ARENAS == 2


def test_an_operators_malloc_arena_max_is_left_alone(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_malloc_arenas() is None
