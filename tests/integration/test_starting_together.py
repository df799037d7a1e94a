"""Processes of one installation that start at the same moment on a new database (the service and
its worker under docker-compose, the processes of a rebuild) each find the tables made: none of
them fails on another's half-made schema or deadlocks with it."""

from __future__ import annotations

import multiprocessing
import os

from kanalarkiv.config import Settings
from kanalarkiv.runtime import Runtime

STARTING = 4


def _open_and_close(url: str, data_dir: str, ready: object, go: object, outcomes: object) -> None:
    settings = Settings.from_env({"KANALARKIV_DATA_DIR": data_dir, "KANALARKIV_POOL_SIZE": "2"})
    ready.release()  # type: ignore[attr-defined]
    go.wait()  # type: ignore[attr-defined]
    try:
        Runtime.open(settings, run_projections=False, run_poller=False, run_webhook_worker=False, url=url).close()
        outcomes.put("opened")  # type: ignore[attr-defined]
    except Exception as error:  # noqa: BLE001 - the test reports what each process met
        outcomes.put(f"{type(error).__name__}: {error}")  # type: ignore[attr-defined]


def test_processes_starting_together_on_a_new_database_all_open_it(database_url, settings):
    context = multiprocessing.get_context("spawn")
    ready, go, outcomes = context.Semaphore(0), context.Event(), context.Queue()
    processes = [
        context.Process(target=_open_and_close, args=(database_url, str(settings.data_dir), ready, go, outcomes))
        for _ in range(STARTING)
    ]
    for process in processes:
        process.start()
    for _ in processes:
        assert ready.acquire(timeout=60)
    go.set()  # all at once, on a database with no tables yet
    met = [outcomes.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(30)

    assert met == ["opened"] * STARTING, os.linesep.join(met)
