"""What every command group shares: the console, the runtime opened as the operator, a view brought
up to the head before the CLI reads it, and the one way to fail (``errors.fail``: exit status 2)."""

from __future__ import annotations

import getpass
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from eventsourcing.persistence import IntegrityError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from domain.actors import Actor
from kanalarkiv.adapters.logs import configure_logging
from kanalarkiv.application.context import acting_as
from kanalarkiv.cli.errors import err, fail
from kanalarkiv.config import Settings
from kanalarkiv.readside.runner import Projector
from kanalarkiv.runtime import Runtime

out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)
__all__ = ["caught_up", "err", "fail", "opened", "out"]


@contextmanager
def opened(run_projections: bool = False) -> Iterator[Runtime]:
    """The runtime, acting as the operator; what goes wrong is reported by ``ReportingGroup``."""
    settings = Settings.from_env()
    if run_projections:
        configure_logging(settings.log_level)
    runtime = Runtime.open(settings, run_projections=run_projections)
    try:
        with acting_as(Actor.operator(getpass.getuser())):
            yield runtime
    finally:
        runtime.close()


def caught_up(runtime: Runtime, name: str) -> None:
    """Bring one view up to the head of the log before reading it from the CLI."""
    projector = Projector(runtime.app, runtime.views.projection(name), runtime.settings.projection_batch_size)
    for _attempt in range(3):
        try:
            projector.catch_up()
            return
        except IntegrityError:
            continue  # a running service applied the same batch first; read on from its position


PLAIN_EVERY = 5.0  # seconds between progress lines when stderr is not a terminal


@contextmanager
def progress(label: str, total: int = 0, unit: str = "events") -> Iterator[Callable[..., None]]:
    """Progress of long work, on stderr (stdout stays the command's answer): on a terminal a bar
    with the rate and the time left; elsewhere (a log, CI) a plain line every few seconds and one
    at the end. Yields ``update(done, total=None)`` (a total learnt on the way may be given)."""
    if err.is_terminal:
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=err) as bar:
            task = bar.add_task(label, total=total, rate="")
            started = time.monotonic()

            def update_bar(done: int, new_total: int | None = None) -> None:
                rate = _rate(done, time.monotonic() - started, unit)
                bar.update(task, completed=done, total=new_total or total, rate=rate)

            yield update_bar
        return
    started = last = time.monotonic()
    reached = 0

    def update_line(done: int, new_total: int | None = None) -> None:
        nonlocal last, reached, total
        reached, total, now = done, new_total or total, time.monotonic()
        if now - last >= PLAIN_EVERY:
            last = now
            _line(label, done, total, now - started, unit)

    yield update_line
    _line(label, reached, total, time.monotonic() - started, unit)


def _rate(done: int, seconds: float, unit: str) -> str:
    return f"{done / seconds:,.0f} {unit}/s" if seconds > 0 and done else ""


def _line(label: str, done: int, total: int, seconds: float, unit: str) -> None:
    share = f" ({done / total:.0%})" if total else ""
    err.print(f"{label}: {done:,} of {total:,} {unit}{share}, {_rate(done, seconds, unit)}", highlight=False)
