"""Path 6: verification of the whole log, and the tamper evidence's overhead on path 1.

6a. ``kanalarkiv.transparency.verification.verify_log`` (as ``kanalarkiv verify`` calls it) over the whole log,
    once the hashing worker (the ``log_hashes`` projection) has reached the head. Ceiling: bare
    psycopg reading the same rows (server-side cursor, same fetch size) and hashing each in Python
    with hashlib SHA-256: the least any verifier in Python must do.
6b. Path 1a's command (one save of three events, one client) in a service whose hashing worker runs
    beside it (the worker alone, and every projection as the service runs them) against the same
    service with no projection worker running: the ceiling is the command without tamper evidence."""

from __future__ import annotations

import hashlib
import struct
import time
from typing import Any

import psycopg

from bench.harness import Bench
from bench.measure import Figure, Load, PathResult, Target, run_clients, spread
from bench.paths import BenchPath
from bench.paths.command import _save_three
from bench.paths.fixtures import organisation, wait_for_projection
from domain.actors import Actor, Role
from kanalarkiv.readside.runner import ProjectionSupervisor
from kanalarkiv.transparency.verification import verify_log

TARGET_RATE = 100_000
TARGET_OVERHEAD = 0.10
_ROW = struct.Struct(">QQ")


class _OnlyProjection:
    """The runtime's views, offering the supervisor one projection only, whose batches it counts
    (calls, events, seconds in ``process_batch``)."""

    def __init__(self, views: Any, name: str):
        self._views, self._name = views, name
        self.batches: list[tuple[int, float]] = []

    def projections(self) -> list[Any]:
        projection = self._views.projection(self._name)
        process_batch = projection.process_batch

        def counted(events: Any, tracking: Any) -> Any:
            began = time.perf_counter()
            try:
                return process_batch(events, tracking)
            finally:
                self.batches.append((len(events), time.perf_counter() - began))

        projection.process_batch = counted  # this runtime's instance only
        return [projection]

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._views, attr)


def run(bench: Bench) -> PathResult:
    result = PathResult(
        6,
        "Verification and tamper-evidence overhead",
        measures="6a: events per second verified by kanalarkiv.transparency.verification.verify_log over the whole log (after "
        "the hashing worker reached the head); 6b: path 1a's command (one client) with the hashing worker "
        "running beside it",
        ceiling="6a: bare psycopg reading the same rows (server-side cursor) and hashing each with hashlib SHA-256 "
        "in Python; 6b: the same command with no projection worker running",
    )
    _verify(bench, result)
    _overhead(bench, result)
    return result


def _verify(bench: Bench, result: PathResult) -> None:
    with bench.runtime(run_projections=True) as runtime:
        head = runtime.head()
        waited = wait_for_projection(runtime, "log_hashes", head, bench.mode.timeout)
        keys = [runtime.transparency.signer.public_key]
        ours_rates, raw_rates, reports = [], [], []
        for _ in range(bench.mode.reps):
            report = verify_log(bench.url, bench.events_table, keys)
            reports.append(report)
            ours_rates.append(report.events / report.seconds if report.seconds else 0.0)
            events, seconds = _raw_verify(bench, head)
            raw_rates.append(events / seconds)
    report = reports[-1]
    figure = Figure(f"6a verify the whole log ({report.events:,} events)", "events/s", max(ours_rates), max(raw_rates))
    result.figures.append(figure)
    result.targets.append(
        Target(
            f"≥ {TARGET_RATE:,} events/s (verification, {bench.mode.name} world of {report.events:,} events)",
            f"{figure.ours:,.0f} events/s",
            figure.ours >= TARGET_RATE,
        )
    )
    result.tables["6a Verification"] = [
        [
            "events",
            "leaves",
            "signed heads",
            "unhashed",
            "ok",
            "ours events/s",
            "raw read + SHA-256 events/s",
            "ratio",
            "every run: ours; raw",
        ],
        [
            f"{report.events:,}",
            f"{report.leaves:,}",
            str(report.heads),
            str(report.unhashed),
            str(report.ok),
            f"{figure.ours:,.0f}",
            f"{figure.ceiling:,.0f}",
            f"{figure.ratio:.2f}",
            f"{spread(ours_rates)}; {spread(raw_rates)}",
        ],
    ]
    result.notes.append(f"The hashing worker reached the head ({head:,}) {waited:.1f} s after the service started.")
    if not report.ok:
        result.notes.append(f"verify_log reported failures: {report.failures[:3]}")
    if figure.ours < TARGET_RATE:
        result.notes.append(
            "Why the target is missed: the ceiling (one SHA-256 per stored row in Python, nothing else) shows what "
            "a Python verifier can reach on this machine; verify_log also reads the stored tree (leaves and "
            "nodes), recomputes the tree above the leaves and checks the signed heads."
        )


def _raw_verify(bench: Bench, head: int) -> tuple[int, float]:
    began = time.perf_counter()
    events = 0
    sha256 = hashlib.sha256
    with psycopg.connect(bench.url) as conn, conn.cursor(name="bench_raw_verify") as cursor:
        cursor.itersize = 20_000
        cursor.execute(
            f"SELECT notification_id, originator_id, originator_version, topic, state FROM "
            f"{bench.events_table} WHERE notification_id <= %s ORDER BY notification_id",
            (head,),
        )
        for notification_id, originator_id, version, topic, state in cursor:
            digest = sha256(b"\x00" + _ROW.pack(notification_id, version) + originator_id.bytes)
            digest.update(topic.encode())
            digest.update(state)
            digest.digest()
            events += 1
    return events, time.perf_counter() - began


def _overhead(bench: Bench, result: PathResult) -> None:
    with bench.runtime() as runtime:
        org_id = organisation(runtime, "bench-manipulationsskydd", "212999803")
    manager = Actor("actor:bench-overhead-manager", "Bench Chef", Role.MANAGER, org_id)
    loads: dict[str, list[Load]] = {"none": [], "log_hashes": [], "all": []}
    batches: list[tuple[int, float]] = []
    for _ in range(bench.mode.reps + 1):  # single runs are short and noisy: one more than the other paths
        for variant in loads:
            loads[variant].append(_command_load(bench, manager, variant, batches))
    best = {variant: max(runs, key=lambda load: load.per_second) for variant, runs in loads.items()}
    none = best["none"]
    rows = [["projection workers running", "commands/s", "p50 ms", "p99 ms", "share of none", "overhead", "every run"]]
    for variant, label in (
        ("none", "none (no tamper evidence)"),
        ("log_hashes", "the hashing worker only"),
        ("all", "all projections (the service as deployed)"),
    ):
        load = best[variant]
        share = load.per_second / none.per_second if none.per_second else 0.0
        rows.append(
            [
                label,
                f"{load.per_second:,.0f}",
                f"{load.percentile_ms(0.5):.2f}",
                f"{load.percentile_ms(0.99):.2f}",
                f"{share:.2f}",
                f"{(1 - share) * 100:+.0f} %",
                spread([run.per_second for run in loads[variant]]),
            ]
        )
    result.tables["6b Tamper-evidence overhead on path 1a (1 client)"] = rows
    hashed = Figure(
        "6b path 1a with the hashing worker (ceiling: none running)",
        "commands/s",
        best["log_hashes"].per_second,
        none.per_second,
    )
    deployed = Figure(
        "6b path 1a with all projections (ceiling: none running)", "commands/s", best["all"].per_second, none.per_second
    )
    result.figures.extend([hashed, deployed])
    overhead = 1 - hashed.ratio
    result.targets.append(
        Target(
            f"overhead ≤ {TARGET_OVERHEAD:.0%} on path 1 (hashing worker vs none)",
            f"{overhead:.0%}",
            overhead <= TARGET_OVERHEAD,
        )
    )
    commands = sum(load.operations for load in loads["log_hashes"])
    if batches:
        per_batch = sorted(seconds for _, seconds in batches)
        result.notes.append(
            f"With the hashing worker only, the worker made {len(batches):,} batches for {commands:,} measured "
            f"commands ({sum(n for n, _ in batches) / len(batches):.1f} events per batch on average; the count "
            f"includes the warm-up's); process_batch took {per_batch[len(per_batch) // 2] * 1000:.2f} ms at the median "
            f"and {per_batch[int(len(per_batch) * 0.9)] * 1000:.2f} ms at p90, against the command's own "
            f"{best['none'].percentile_ms(0.5):.2f} ms p50 without it."
        )
    if overhead > TARGET_OVERHEAD:
        result.notes.append(
            "Why the target is missed: the hashing worker lets events gather for a quarter of a second after a "
            "wake-up, then hashes them in one transaction (leaves, subtrees, tracking row: the counts above), in "
            "the command's own process: its SHA-256s and tree updates run under the same GIL as the command, and "
            "its reads and commit on the same two cores as the command's transaction and PostgreSQL. Since saves "
            "became one statement each, a command costs less than half of what it did, so the worker's share of "
            "the same work per event weighs more. Not profiled further."
        )
    result.notes.append(
        "6b runs the workers in the service's own process, as `kanalarkiv serve` does: they follow the commands "
        "while they are measured (each variant waits for its workers to reach the head first), and share its GIL "
        "and the machine's two cores with the command's thread and with PostgreSQL. Single runs of about "
        f"{bench.mode.seconds:.0f} s are noisy: see every run's rate."
    )


def _command_load(bench: Bench, manager: Actor, variant: str, batches: list[tuple[int, float]]) -> Load:
    with bench.runtime(run_projections=variant == "all") as runtime:
        supervisor = None
        if variant == "log_hashes":
            only = _OnlyProjection(runtime.views, "log_hashes")
            supervisor = ProjectionSupervisor(runtime.app, only, bench.url, bench.mode.projection_batch)  # type: ignore[arg-type]
            supervisor.start()
            runtime.supervisor = supervisor
        try:
            if variant != "none":
                head = runtime.head()
                for name in runtime.supervisor.statuses():
                    wait_for_projection(runtime, name, head, bench.mode.timeout)
            operation = _save_three(runtime, manager)
            if variant == "log_hashes":
                only.batches.clear()
            load = run_clients(1, lambda _: operation, bench.mode.max_operations, bench.mode.seconds, warmup=3)
            if variant == "log_hashes":
                time.sleep(0.2)  # the batches of the last commands
                batches.extend(only.batches)
            return load
        finally:
            if supervisor is not None:
                supervisor.stop()
                runtime.supervisor = None


PATH = BenchPath(6, "Verification and tamper-evidence overhead", run)
