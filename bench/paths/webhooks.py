"""Path 10: webhook deliveries, answer latency at 50 deliveries/s.

Ours: ``kanalarkiv serve`` (uvicorn, FastAPI, projections and the webhook worker running) on
127.0.0.1, receiving signed Meta deliveries (a new comment each, on a Page connected to a channel)
at ``POST /v1/webhooks/meta/{slug}``: the signature checked against the organisation's sealed app
secret, the change kept in the PostgreSQL inbox in its own transaction, then 200 — while the worker
captures the inbox into the record beside it (beside it also: a server of the API alone, with
``KANALARKIV_RUN_PROJECTIONS=false``, whose deliveries the first server's worker captures: the
deployment that keeps capture out of the answering process). Ceilings: a minimal ASGI app under the same uvicorn
(``bench/rawwebhook.py``) answering 200 after reading the body with no work, and after one INSERT of
the body by bare psycopg. The client paces its deliveries at the rate (open loop: a slow answer
does not slow the sending) from threads of the benchmark's own process, over keep-alive connections."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import orjson
import psycopg

from bench.harness import Bench
from bench.measure import Figure, Load, PathResult, Target
from bench.paths import BenchPath
from bench.paths.reads import REPO, _free_port, _wait_until_up
from domain.actors import Actor, Role
from domain.capture_source import CaptureSource
from domain.secret import Secret
from kanalarkiv.adapters.credentials import Credentials
from kanalarkiv.application.context import acting_as
from kanalarkiv.capture.live.webhooks import meta_signature

RATE = 50.0  # deliveries per second, as the issue sets it
TARGET_P99_MS = 50.0
CONNECTIONS = 4
SLUG, PAGE = "bench-webhooks", "104999000000001"
APP_SECRET = Secret("bench-invented-app-secret")
CHANNEL = {
    "platform": "facebook", "name": "Webhookprovets sida", "url": "https://www.facebook.com/webhookprovet",
    "owning_unit": "Kommunledningskontoret", "responsible": "Kommunchef", "purpose": "Information och dialog.",
}  # fmt: skip


def run(bench: Bench) -> PathResult:
    result = PathResult(
        10,
        "Webhook deliveries",
        measures=f"answer latency (p50, p99) of signed Meta deliveries at {RATE:.0f}/s, each kept durably in the "
        "PostgreSQL inbox before its 200, real uvicorn on 127.0.0.1, the worker capturing beside it in the same process "
        "(and, for comparison, a second server of the API alone, whose deliveries the first one's worker captures)",
        ceiling="a minimal ASGI app under the same uvicorn answering 200 after reading the body: with no work, and "
        "after one INSERT of it by bare psycopg",
    )
    seconds = 10.0 if bench.mode.name == "quick" else 60.0
    _connect_a_page(bench)
    with _serve(bench, "ours") as ours, _serve(bench, "api") as api, _serve(bench, "raw") as raw:
        ours_path = f"/v1/webhooks/meta/{SLUG}"
        _deliver(ours, ours_path, _post_delivery())  # the post the comments are on
        sides = {
            "ours": lambda: _paced(ours, ours_path, seconds, "ours"),
            "ours, capture in another process": lambda: _paced(api, ours_path, seconds, "api"),
            "raw (200, no work)": lambda: _paced(raw, "/raw", seconds, "raw"),
            "raw (200 after one INSERT)": lambda: _paced(raw, "/durable", seconds, "durable"),
        }
        runs: dict[str, list[Load]] = {name: [] for name in sides}
        for _ in range(bench.mode.reps):  # interleaved, so that a busy moment hits every side alike
            for name, side in sides.items():
                runs[name].append(side())
    loads = {name: min(done, key=lambda load: load.percentile_ms(0.99)) for name, done in runs.items()}
    every = {name: ", ".join(f"{load.percentile_ms(0.99):.1f}" for load in done) for name, done in runs.items()}
    table = [["server", "deliveries", "p50 ms", "p99 ms", "max ms", "failed", "every run's p99 ms"]]
    for name, load in loads.items():
        table.append([name, str(load.operations), f"{load.percentile_ms(0.5):.2f}", f"{load.percentile_ms(0.99):.2f}",
                      f"{max(load.latencies, default=0) * 1000:.2f}", str(load.errors), every[name]])  # fmt: skip
    ours_load, split, idle, durable = loads.values()
    for share, label in ((0.5, "p50"), (0.99, "p99")):
        result.figures.append(Figure(f"answer {label} vs raw (no work)", "ms", ours_load.percentile_ms(share),
                                     idle.percentile_ms(share), higher_is_better=False))  # fmt: skip
        result.figures.append(Figure(f"answer {label} vs raw (one INSERT)", "ms", ours_load.percentile_ms(share),
                                     durable.percentile_ms(share), higher_is_better=False))  # fmt: skip
    result.figures.append(Figure("answer p99, capture in another process, vs raw (one INSERT)", "ms",
                                 split.percentile_ms(0.99), durable.percentile_ms(0.99), higher_is_better=False))  # fmt: skip
    p99 = ours_load.percentile_ms(0.99)
    result.targets.append(Target(f"p99 ≤ {TARGET_P99_MS:.0f} ms at {RATE:.0f} deliveries/s", f"{p99:.1f} ms",
                                 p99 <= TARGET_P99_MS and not ours_load.errors))  # fmt: skip
    result.tables["Answer latency"] = table
    kept = _kept(bench)
    result.notes.append(
        f"Each run: {ours_load.operations} deliveries in {seconds:.0f} s, each a new comment; the best of "
        f"{bench.mode.reps} runs per side (lowest p99) counts. {kept['stored']} changes in our inbox after the runs "
        f"(every answered delivery was kept before its answer), {kept['processed']} captured "
        f"into the record by then, {kept['failed']} failed. Deliveries are paced at {RATE:.0f}/s over "
        f"{CONNECTIONS} keep-alive connections from threads of the benchmark's process, on the same two cores as "
        "the servers and PostgreSQL."
    )
    result.series["latency"] = {name: {"p50": load.percentile_ms(0.5), "p99": load.percentile_ms(0.99)}
                                for name, load in loads.items()}  # fmt: skip
    return result


def _connect_a_page(bench: Bench) -> None:
    """An organisation whose Page is connected as a live source, with its app secret sealed."""
    with bench.runtime() as runtime:
        with acting_as(Actor.operator("bench")):
            org_id = runtime.app.register_organisation(SLUG, "Webhookprovets kommun", "212999-0012").id
        manager = Actor("actor:bench-manager", "Bench Chef", Role.MANAGER, org_id)
        with acting_as(manager):
            channel = runtime.app.register_channel(org_id, **CHANNEL)
            runtime.app.activate_channel(channel.id)
        sealed = runtime.app.credentials.seal(org_id, Credentials(app_secret=APP_SECRET))
        source = CaptureSource.connect(
            uuid4(), org_id, channel.id, "facebook", "facebook_page", platform_id=PAGE, url=None,
            polling_interval=timedelta(minutes=15), credentials_id=sealed, by=manager, at=datetime.now(UTC),
        )  # fmt: skip
        runtime.app.save(source)


def _post_delivery() -> bytes:
    now = int(time.time()) - 60
    value = {"from": {"id": PAGE, "name": "Webhookprovets kommun"}, "item": "status", "verb": "add",
             "post_id": f"{PAGE}_1", "created_time": now, "message": "Välkomna till biblioteket."}  # fmt: skip
    return _entry(value, now)


def _comment_delivery(number: int) -> bytes:
    now = int(time.time()) - 1
    value = {"from": {"id": f"9{number:011d}", "name": "Provets Kommenterare"}, "item": "comment", "verb": "add",
             "post_id": f"{PAGE}_1", "parent_id": f"{PAGE}_1", "comment_id": f"1_{number}", "created_time": now,
             "message": f"Kommentar nummer {number}: när öppnar ni på lördag?"}  # fmt: skip
    return _entry(value, now)


def _entry(value: dict, at: int) -> bytes:
    return orjson.dumps({"object": "page", "entry": [{"id": PAGE, "time": at, "changes": [{"field": "feed",
                                                                                          "value": value}]}]})  # fmt: skip


def _deliver(port: int, path: str, body: bytes) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for _ in range(100):  # the server's capture-sources view may still be catching up with the source
        conn.request("POST", path, body, _headers(body))
        response = conn.getresponse()
        response.read()
        if response.status == 200:
            return
        time.sleep(0.1)
    raise RuntimeError(f"the first delivery was answered {response.status}")


def _headers(body: bytes) -> dict[str, str]:
    return {"Content-Type": "application/json", "X-Hub-Signature-256": meta_signature(body, APP_SECRET)}


_numbers = iter(range(1_000_000, 10_000_000))
_numbers_lock = threading.Lock()


def _paced(port: int, path: str, seconds: float, label: str) -> Load:
    """Deliveries sent at ``RATE`` for ``seconds``, each connection its share, latency per delivery."""
    total = int(RATE * seconds)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start = time.perf_counter() + 0.2

    def sender(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for step in range(index, total, CONNECTIONS):
            with _numbers_lock:
                body = _comment_delivery(next(_numbers))
            due = start + step / RATE
            if (wait := due - time.perf_counter()) > 0:
                time.sleep(wait)
            began = time.perf_counter()
            conn.request("POST", path, body, _headers(body))
            response = conn.getresponse()
            response.read()
            took = time.perf_counter() - began
            with lock:
                latencies.append(took)
                errors[0] += response.status != 200

    threads = [threading.Thread(target=sender, args=(i,), name=f"webhook-{label}-{i}") for i in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Load(CONNECTIONS, len(latencies), time.perf_counter() - start, latencies, errors[0])


def _kept(bench: Bench) -> dict[str, int]:
    with psycopg.connect(bench.url) as conn:
        rows = dict(conn.execute("SELECT state, count(*) FROM webhook_inbox GROUP BY state").fetchall())
    return {"stored": sum(rows.values()), "processed": rows.get("processed", 0), "failed": rows.get("failed", 0)}


@contextmanager
def _serve(bench: Bench, which: str) -> Iterator[int]:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": bench.url, "KANALARKIV_POOL_SIZE": str(bench.mode.pool_size),
           "BENCH_DATABASE_URL": bench.url, "BENCH_POOL_SIZE": str(bench.mode.pool_size)}  # fmt: skip
    if which == "api":  # the HTTP API alone: the other server's worker and projections do the rest
        env["KANALARKIV_RUN_PROJECTIONS"] = "false"
    if which in ("ours", "api"):
        command = [sys.executable, "-c", "import sys; from kanalarkiv.cli.main import main; "
                   f"sys.argv = ['kanalarkiv', 'serve', '--host', '127.0.0.1', '--port', '{port}']; main()"]  # fmt: skip
    else:
        command = [sys.executable, "-m", "uvicorn", "bench.rawwebhook:app", "--host", "127.0.0.1", "--port",
                   str(port), "--no-access-log", "--log-level", "warning"]  # fmt: skip
    log_dir = bench.out / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    with open(log_dir / f"serve-webhooks-{which}.log", "w") as log:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=log)
        try:
            _wait_until_up(port, process)  # the raw app answers 200 on every path, /healthz too
            yield port
        finally:
            process.terminate()
            process.wait(15)


PATH = BenchPath(10, "Webhook deliveries", run)
