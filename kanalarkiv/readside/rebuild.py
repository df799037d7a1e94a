"""Rebuilding projections from position zero, the work spread over processes.

An operator's rebuild of every projection (``kanalarkiv projections rebuild``, services stopped)
is Python's work: each event decoded once and applied to fourteen projections, all under one GIL
when they run in one process. Here the projections are split into groups of about equal cost,
one process each (as many as there are cores), and each group follows the log with one shared
reader, as the service's workers do. Each projection still writes a batch's rows and its tracking
position in one transaction, so a rebuild that stops half-way is resumed by the service's workers
or run again, like any catch-up."""

from __future__ import annotations

import multiprocessing
import os
import queue
import resource
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError

from kanalarkiv.adapters.availability import DATABASE_ERRORS
from kanalarkiv.readside.log_reader import LogReader
from kanalarkiv.readside.runner import Projector
from kanalarkiv.readside.views import Views

COST = {
    "channel_content": 150,
    "supervision": 138,
    "audit_trail": 108,
    "oversight": 64,
    "retention": 58,
    "capture_runs": 56,
    "diary": 40,
    "organisations": 37,
    "editor_assignments": 30,
    "channel_register": 27,
    "snapshots": 27,
    "capture_sources": 22,
    "access_tokens": 20,
    "public_requests": 19,
}
"""µs per event each projection took alone in bench path 3 (quick world, 2026-12-03): only their
proportions matter, to balance the groups. A projection not named here counts as 40."""


RETRIES = 5
"""Attempts at a projection's catch-up when the database, not an event, stops it."""


class RebuildFailed(Exception):
    """A projection could not be rebuilt; the others in its process went on to the head."""


def groups(names: list[str], processes: int) -> list[list[str]]:
    """``names`` in at most ``processes`` groups of about equal cost (the costliest placed first,
    each into the cheapest group so far), each group in the order ``names`` gives."""
    count = max(1, min(processes, len(names)))
    loads = [0] * count
    members: list[list[str]] = [[] for _ in range(count)]
    for name in sorted(names, key=lambda n: -COST.get(n, 40)):
        cheapest = loads.index(min(loads))
        loads[cheapest] += COST.get(name, 40)
        members[cheapest].append(name)
    order = {name: index for index, name in enumerate(names)}
    return [sorted(group, key=order.__getitem__) for group in members if group]


@dataclass
class Rebuilt:
    events: dict[str, int] = field(default_factory=dict)
    """Events read per projection."""
    peak_rss_mb: dict[int, float] = field(default_factory=dict)
    """The peak resident memory of each process that rebuilt a group (by process id)."""


def catch_up_together(
    app: Application[Any], views: Views, names: list[str], batch_size: int, report: Callable[[str, int], None]
) -> dict[str, int]:
    """Bring ``names`` up to the head of the log in this process, one thread each, one shared
    reader; ``report(name, position)`` after each batch. Returns the events each read."""
    reader = LogReader(app)
    read: dict[str, int] = {}
    failures: dict[str, BaseException] = {}

    def follow(name: str) -> None:
        projector = Projector(app, views.projection(name), batch_size, reader)
        for attempt in range(1, RETRIES + 1):
            try:
                read[name] = read.get(name, 0) + projector.catch_up(on_batch=lambda position: report(name, position))
                return
            except (*DATABASE_ERRORS, IntegrityError) as error:
                # The database's trouble, not the events' (a deadlock with another process's batch,
                # a lost connection): the batch rolled back; resume from the stored position, as the
                # service's workers do.
                if attempt == RETRIES:
                    failures[name] = error
                    return
                time.sleep(0.1 * attempt)
            except Exception as error:  # noqa: BLE001 - reported below, with the projection's name
                failures[name] = error
                return

    threads = [threading.Thread(target=follow, args=(name,), name=f"rebuild-{name}") for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RebuildFailed("; ".join(f"{name}: {type(e).__name__}: {e}" for name, e in failures.items()))
    return read


GroupRebuild = Callable[[str, list[str], int, Any], None]
"""A rebuilding process's work: ``(url, names, batch_size, messages)``, a module's function (it is
pickled for the new process); it tells the parent through ``report_position``, ``report_done``
and ``report_failed``."""


def rebuild_in_processes(
    url: str,
    names: list[str],
    processes: int,
    batch_size: int,
    report: Callable[[str, int], None],
    group_rebuild: GroupRebuild,
) -> Rebuilt:
    """Catch ``names`` (already emptied) up from zero in up to ``processes`` processes of their own."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no pool or thread of ours copied
    messages = context.Queue()
    workers = [
        context.Process(target=group_rebuild, args=(url, group, batch_size, messages), name=f"rebuild-{index}")
        for index, group in enumerate(groups(names, processes))
    ]
    for worker in workers:
        worker.start()
    rebuilt, failures, finished = Rebuilt(), [], 0
    while finished < len(workers):
        try:
            kind, pid, payload = messages.get(timeout=1.0)
        except queue.Empty:
            if any(not w.is_alive() and w.exitcode for w in workers):  # died without a word (killed)
                failures.append(f"a rebuilding process exited with {[w.exitcode for w in workers]}")
                break
            continue
        if kind == "position":
            report(*payload)
        elif kind == "done":
            rebuilt.events.update(payload["events"])
            rebuilt.peak_rss_mb[pid] = payload["peak_rss_mb"]
            finished += 1
        else:
            failures.append(payload)
            finished += 1
    for worker in workers:
        worker.join(timeout=30)
    if failures:
        raise RebuildFailed("; ".join(failures))
    return rebuilt


def report_done(messages: Any, events: dict[str, int]) -> None:
    """In a rebuilding process: its group reached the head, having read ``events``."""
    messages.put(("done", os.getpid(), {"events": events, "peak_rss_mb": _peak_rss_mb()}))


def report_failed(messages: Any, error: Exception) -> None:
    messages.put(("failed", os.getpid(), f"{type(error).__name__}: {error}"))


def report_position(messages: Any) -> Callable[[str, int], None]:
    return lambda name, position: messages.put(("position", os.getpid(), (name, position)))


def this_process(events: dict[str, int]) -> Rebuilt:
    return Rebuilt(events, {os.getpid(): _peak_rss_mb()})


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
