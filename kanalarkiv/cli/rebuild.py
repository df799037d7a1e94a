"""``kanalarkiv projections rebuild``'s work: the projections caught up from zero, in this process
or in processes of their own (``kanalarkiv.readside.rebuild``), each of which opens the service
as the command does."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from kanalarkiv.config import Settings
from kanalarkiv.readside.rebuild import (
    Rebuilt,
    catch_up_together,
    rebuild_in_processes,
    report_done,
    report_failed,
    report_position,
    this_process,
)
from kanalarkiv.runtime import Runtime


def rebuild(
    runtime: Runtime, names: list[str], processes: int, report: Callable[[str, int], None] = lambda *_: None
) -> Rebuilt:
    """Catch ``names`` (already emptied) up from zero: in this process when there is one of them
    or one process to use, else in up to ``processes`` processes of their own."""
    batch_size = runtime.settings.projection_batch_size
    if processes > 1 and len(names) > 1:
        return rebuild_in_processes(runtime.database_url, names, processes, batch_size, report, rebuild_group)
    return this_process(catch_up_together(runtime.app, runtime.views, names, batch_size, report))


def rebuild_group(url: str, names: list[str], batch_size: int, messages: Any) -> None:
    """A rebuilding process: the service opened on ``url`` (no workers of its own), ``names`` caught up."""
    runtime = None
    try:
        settings = Settings.from_env({**os.environ, "DATABASE_URL": url})
        runtime = Runtime.open(settings, run_projections=False, run_poller=False, run_webhook_worker=False, url=url)
        report_done(
            messages, catch_up_together(runtime.app, runtime.views, names, batch_size, report_position(messages))
        )
    except Exception as error:  # noqa: BLE001 - the parent reports it and exits non-zero
        report_failed(messages, error)
    finally:
        if runtime is not None:
            runtime.close()
