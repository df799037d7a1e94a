"""What a path reports (each of our figures beside its ceiling), bounded load loops, profiles."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Figure:
    """One figure of ours beside the raw ceiling measured in the same run on the same server."""

    label: str
    unit: str
    ours: float
    ceiling: float
    higher_is_better: bool = True

    @property
    def ratio(self) -> float:
        """Ours as a share of the ceiling: 1.0 is as good as raw, 0.5 is half as good."""
        if not self.ours or not self.ceiling:
            return 0.0
        return self.ours / self.ceiling if self.higher_is_better else self.ceiling / self.ours


@dataclass
class Target:
    text: str
    measured: str
    met: bool


@dataclass
class PathResult:
    number: int
    title: str
    measures: str
    ceiling: str
    figures: list[Figure] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    profiles: dict[str, str] = field(default_factory=dict)
    tables: dict[str, list[list[str]]] = field(default_factory=dict)
    series: dict[str, Any] = field(default_factory=dict)
    built: bool = True
    seconds: float = 0.0


@dataclass
class Load:
    """What a bounded run of ``clients`` concurrent clients did."""

    clients: int
    operations: int
    seconds: float
    latencies: list[float]
    errors: int = 0

    @property
    def per_second(self) -> float:
        return self.operations / self.seconds if self.seconds else 0.0

    def percentile_ms(self, share: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


Operation = Callable[[int], Any]


def run_clients(
    clients: int, make_operation: Callable[[int], Operation], max_operations: int, seconds: float, warmup: int = 0
) -> Load:
    """Run ``clients`` threads, each repeating its operation until together they did
    ``max_operations`` or ``seconds`` passed, whichever comes first; latency per operation."""
    operations = [make_operation(client) for client in range(clients)]
    for operation in operations:
        for step in range(warmup):
            operation(-1 - step)
    per_client = max(1, max_operations // clients)
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(index: int) -> None:
        operation, mine = operations[index], latencies[index]
        start.wait()
        for step in range(per_client):
            began = time.perf_counter()
            if began >= deadline[0]:
                break
            try:
                operation(step)
            except Exception:  # noqa: BLE001 - counted and reported, the run goes on
                errors[index] += 1
                continue
            mine.append(time.perf_counter() - began)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join(seconds * 3 + 30)
    elapsed = time.perf_counter() - began
    flat = [value for values in latencies for value in values]
    return Load(clients, len(flat), elapsed, flat, sum(errors))


def best_of(reps: int, runs: dict[str, Callable[[], Load]]) -> dict[str, tuple[Load, list[float]]]:
    """Run each load ``reps`` times, interleaved (a, b, c, a, b, c, ...) so that a busy moment on
    the machine hits every side alike; keep each side's best run and every run's rate."""
    loads: dict[str, list[Load]] = {name: [] for name in runs}
    for _ in range(reps):
        for name, run in runs.items():
            loads[name].append(run())
    return {
        name: (max(runs_, key=lambda load: load.per_second), [load.per_second for load in runs_])
        for name, runs_ in loads.items()
    }


def spread(rates: list[float]) -> str:
    return " / ".join(f"{rate:,.0f}" for rate in rates)
