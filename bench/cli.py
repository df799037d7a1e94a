"""``python -m bench [--quick]``: prepare the benchmark's database, import the seeded world, run
every path in the registry, and write the report, its plot and its raw figures."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path

from bench.environment import BENCH_DATABASE, REPO, Environment, load_average
from bench.harness import FULL, QUICK, Bench
from bench.measure import PathResult, Target
from bench.paths import PATHS, BenchPath
from bench.plot import draw
from bench.report import render

DEFAULT_SEED = 20260302
BUSY_LOAD = 1.0


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    mode = QUICK if args.quick else FULL
    if args.events:
        mode = dataclasses.replace(mode, events=args.events)
    began = time.monotonic()
    say = _progress(began)
    say(f"{mode.name} mode: preparing database on {'DATABASE_URL' if args.database_url else 'the embedded server'}")
    environment = Environment.prepare(args.database_url, reuse=args.reuse_database)
    bench = Bench(mode, environment, args.seed, REPO / "bench" / "out" / BENCH_DATABASE)
    bench.facts["commit"] = _commit()
    bench.facts["load_before"] = load_average()
    say(
        "reusing the kept world"
        if args.reuse_database
        else f"importing the seeded world ({mode.events:,} events) through the service"
    )
    bench.import_world(reuse=args.reuse_database)
    results = []
    for path in PATHS:
        if args.only and path.number not in args.only:
            continue
        say(f"path {path.number}: {path.title}" + ("" if path.run else " (not built yet)"))
        results.append(_run(path, bench))
    bench.facts["load_after"] = load_average()
    seconds = time.monotonic() - began
    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"{mode.name}-latest"
    plotted = draw(
        results,
        args.out / f"{stem}.png",
        f"kanalarkiv benchmark, {mode.name} mode, "
        f"{environment.machine['date']}, {environment.machine['cores']} cores, "
        f"PostgreSQL {environment.machine['postgresql']}",
    )
    (args.out / f"{stem}.md").write_text(render(bench, results, f"{stem}.png" if plotted else None, seconds))
    (args.out / f"{stem}.json").write_text(json.dumps(_raw(bench, results, seconds), indent=1, default=str) + "\n")
    if not args.keep_database:
        environment.drop()
    say(f"wrote {args.out / (stem + '.md')}" + ("" if plotted else " (no plot: matplotlib is not installed)"))
    for result in results:
        for target in result.targets:
            say(f"  {result.number}. {target.text}: {target.measured} {'met' if target.met else 'MISSED'}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a small world and short loads (under two minutes)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or None,
        help="a PostgreSQL server to use instead of the embedded one (default: $DATABASE_URL); "
        "the benchmark creates and drops its own database kanalarkiv_bench there",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the generator's seed")
    parser.add_argument("--events", type=int, help="the world's size in events (default: the mode's)")
    parser.add_argument("--only", type=int, action="append", help="run only this path (repeatable)")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "reports", help="where the report goes")
    parser.add_argument("--keep-database", action="store_true", help="keep kanalarkiv_bench after the run")
    parser.add_argument(
        "--reuse-database",
        action="store_true",
        help="run on the world a --keep-database run left (same mode and seed), without importing it again",
    )
    return parser


def _run(path: BenchPath, bench: Bench) -> PathResult:
    if path.run is None:
        return PathResult(path.number, path.title, measures="", ceiling=path.waiting_for, built=False)
    began, load = time.monotonic(), load_average()
    try:
        result = path.run(bench)
    except Exception as error:  # noqa: BLE001 - one failed path must not lose the others' figures
        traceback.print_exc()
        result = PathResult(path.number, path.title, measures="", ceiling="")
        result.targets.append(Target("the path runs", f"failed: {type(error).__name__}: {error}", False))
        result.notes.append(f"The path failed: {type(error).__name__}: {error} (see bench/out/<database>/logs).")
    result.seconds = time.monotonic() - began
    if load > BUSY_LOAD:
        result.notes.append(
            f"The machine was busy when this path began (load average {load} on {os.cpu_count()} cores): other "
            "processes took CPU from both sides. Ours and raw run interleaved, so ratios are steadier than absolutes."
        )
    return result


def _raw(bench: Bench, results: list[PathResult], seconds: float) -> dict[str, object]:
    return {
        "mode": dataclasses.asdict(bench.mode),
        "seed": bench.seed,
        "seconds": seconds,
        "machine": bench.environment.machine,
        "facts": bench.facts,
        "children": {
            kind: run.result
            for kind, run in (
                ("import", bench.imported),
                ("raw-import", bench.raw_imported),
                ("rebuild", bench.rebuilt),
                ("raw-rebuild", bench.raw_rebuilt),
            )
            if run is not None
        },
        "paths": [
            {
                "number": r.number,
                "title": r.title,
                "built": r.built,
                "seconds": r.seconds,
                "figures": [{**dataclasses.asdict(f), "ratio": f.ratio} for f in r.figures],
                "targets": [dataclasses.asdict(t) for t in r.targets],
                "tables": r.tables,
                "series": _rounded(r.series),
            }
            for r in results
        ],
    }


def _rounded(value: object) -> object:
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(item) for item in value]
    return value


def _commit() -> str:
    """The commit the code ran at; "-dirty" when a tracked file other than the reports (which a run
    rewrites) differs from it."""
    try:

        def git(*args: str) -> str:
            return subprocess.run(
                ["git", *args], cwd=REPO, capture_output=True, text=True, check=True, timeout=10
            ).stdout.strip()

        changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)bench/reports")
        return git("rev-parse", "--short", "HEAD") + ("-dirty" if changed else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _progress(began: float):  # type: ignore[no-untyped-def]
    def say(message: str) -> None:
        print(f"[{time.monotonic() - began:5.0f} s] {message}", file=sys.stderr, flush=True)

    return say
