"""The measured paths, one module each, in one list. A path is a number, a title and a function
from the run (``Bench``) to its result; a path whose feature is not built yet has no function and
is listed in the report as not yet measured.

They run in this order, not by number: the ones that only read the imported world run first,
the ones that write to the log (6b, 2, 1) last, so that every run catches up the same log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.harness import Bench
from bench.measure import PathResult


@dataclass(frozen=True)
class BenchPath:
    number: int
    title: str
    run: Callable[[Bench], PathResult] | None = None
    waiting_for: str = ""


def _paths() -> list[BenchPath]:
    from bench.paths import (
        capture,
        capture_import,
        catchup,
        command,
        live_backfill,
        memory,
        pointintime,
        queue,
        reads,
        verification,
        webhooks,
    )

    return [
        catchup.PATH,
        memory.PATH,
        reads.PATH,
        queue.PATH,
        pointintime.PATH,
        verification.PATH,
        webhooks.PATH,
        capture.PATH,
        capture_import.PATH,
        live_backfill.PATH,
        command.PATH,
    ]


PATHS: list[BenchPath] = _paths()
