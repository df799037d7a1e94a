"""Path 5: point-in-time reconstruction: the channel register of an organisation as it stood at a
random log position (``channels_of(org_id, statuses, as_of=position)``, which
``GET /v1/organisations/{slug}/channels?as_of_position=`` answers for auditors and records
officers), at random positions over the imported world.

Ceilings, same run: the same question asked by bare psycopg with hand-written SQL on the history
table (prepared); and, for scale, the live register (ours and raw) without ``as_of``."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import psycopg

from bench.harness import Bench
from bench.measure import Figure, Load, PathResult, Target, best_of, run_clients, spread
from bench.paths import BenchPath
from bench.paths.capture import QUICK_ONLY

TARGET_SECONDS = 1.0
SAMPLES = 4000

_RAW_AS_OF = ("SELECT * FROM channel_register_history WHERE org_id = %s AND status = ANY(%s) AND version_from <= %s"
              " AND (version_to IS NULL OR version_to > %s) ORDER BY platform, lower(name), id")
_RAW_LIVE = "SELECT * FROM channel_register WHERE org_id = %s AND status = ANY(%s) ORDER BY platform, lower(name), id"


def run(bench: Bench) -> PathResult:
    result = PathResult(
        5, "Point-in-time reconstruction",
        measures="latency of an organisation's channel register as it stood at a random log position "
                 "(ChannelRegisterView.channels_of(org_id, statuses, as_of=position), the query behind "
                 "GET /v1/organisations/{slug}/channels?as_of_position=), one client, random organisation and position",
        ceiling="the same rows read by bare psycopg with hand-written SQL on channel_register_history (prepared); "
                "the live register without as_of, ours and raw, for scale",
    )
    rng = random.Random(bench.seed + 5)
    with bench.runtime() as runtime, psycopg.connect(bench.url, autocommit=True) as conn:
        head = runtime.head()
        orgs = [row[0] for row in conn.execute("SELECT org_id FROM channel_register")]  # weighted by channels
        statuses = [row[0] for row in conn.execute("SELECT DISTINCT status FROM channel_register ORDER BY 1")]
        questions = [(rng.choice(orgs), rng.randint(1, head)) for _ in range(SAMPLES)]
        register = runtime.views.channel_register

        def ours(as_of: bool) -> Callable[[int], Callable[[int], Any]]:
            def make(_: int) -> Callable[[int], Any]:
                return lambda step: register.channels_of(questions[step % SAMPLES][0], tuple(statuses),
                                                         as_of=questions[step % SAMPLES][1] if as_of else None)
            return make

        def raw(as_of: bool) -> Callable[[int], Callable[[int], Any]]:
            def make(_: int) -> Callable[[int], Any]:
                def operation(step: int) -> Any:
                    org, position = questions[step % SAMPLES]
                    if as_of:
                        return conn.execute(_RAW_AS_OF, (org, statuses, position, position), prepare=True).fetchall()
                    return conn.execute(_RAW_LIVE, (org, statuses), prepare=True).fetchall()
                return operation
            return make

        def load(make: Callable[[int], Callable[[int], Any]]) -> Load:
            return run_clients(1, make, min(SAMPLES, bench.mode.max_operations), bench.mode.seconds, warmup=3)

        best = best_of(bench.mode.reps, {"ours": lambda: load(ours(True)), "raw": lambda: load(raw(True)),
                                         "ours live": lambda: load(ours(False)), "raw live": lambda: load(raw(False))})
        history_rows = conn.execute("SELECT count(*) FROM channel_register_history").fetchone()[0]  # type: ignore[index]
    (o, o_rates), (r, r_rates) = best["ours"], best["raw"]
    (ol, _), (rl, _) = best["ours live"], best["raw live"]
    for share, name in ((0.5, "p50"), (0.99, "p99")):
        result.figures.append(Figure(f"register as of a random position: {name}", "ms", o.percentile_ms(share),
                                     r.percentile_ms(share), higher_is_better=False))
    result.figures.append(Figure("register as of a random position: queries/s", "queries/s", o.per_second, r.per_second))
    p99_s = o.percentile_ms(0.99) / 1000
    result.targets.append(Target(f"≤ {TARGET_SECONDS:.0f} s per reconstruction (p99; quick world of {head:,} events, "
                                 "not a million)", f"{p99_s * 1000:.1f} ms", p99_s <= TARGET_SECONDS))
    result.tables["Reconstruction latency (one client)"] = [
        ["query", "ours p50 ms", "ours p99 ms", "raw p50 ms", "raw p99 ms", "ours /s", "raw /s", "ratio (p99)",
         "every run: ours; raw"],
        ["as of a random position", f"{o.percentile_ms(0.5):.2f}", f"{o.percentile_ms(0.99):.2f}",
         f"{r.percentile_ms(0.5):.2f}", f"{r.percentile_ms(0.99):.2f}", f"{o.per_second:,.0f}", f"{r.per_second:,.0f}",
         f"{r.percentile_ms(0.99) / max(o.percentile_ms(0.99), 1e-9):.2f}", f"{spread(o_rates)}; {spread(r_rates)}"],
        ["live (no as_of)", f"{ol.percentile_ms(0.5):.2f}", f"{ol.percentile_ms(0.99):.2f}",
         f"{rl.percentile_ms(0.5):.2f}", f"{rl.percentile_ms(0.99):.2f}", f"{ol.per_second:,.0f}",
         f"{rl.per_second:,.0f}", f"{rl.percentile_ms(0.99) / max(ol.percentile_ms(0.99), 1e-9):.2f}", ""],
    ]
    result.notes.append(
        f"Positions drawn uniformly from 1 to the head ({head:,}); organisations weighted by their number of channels; "
        f"{history_rows:,} rows in channel_register_history. Measured in process on the view (no HTTP): path 4 gives "
        "the HTTP overhead of the same register read.")
    result.notes.append(
        f"{QUICK_ONLY} The issue's target is over a million events; this world has {head:,}. The history table's "
        "(org_id, version_from) index should keep the query's cost in the size of one organisation's history rather "
        "than the log's, but that is not measured here. comments_on(..., as_of=) is not measured: the generated "
        "world has no posts or comments yet.")
    return result


PATH = BenchPath(5, "Point-in-time reconstruction", run)
