"""Path 7: peak memory (RSS) of the service while importing and while rebuilding.

Ours: the service process (runtime, projection workers and HTTP app built as ``kanalarkiv serve``
builds them) importing the seeded world through its application, projections following; and the
service rebuilding every projection from zero (path 3's run: the largest of the processes that
rebuild a group of projections, each reporting its own ``ru_maxrss``). Sampled every 0.1 s from
outside, and the processes' own ``ru_maxrss``.
Ceiling: a bare psycopg process doing the same database work (COPY of the same log rows; keyset
read of the log and COPY of the same view rows): the least memory the work needs in Python."""

from __future__ import annotations

from bench.harness import Bench
from bench.measure import Figure, PathResult, Target
from bench.paths import BenchPath

TARGET_MB = 250


def run(bench: Bench) -> PathResult:
    result = PathResult(
        7,
        "Peak memory of the service",
        measures="peak RSS of the service process while importing the world (the run before path 3) and while "
        "rebuilding every projection (path 3's run; the largest of its processes)",
        ceiling="peak RSS of a bare psycopg process doing the same database work (COPY of the same rows)",
    )
    assert bench.imported and bench.raw_imported
    pairs = [("importing", bench.imported, bench.raw_imported)]
    if bench.rebuilt and bench.raw_rebuilt:
        pairs.append(("rebuilding", bench.rebuilt, bench.raw_rebuilt))
    else:
        result.notes.append("Not measured while rebuilding: path 3's rebuild did not complete (see path 3).")
    for label, ours, raw in pairs:
        result.figures.append(
            Figure(f"peak RSS while {label}", "MB", ours.peak_mb, raw.peak_mb, higher_is_better=False)
        )
        result.targets.append(
            Target(f"≤ {TARGET_MB} MB while {label}", f"{ours.peak_mb:.0f} MB", ours.peak_mb <= TARGET_MB)
        )
    imported, raw_imported = bench.imported.result, bench.raw_imported.result
    result.tables["Memory at rest and at peak"] = [
        ["process", "RSS at rest, MB", "peak RSS, MB", "growth, MB"],
        *[
            [
                f"{side}: {label}",
                f"{run.result['rss_at_rest_mb']:.0f}",
                f"{run.peak_mb:.0f}",
                f"{run.peak_mb - run.result['rss_at_rest_mb']:.0f}",
            ]
            for label, ours, raw in pairs
            for side, run in (("ours", ours), ("raw", raw))
        ],
    ]
    ours_rate = imported["events"] / imported["seconds"]
    raw_rate = raw_imported["events"] / raw_imported["seconds"]
    result.tables["Import throughput (for the record; path 2 measures bulk capture)"] = [
        ["", "events", "transactions", "seconds", "events/s", "ratio"],
        [
            "ours: application save, batches of aggregates",
            f"{imported['events']:,}",
            f"{imported['transactions']:,}",
            f"{imported['seconds']:.2f}",
            f"{ours_rate:,.0f}",
            f"{ours_rate / raw_rate:.2f}",
        ],
        [
            "raw: COPY of the same rows, same batches",
            f"{raw_imported['events']:,}",
            f"{imported['transactions']:,}",
            f"{raw_imported['seconds']:.2f}",
            f"{raw_rate:,.0f}",
            "1.00",
        ],
        [
            "ours: until every projection caught up" if imported["caught_up"] else "ours: projections did not catch up",
            f"{imported['events']:,}",
            "",
            f"{imported['seconds_until_caught_up']:.2f}",
            f"{imported['events'] / imported['seconds_until_caught_up']:,.0f}",
            "",
        ],
    ]
    for name, error in imported["failures"].items():
        result.notes.append(f"While importing, the {name} projection worker failed and was restarted ({error}).")
    result.notes.append(
        "The service's RSS at rest is mostly the interpreter and its imports (FastAPI, Pydantic, the library, "
        "psycopg); the growth while working is bounded by the batch sizes (events per import transaction, "
        "events per projection batch), not by the size of the log."
    )
    if imported.get("numpy_loaded"):
        result.notes.append(
            "numpy was loaded by the service although it never uses it: a module of the API imports fpdf at start, "
            "and fpdf imports numpy whenever it is installed, which the bench extra does (for matplotlib). A service "
            "installed without the bench extra is lighter at rest by numpy's share."
        )
    if not all(target.met for target in result.targets):
        result.notes.append("Target missed: see the timeline in the plot for when the peak happens.")
    result.series["rss"] = {
        name: run.timeline for label, ours, raw in pairs for name, run in ((label, ours), (f"raw {label}", raw))
    }
    return result


PATH = BenchPath(7, "Peak memory of the service", run)
