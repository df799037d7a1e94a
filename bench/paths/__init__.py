"""The measured paths, one module each, in one list. A path is a number, a title and a function
from the run (``Bench``) to its result; a path whose feature is not built yet has no function and
is listed in the report as not yet measured.

They run in this order, not by number: the ones that only read the imported world run first,
the one that writes to the log (1) last, so that every run catches up the same log."""

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
    from bench.paths import catchup, command, memory, reads

    return [
        catchup.PATH,
        memory.PATH,
        reads.PATH,
        command.PATH,
        BenchPath(2, "Bulk capture of posts and comments", waiting_for="capture of posts and comments (editorial record)"),
        BenchPath(5, "Point-in-time reconstruction", waiting_for="point-in-time reconstruction (auditors' tools)"),
        BenchPath(6, "Verification and tamper-evidence overhead", waiting_for="hash chain and verification (auditors' tools)"),
    ]


PATHS: list[BenchPath] = _paths()
