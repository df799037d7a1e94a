"""``kanalarkiv capture import``: a platform's export imported into a channel's record as a
capture run, with a progress bar (items read, stored, per second) and a summary of the counts.
The operator acts as the channel's organisation's capture client, in their own name."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from domain.actors import Actor, Role
from kanalarkiv.application.capture_import import ImportOutcome
from kanalarkiv.application.context import acting_as
from kanalarkiv.capture.registry import formats
from kanalarkiv.cli.capture_sources import run_source, sources_app
from kanalarkiv.cli.capture_webhooks import webhooks_app
from kanalarkiv.cli.common import caught_up, err, fail, opened, out

capture_app = typer.Typer(
    help="Capture: platform exports imported, live sources polled, the webhook inbox.", no_args_is_help=True
)
capture_app.add_typer(sources_app, name="sources")
capture_app.add_typer(webhooks_app, name="webhooks")
capture_app.command("run")(run_source)


@capture_app.command("import")
def import_export(
    path: Annotated[Path, typer.Argument(help="The export: a file, a directory or a zip archive.")],
    channel: Annotated[str, typer.Option(help="The channel's id.")],
    format: Annotated[str, typer.Option(help=f"One of: {', '.join(formats())}.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report what would change; record nothing.")] = False,
) -> None:
    """Import an export: the whole file is checked first (a bad one: error naming the file and the
    item, exit 2, only the failed run recorded), then recorded as one capture run."""
    try:
        channel_id = UUID(channel)
    except ValueError:
        raise fail(f"channel id {channel!r} is not a UUID") from None
    with opened() as runtime:
        caught_up(runtime, "capture_runs")
        org_id = runtime.app.get_channel(channel_id).org_id
        login = getpass.getuser()
        with acting_as(Actor(f"operator:{login}", login, Role.CAPTURE_CLIENT, org_id)), ProgressBar() as bar:
            outcome = runtime.app.import_capture(channel_id, path, format, dry_run, progress=bar.update)
    summary(outcome, path)


class ProgressBar:
    """Two phases, one bar each: checking the whole file, then recording it."""

    def __init__(self) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("items · {task.fields[stored]} stored · {task.fields[rate]:,.0f}/s"),
            TimeElapsedColumn(),
            console=err,
        )
        self.task: TaskID | None = None
        self.phase = ""

    def __enter__(self) -> ProgressBar:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def update(self, phase: str, read: int, stored: int) -> None:
        if self.task is None or phase != self.phase:
            self.task = self.progress.add_task(f"{phase:<9}", total=None, stored=0, rate=0.0)
            self.phase = phase
        task = self.progress.tasks[self.task]
        elapsed = task.elapsed or 0.0
        self.progress.update(self.task, completed=read, stored=stored, rate=read / elapsed if elapsed else 0.0)


def summary(outcome: ImportOutcome, path: Path) -> None:
    table = Table("", "items", title=f"{'dry run of' if outcome.dry_run else 'capture run of'} {path.name}")
    for name, value in vars(outcome.counts).items():
        table.add_row(name.replace("_", " "), f"{value:,}")
    out.print(table)
    if outcome.dry_run:
        out.print("dry run: nothing was recorded")
    else:
        out.print(f"recorded capture run {outcome.run_id} at position {outcome.position}")
