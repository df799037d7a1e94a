"""Path 4: public reads over HTTP, p50/p99 latency and requests/s at 1 and 16 clients.

Ours: ``kanalarkiv serve`` (uvicorn, FastAPI, the service's pool and its JSON request log) on
127.0.0.1, reading the register, one channel, a channel's newest posts and a search of the public
diary: ``GET /v1/organisations/{slug}/channels``, ``GET /v1/channels/{id}``,
``GET /v1/channels/{id}/posts`` and ``GET /v1/organisations/{slug}/diary?q=…``.
Ceiling: the same queries through bare psycopg in a minimal ASGI app (``bench/rawapp.py``) under
the same uvicorn, answering the same JSON. Both are driven by the same keep-alive client threads,
each bounded in requests and time, over the same seeded sample of organisations and channels."""

from __future__ import annotations

import http.client
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote_plus

import psycopg

from bench.harness import Bench
from bench.measure import Figure, Load, PathResult, Target, best_of, run_clients, spread
from bench.paths import BenchPath
from bench.profiling import Sampler

TARGET_P99_MS = 20.0
TARGET_SHARE_OF_RAW = 0.7
"""Issue 15: our p99 within the raw ASGI app's (ceiling ÷ ours ≥ 0.7), on each of the four reads."""
SEARCHES = (
    "kommentar",
    "beslut",
    "inlägg",
    "facebook",
    "instagram",
    "synpunkt",
    "andersson",
    "karlsson",
    "kommentar facebook",
    "ta bort",
    "skräppost",
)
CLIENTS = (1, 16)
REPO = Path(__file__).resolve().parent.parent.parent


def run(bench: Bench) -> PathResult:
    result = PathResult(
        4,
        "Public reads over HTTP",
        measures="latency (p50, p99) and requests/s of the public register, one channel, a channel's newest "
        "posts and a search of the public diary, real uvicorn on 127.0.0.1, 1 and 16 keep-alive clients",
        ceiling="the same SQL through bare psycopg (async pool of the same size) in a minimal ASGI app under the "
        "same uvicorn, same JSON",
    )
    endpoints = _targets(bench)
    table = [
        [
            "endpoint",
            "clients",
            "ours p50 ms",
            "ours p99 ms",
            "raw p50 ms",
            "raw p99 ms",
            "ours req/s",
            "raw req/s",
            "ratio (req/s)",
            "bytes ours / raw",
            "every run, req/s: ours; raw",
        ]
    ]
    latency: dict[str, dict[str, float]] = {}
    missed: list[tuple[float, str, list[str], int]] = []
    with _server(bench, "ours") as ours_port, _server(bench, "raw") as raw_port:
        for endpoint, paths in endpoints.items():
            sizes = (_body_size(ours_port, paths[0]), _body_size(raw_port, paths[0]))
            for clients in CLIENTS:
                best = best_of(
                    bench.mode.reps,
                    {
                        "ours": lambda: _load(bench, ours_port, paths, clients),
                        "raw": lambda: _load(bench, raw_port, paths, clients),
                    },
                )
                (ours, ours_rates), (raw, raw_rates) = best["ours"], best["raw"]
                name = f"{endpoint}, {clients} client{'s' if clients > 1 else ''}"
                result.figures.append(
                    Figure(
                        f"{name}: p99", "ms", ours.percentile_ms(0.99), raw.percentile_ms(0.99), higher_is_better=False
                    )
                )
                result.figures.append(Figure(f"{name}: requests/s", "req/s", ours.per_second, raw.per_second))
                table.append(
                    [
                        endpoint,
                        str(clients),
                        f"{ours.percentile_ms(0.5):.2f}",
                        f"{ours.percentile_ms(0.99):.2f}",
                        f"{raw.percentile_ms(0.5):.2f}",
                        f"{raw.percentile_ms(0.99):.2f}",
                        f"{ours.per_second:,.0f}",
                        f"{raw.per_second:,.0f}",
                        f"{ours.per_second / raw.per_second:.2f}",
                        f"{sizes[0]:,} / {sizes[1]:,}",
                        f"{spread(ours_rates)}; {spread(raw_rates)}",
                    ]
                )
                latency[name] = {
                    "ours p50": ours.percentile_ms(0.5),
                    "ours p99": ours.percentile_ms(0.99),
                    "raw p50": raw.percentile_ms(0.5),
                    "raw p99": raw.percentile_ms(0.99),
                }
                if clients == CLIENTS[-1]:
                    p99 = ours.percentile_ms(0.99)
                    share = raw.percentile_ms(0.99) / p99
                    result.targets += [
                        Target(f"p99 ≤ {TARGET_P99_MS:.0f} ms at {clients} clients ({endpoint})", f"{p99:.1f} ms",
                               p99 <= TARGET_P99_MS),
                        Target(f"p99 ≥ {TARGET_SHARE_OF_RAW} of the raw app's (raw ÷ ours), {clients} clients ({endpoint})",
                               f"{share:.2f}", share >= TARGET_SHARE_OF_RAW),
                    ]  # fmt: skip
                    if p99 > TARGET_P99_MS or share < TARGET_SHARE_OF_RAW:
                        missed.append((p99, endpoint, paths, clients))
                if ours.errors or raw.errors:
                    result.notes.append(f"{name}: failed requests (ours, raw) = ({ours.errors}, {raw.errors}).")
        # Every endpoint that missed in full mode; in quick mode the worst one, to stay within its two minutes.
        for _, endpoint, paths, clients in sorted(missed, reverse=True)[: None if bench.mode.name == "full" else 1]:
            result.profiles[f"our server under {clients} clients, {endpoint}"] = _profile(
                bench, ours_port, paths, clients, endpoint
            )
    result.tables["Latency and throughput"] = table
    result.series["latency"] = latency
    result.notes.append(
        f"Requests go round seeded samples: {len(endpoints['register'])} registers (organisations weighted by their "
        f"number of channels, so big registers are read more often), {len(endpoints['channel'])} public channels, "
        f"{len(endpoints['posts'])} channels' first page of posts (50, newest first; channels weighted by their "
        f"posts) and {len(endpoints['diary search'])} diary searches (a word from the public descriptions or a "
        "common surname, in organisations weighted by their entries; first page of 50 with the total). "
        "The client threads run in the benchmark's own process on the same two cores as the server and PostgreSQL, "
        "for both servers alike."
    )
    if not all(target.met for target in result.targets):
        result.notes.append(
            "Why the target is missed: with 16 clients the requests queue in one uvicorn process whose Python work "
            "shares one GIL (and two cores with the client threads and PostgreSQL), so p99 is mostly the queue, and "
            "the queue is as long as each request's Python work; the raw app's own p99 at 16 clients shows how much "
            "of it the machine alone makes. Ours does more per request than the ceiling: FastAPI solves the route's "
            "dependencies and validates its parameters, the synchronous route (a project rule) runs in the thread "
            "pool (one hop each way: Condition.notify and run_sync_in_worker_thread in the profiles), Starlette's "
            "routing and middleware stack and our request log (one JSON line per request) run for every request. "
            "The rows themselves are serialised once with orjson, as the raw app does."
        )
    return result


def _profile(bench: Bench, port: int, paths: list[str], clients: int, endpoint: str) -> str:
    """One more run of our server under load, sampled by py-spy (not one of the timed runs)."""
    sampler = Sampler(_servers[port], bench.out / "profiles" / f"serve-{endpoint}.txt", bench.mode.seconds + 5)
    with sampler:
        time.sleep(0.3)  # py-spy attaches
        _load(bench, port, paths, clients)
    return sampler.summary()


def _targets(bench: Bench) -> dict[str, list[str]]:
    rng = random.Random(bench.seed)
    with psycopg.connect(bench.url) as conn:
        organisations = conn.execute(
            "SELECT o.slug, count(c.id) FROM channel_register_orgs o JOIN channel_register c ON c.org_id = o.org_id"
            " WHERE c.status IN ('active', 'paused') AND o.slug NOT LIKE 'bench-%'"  # the generated world's
            " GROUP BY o.slug ORDER BY o.slug"  # (paths 1 and 6 register thousands of channels in organisations of their own)
        ).fetchall()
        channels = [
            str(row[0])
            for row in conn.execute(
                "SELECT id FROM channel_register WHERE status IN ('active', 'paused', 'closed') ORDER BY id"
            )
        ]
        with_posts = conn.execute("SELECT channel_id, count(*) FROM content_posts GROUP BY 1 ORDER BY 1").fetchall()
        diaries = conn.execute(
            "SELECT o.slug, count(*) FROM diary_entries e JOIN channel_register_orgs o"
            " ON o.org_id = e.org_id GROUP BY o.slug ORDER BY o.slug"
        ).fetchall()
    slugs = rng.choices([slug for slug, _ in organisations], [n for _, n in organisations], k=500)
    posted = rng.choices([str(channel) for channel, _ in with_posts], [n for _, n in with_posts], k=500)
    searched = rng.choices([slug for slug, _ in diaries], [n for _, n in diaries], k=500)
    return {
        "register": [f"/v1/organisations/{slug}/channels" for slug in slugs],
        "channel": [f"/v1/channels/{channel}" for channel in rng.sample(channels, min(500, len(channels)))],
        "posts": [f"/v1/channels/{channel}/posts" for channel in posted],
        "diary search": [f"/v1/organisations/{slug}/diary?q={quote_plus(rng.choice(SEARCHES))}" for slug in searched],
    }


def _load(bench: Bench, port: int, paths: list[str], clients: int) -> Load:
    def make(client: int) -> Callable[[int], None]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        offset = client * 37

        def get(step: int) -> None:
            conn.request("GET", paths[(offset + step) % len(paths)])
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}")

        return get

    return run_clients(clients, make, bench.mode.max_operations, bench.mode.seconds, warmup=20)


def _body_size(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    size = len(conn.getresponse().read())
    conn.close()
    return size


@contextmanager
def _server(bench: Bench, which: str) -> Iterator[int]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": bench.url,
        "KANALARKIV_POOL_SIZE": str(bench.mode.pool_size),
        "BENCH_DATABASE_URL": bench.url,
        "BENCH_POOL_SIZE": str(bench.mode.pool_size),
    }
    if which == "ours":
        command = [
            sys.executable,
            "-c",
            "import sys; from kanalarkiv.cli.main import main; "
            f"sys.argv = ['kanalarkiv', 'serve', '--host', '127.0.0.1', '--port', '{port}']; main()",
        ]
    else:
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.rawapp:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
        ]
    log_dir = bench.out / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    with open(log_dir / f"serve-{which}.log", "w") as log:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=log)
        try:
            _wait_until_up(port, process)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_until_up(port: int, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the server on port {port} exited with {process.returncode}; see bench/out/<database>/logs"
            )
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                _servers[port] = process.pid
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"the server on port {port} did not answer /healthz within {timeout:.0f} s")


_servers: dict[int, int] = {}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


PATH = BenchPath(4, "Public reads over HTTP", run)
