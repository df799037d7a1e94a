"""What every command group shares: the console, the runtime opened as the operator, a view brought
up to the head before the CLI reads it, and the one way to fail (``errors.fail``: exit status 2)."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from eventsourcing.persistence import IntegrityError
from rich.console import Console

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
