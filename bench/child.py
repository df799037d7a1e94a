"""Work that runs in a process of its own, so that its peak memory (RSS) is its own: the service
importing the world and rebuilding its projections, and the raw processes that do the same
work with bare psycopg. ``python -m bench.child KIND '{json args}'`` prints one JSON result line.

The parent samples the child's RSS over time (``run_child``); the child reports its own peak
(``ru_maxrss``) and its RSS at rest before the work began."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

RESULT_PREFIX = "BENCH-RESULT "
RAW_EVENTS = "bench_raw_events"


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# The service's side


def _service(url: str, run_projections: bool, pool_size: int = 8, batch_size: int | None = None) -> Any:
    """The service as ``kanalarkiv serve`` builds it (runtime and HTTP app), without serving."""
    from api.main import create_app
    from kanalarkiv.adapters.logs import configure_logging
    from kanalarkiv.config import Settings
    from kanalarkiv.runtime import Runtime

    env = {"DATABASE_URL": url, "KANALARKIV_POOL_SIZE": str(pool_size)}
    if batch_size is not None:
        env["KANALARKIV_PROJECTION_BATCH_SIZE"] = str(batch_size)
    settings = Settings.from_env(env)
    configure_logging("warning")
    runtime = Runtime.open(settings, run_projections=run_projections, url=url)
    create_app(runtime=runtime)
    return runtime


def _wait_caught_up(runtime: Any, head: int, timeout: float, stuck_after: float = 30.0) -> tuple[bool, dict[str, str]]:
    """Wait until every worker reaches ``head``. A worker that fails is restarted by the
    supervisor and may recover: its errors are collected, not fatal, unless it stops advancing
    for ``stuck_after`` seconds. Returns whether all caught up, and the errors seen per worker."""
    deadline = time.monotonic() + timeout
    seen: dict[str, str] = {}
    progress: dict[str, tuple[int, float]] = {}
    while time.monotonic() < deadline:
        statuses, now = runtime.supervisor.statuses(), time.monotonic()
        for name, status in statuses.items():
            if status["last_error"]:
                seen[name] = f"{status['restarts']} restart(s), last: {status['last_error']}"
            if progress.get(name, (-1, now))[0] != status["position"]:
                progress[name] = (status["position"], now)
        if all(status["position"] >= head for status in statuses.values()):
            return True, seen
        stuck = [
            name
            for name, status in statuses.items()
            if status["position"] < head and status["restarts"] and now - progress[name][1] > stuck_after
        ]
        if stuck:
            return False, {
                **seen,
                **{name: f"stuck at {statuses[name]['position']}: {seen.get(name, '')}" for name in stuck},
            }
        time.sleep(0.02)
    return False, {**seen, "timeout": f"not caught up within {timeout:.0f} s"}


def import_world(args: dict[str, Any]) -> dict[str, Any]:
    """The service imports the seeded world through its application, batch by batch, while its
    projection workers follow the log; done when every projection has caught up."""
    from bench.generator import Generator

    runtime = _service(args["url"], run_projections=True)
    at_rest = rss_mb()
    app, batch_events = runtime.app, args["batch_events"]
    pending: dict[Any, Any] = {}
    events = transactions = in_batch = 0
    _ready(args)
    started = time.perf_counter()

    def save() -> int:
        """One transaction, its records' keys created beforehand in one statement (as commands do)."""
        aggregates = list(pending.values())
        app.mapper.prepare([event for aggregate in aggregates for event in aggregate.pending_events])
        pending.clear()
        return len(app.save(*aggregates))

    for aggregate in Generator(args["seed"], args["events"]).steps():
        pending[aggregate.id] = aggregate
        in_batch += 1
        if in_batch >= batch_events:
            events += save()
            transactions += 1
            in_batch = 0
    if pending:
        events += save()
        transactions += 1
    imported = time.perf_counter() - started
    head = runtime.head()
    caught_up, failures = _wait_caught_up(runtime, head, args["timeout"])
    total = time.perf_counter() - started
    runtime.close()
    return {
        "events": events,
        "transactions": transactions,
        "seconds": imported,
        "caught_up": caught_up,
        "failures": failures,
        "numpy_loaded": "numpy" in sys.modules,
        "seconds_until_caught_up": total,
        "head": head,
        "rss_at_rest_mb": at_rest,
        "peak_rss_mb": peak_rss_mb(),
    }


def rebuild(args: dict[str, Any]) -> dict[str, Any]:
    """The service empties every view and replays the log from position zero as ``kanalarkiv
    projections rebuild`` does: the projections in groups, a process each (``processes``), each
    group's projections a thread each following one shared reader; done when all reach the head."""
    from kanalarkiv.cli.rebuild import rebuild as rebuild_projections
    from kanalarkiv.readside.rebuild import RebuildFailed

    runtime = _service(args["url"], run_projections=False, batch_size=args["batch_size"])
    rebuilt, not_rebuilt = [], {}
    for name in runtime.views.names():
        try:
            runtime.views.view(name).reset(runtime.app.name)
            rebuilt.append(name)
        except Exception as refused:  # noqa: BLE001 - a view may refuse to be rebuilt (e.g. a hash tree)
            not_rebuilt[name] = str(refused)
    head = runtime.head()
    at_rest = rss_mb()
    _ready(args)
    started = time.perf_counter()
    try:
        peaks = rebuild_projections(runtime, rebuilt, args["processes"]).peak_rss_mb
        caught_up, failures = True, {}
    except RebuildFailed as failed:
        peaks, caught_up, failures = {}, False, {"rebuild": str(failed)}
    seconds = time.perf_counter() - started
    tables_of = {name: _tables(runtime.views.view(name)) for name in rebuilt}
    rows = {name: _count(runtime.views.view(name), tables) for name, tables in tables_of.items()}
    tables = [table for names in tables_of.values() for table in names]
    runtime.close()
    return {
        "events": head,
        "seconds": seconds,
        "caught_up": caught_up,
        "failures": failures,
        "view_rows": rows,
        "tables": tables,
        "not_rebuilt": not_rebuilt,
        "processes": len(peaks),
        "rss_at_rest_mb": at_rest,
        "peak_rss_mb": max([peak_rss_mb(), *peaks.values()]),  # the largest process's
    }


def _tables(view: Any) -> list[str]:
    """A view's tables, with the history tables of its versioned ones (point-in-time reads)."""
    return [*view.tables, *(versioned.history for versioned in getattr(view, "versioned", ()))]


def _count(view: Any, tables: list[str]) -> int:
    return sum(view.fetch_one(f"SELECT count(*) AS n FROM {table}")["n"] for table in tables)


# The raw side: bare psycopg, no application, no domain


def raw_import(args: dict[str, Any]) -> dict[str, Any]:
    """COPY the rows our import wrote (same bytes) into a table of the same shape and indexes,
    one transaction per batch of the same size. Reading the rows out is not timed."""
    at_rest = rss_mb()
    copied, seconds = 0, 0.0
    with psycopg.connect(args["url"]) as source, psycopg.connect(args["url"]) as target:
        create_raw_events_table(target, unlogged=False)
        log = args["events_table"]
        head = source.execute(f"SELECT coalesce(max(notification_id), 0) FROM {log}").fetchone()[0]  # type: ignore[index]
        source.commit()
        for low in range(0, head, args["batch_events"]):
            chunk = _copy_out(
                source,
                f"SELECT originator_id, originator_version, topic, state FROM {log}"
                f" WHERE notification_id > {low} AND notification_id <= {low + args['batch_events']}",
            )
            began = time.perf_counter()
            with (
                target.transaction(),
                target.cursor().copy(
                    f"COPY {RAW_EVENTS} (originator_id, originator_version, topic, state) FROM STDIN"
                ) as copy,
            ):
                copy.write(chunk)
            seconds += time.perf_counter() - began
            copied += chunk.count(b"\n")
        target.execute(f"DROP TABLE {RAW_EVENTS}")
        target.commit()
    return {"events": copied, "seconds": seconds, "rss_at_rest_mb": at_rest, "peak_rss_mb": peak_rss_mb()}


def raw_rebuild(args: dict[str, Any]) -> dict[str, Any]:
    """Read the whole log by keyset in batches of the projections' size, then COPY the same
    number of view rows (the rows our projections wrote: same sizes) into empty tables with the
    same columns and indexes. Fetching the view rows to copy is not timed."""
    at_rest = rss_mb()
    with psycopg.connect(args["url"]) as conn:
        began, last, read = time.perf_counter(), 0, 0
        with conn.cursor() as curs:
            while True:
                curs.execute(
                    f"SELECT notification_id, originator_id, originator_version, topic, state"
                    f" FROM {args['events_table']} WHERE notification_id > %s ORDER BY notification_id LIMIT %s",
                    (last, args["batch_size"]),
                    prepare=True,
                )
                rows = curs.fetchall()
                if not rows:
                    break
                read += len(rows)
                last = rows[-1][0]
        read_seconds = time.perf_counter() - began
        conn.commit()
        copy_seconds, copied = 0.0, 0
        for table in args["tables"]:
            seconds, count = _copy_table(conn, table)
            copy_seconds += seconds
            copied += count
    return {
        "events": read,
        "read_seconds": read_seconds,
        "copy_seconds": copy_seconds,
        "view_rows": copied,
        "seconds": read_seconds + copy_seconds,
        "rss_at_rest_mb": at_rest,
        "peak_rss_mb": peak_rss_mb(),
    }


def _copy_table(conn: psycopg.Connection[Any], table: str, chunk_rows: int = 20_000) -> tuple[float, int]:
    raw = f"bench_raw_{table}"
    primary = conn.execute(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
        " WHERE i.indrelid = %s::regclass AND i.indisprimary",
        (table,),
    ).fetchone()
    key = primary[0] if primary else "ctid"  # a history table has no key: walk it in physical order
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(raw)))
    conn.execute(sql.SQL("CREATE TABLE {} (LIKE {} INCLUDING ALL)").format(sql.Identifier(raw), sql.Identifier(table)))
    # Generated columns are computed by the server on the raw side too, as on ours: not copied.
    columns = [
        row[0]
        for row in conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped"
            " AND attgenerated = '' ORDER BY attnum",
            (table,),
        )
    ]
    listed = ", ".join(f'"{column}"' for column in columns)
    conn.commit()
    seconds, copied, last = 0.0, 0, None
    while True:
        where = "" if last is None else f" WHERE {key} > '{last}'{'::tid' if key == 'ctid' else ''}"
        query = f"SELECT {listed} FROM {table}{where} ORDER BY {key} LIMIT {chunk_rows}"
        chunk = _copy_out(conn, query)
        if not chunk:
            break
        keys = query.replace(f"SELECT {listed}", f"SELECT {key}", 1)
        last = conn.execute(f"SELECT {key} FROM ({keys}) AS chunk ORDER BY {key} DESC LIMIT 1").fetchone()[0]  # type: ignore[index]
        conn.commit()
        began = time.perf_counter()
        with (
            conn.transaction(),
            conn.cursor().copy(sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(raw), sql.SQL(listed))) as copy,
        ):
            copy.write(chunk)
        seconds += time.perf_counter() - began
        copied += chunk.count(b"\n")
    conn.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(raw)))
    conn.commit()
    return seconds, copied


def _copy_out(conn: psycopg.Connection[Any], query: str) -> bytes:
    """The rows of ``query`` in COPY text format (one row a line: text escapes newlines)."""
    chunk = bytearray()
    with conn.transaction(), conn.cursor().copy(f"COPY ({query}) TO STDOUT") as copy:
        for block in copy:
            chunk += block
    return bytes(chunk)


def create_raw_events_table(conn: psycopg.Connection[Any], unlogged: bool) -> None:
    """A table of the same shape, storage and indexes as the library's events table."""
    conn.execute(f"DROP TABLE IF EXISTS {RAW_EVENTS}")
    conn.execute(
        f"CREATE {'UNLOGGED ' if unlogged else ''}TABLE {RAW_EVENTS} ("
        " originator_id uuid NOT NULL, originator_version bigint NOT NULL, topic text, state bytea,"
        " notification_id bigserial, PRIMARY KEY (originator_id, originator_version))"
        " WITH (autovacuum_enabled = true, autovacuum_vacuum_threshold = 100000000,"
        " autovacuum_vacuum_scale_factor = 0.5, autovacuum_analyze_threshold = 1000,"
        " autovacuum_analyze_scale_factor = 0.01)"
    )
    conn.execute(f"CREATE UNIQUE INDEX {RAW_EVENTS}_notification_id_idx ON {RAW_EVENTS} (notification_id ASC)")
    conn.commit()


KINDS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "import": import_world,
    "rebuild": rebuild,
    "raw-import": raw_import,
    "raw-rebuild": raw_rebuild,
}


# The parent's side


@dataclass
class ChildRun:
    kind: str
    result: dict[str, Any]
    timeline: list[tuple[float, float]] = field(default_factory=list)
    profile: str = ""

    @property
    def peak_mb(self) -> float:
        return max(self.result["peak_rss_mb"], max((rss for _, rss in self.timeline), default=0.0))


def run_child(kind: str, args: dict[str, Any], log_dir: Path, timeout: float, profile: Path | None = None) -> ChildRun:
    """Run ``kind`` in a fresh Python process, sampling its RSS every 0.1 s, and (with
    ``profile``) its stacks with py-spy from when its timed work starts; bounded by ``timeout``."""
    from bench.profiling import Sampler

    log_dir.mkdir(parents=True, exist_ok=True)
    ready = log_dir / f"{kind}.ready"
    ready.unlink(missing_ok=True)
    sampler: Sampler | None = None
    with open(log_dir / f"{kind}.log", "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.child", kind, json.dumps({**args, "ready": str(ready)})],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            cwd=Path(__file__).parent.parent,
        )
        timeline: list[tuple[float, float]] = []
        began = time.monotonic()
        statm = Path(f"/proc/{process.pid}/statm")
        page = os.sysconf("SC_PAGE_SIZE")
        try:
            while process.poll() is None:
                elapsed = time.monotonic() - began
                if elapsed > timeout:
                    process.kill()
                    raise TimeoutError(f"bench child {kind} ran over {timeout:.0f} s")
                if profile is not None and sampler is None and ready.exists():
                    sampler = Sampler(process.pid, profile, timeout).__enter__()
                with contextlib.suppress(OSError, IndexError):
                    timeline.append((elapsed, int(statm.read_text().split()[1]) * page / 2**20))
                time.sleep(0.1)
        finally:
            if sampler is not None:
                sampler.__exit__(None, None, None)
        output = process.stdout.read() if process.stdout else ""
    if process.returncode != 0:
        raise RuntimeError(f"bench child {kind} failed (exit {process.returncode}); see {log_dir / (kind + '.log')}")
    line = next(line for line in output.splitlines() if line.startswith(RESULT_PREFIX))
    return ChildRun(kind, json.loads(line[len(RESULT_PREFIX) :]), timeline, sampler.summary() if sampler else "")


def _ready(args: dict[str, Any]) -> None:
    """Tell the parent the timed work starts now (it may start sampling)."""
    if args.get("ready"):
        Path(args["ready"]).touch()


def main() -> None:
    kind, args = sys.argv[1], json.loads(sys.argv[2])
    result = KINDS[kind](args)
    print(RESULT_PREFIX + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
