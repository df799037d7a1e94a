"""``kanalarkiv capture sources list|add|test|disconnect`` and ``kanalarkiv capture run --source
ID``: the live sources at the server. A token is never an argument (it would stay in the shell's
history and in the process list): it is read from the environment variable ``--token-env`` names,
or asked for without echo."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Annotated
from uuid import UUID

import typer
from rich.table import Table

from domain.capture_source import SourceKind
from domain.secret import Secret
from kanalarkiv.adapters.credentials import Credentials
from kanalarkiv.application.capture_polls import PollOutcome
from kanalarkiv.cli.common import caught_up, fail, opened, out, progress

sources_app = typer.Typer(help="Live sources: platform accounts and feeds polled for a channel.", no_args_is_help=True)
KINDS = ", ".join(k.value for k in SourceKind)


def _uuid(value: str, what: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise fail(f"{what} {value!r} is not a UUID") from None


@sources_app.command("list")
def list_sources(
    state: Annotated[str | None, typer.Option(help="Only those in this state: new, ok, failing, disconnected.")] = None,
) -> None:
    """Every organisation's sources: state, last run, last good capture, next poll, why failing."""
    if state not in (None, "new", "ok", "failing", "disconnected"):
        raise fail(f"state {state!r} is not one of new, ok, failing, disconnected")
    with opened() as runtime:
        caught_up(runtime, "capture_sources")
        rows = runtime.views.capture_sources.listing(None, state)
    table = Table("source", "channel", "kind", "account", "state", "last run", "last success", "next poll", "why")
    for row in rows:
        why = row["suspended_reason"] or (row["last_run_error"] or "")[:60]
        table.add_row(
            str(row["source_id"]), str(row["channel_id"]), row["kind"], row["platform_id"] or row["url"],
            row["state"], _when(row["last_run_at"]), _when(row["last_success_at"]), _when(row["next_poll_at"]), why,
        )  # fmt: skip
    out.print(table)


@sources_app.command("add")
def add_source(
    channel: Annotated[str, typer.Option(help="The channel's id.")],
    kind: Annotated[str, typer.Option(help=f"One of: {KINDS}.")],
    platform_id: Annotated[str | None, typer.Option(help="The account's id on the platform.")] = None,
    url: Annotated[str | None, typer.Option(help="A feed's address.")] = None,
    interval: Annotated[int, typer.Option(help="Minutes between polls (5 to 1440).")] = 15,
    token_env: Annotated[
        str | None, typer.Option(help="The environment variable holding the access token (else it is asked for).")
    ] = None,
    refresh_token_env: Annotated[
        str | None, typer.Option(help="YouTube, LinkedIn: the variable holding the refresh token that renews it.")
    ] = None,
    client_id: Annotated[
        str | None, typer.Option(help="YouTube, LinkedIn: the OAuth client the refresh token is of.")
    ] = None,
    client_secret_env: Annotated[
        str | None, typer.Option(help="YouTube, LinkedIn: the variable holding its secret.")
    ] = None,
) -> None:
    """Connect a channel to a live source; the token is sealed outside the log."""
    channel_id = _uuid(channel, "channel id")
    credentials = None
    if kind != "feed":
        credentials = Credentials(
            access_token=Secret(_token(token_env)),
            refresh_token=Secret(_token(refresh_token_env)) if refresh_token_env else None,
            client_id=Secret(client_id) if client_id else None,
            app_secret=Secret(_token(client_secret_env)) if client_secret_env else None,
        )
    with opened() as runtime:
        recorded = runtime.app.connect_capture_source(
            channel_id, kind, platform_id=platform_id, url=url, polling_interval=timedelta(minutes=interval),
            credentials=credentials,
        )  # fmt: skip
    out.print(f"connected source {recorded.id} at position {recorded.position}")


@sources_app.command("test")
def try_source(source: Annotated[str, typer.Argument(help="The source's id.")]) -> None:
    """A dry fetch of the last day: whether the token and the account work (exit 1 if not)."""
    with opened() as runtime:
        tried = runtime.app.try_capture_source(_uuid(source, "source id"))
    if isinstance(tried, int):
        out.print(f"ok: the platform answered ({tried} responses); nothing was recorded")
        return
    raise fail(f"the source does not work: {tried.reason.value}: {tried.detail}", code=1)


@sources_app.command("disconnect")
def disconnect_source(
    source: Annotated[str, typer.Argument(help="The source's id.")],
    reason: Annotated[str, typer.Option(help="Why; kept in the log.")],
) -> None:
    """Poll it no more; destroy its credentials. What it captured stays the channel's record."""
    with opened() as runtime:
        recorded = runtime.app.disconnect_capture_source(_uuid(source, "source id"), reason)
    out.print(f"disconnected source {recorded.id} at position {recorded.position}; its credentials destroyed")


def run_source(source: Annotated[str, typer.Option(help="The live source's id.")]) -> None:
    """Poll a live source now: one capture run, with a progress bar."""
    source_id = _uuid(source, "source id")
    with opened() as runtime:
        caught_up(runtime, "capture_runs")
        with progress("polling", unit="items") as update:
            outcome = runtime.app.poll_capture_source(
                source_id, progress=lambda _phase, read, _stored: update(read, read)
            )
    summary(outcome)


def summary(outcome: PollOutcome) -> None:
    if outcome.counts is not None:
        table = Table("", "items", title=f"capture run {outcome.run_id}")
        for name, value in vars(outcome.counts).items():
            table.add_row(name.replace("_", " "), f"{value:,}")
        out.print(table)
    if outcome.outcome == "completed":
        out.print(f"recorded capture run {outcome.run_id} at position {outcome.position}")
    elif outcome.outcome == "not_modified":
        out.print("the feed is unchanged since the last poll: nothing to read, no run recorded")
    else:
        stopped = "; polling stopped until it gets new credentials" if outcome.outcome == "suspended" else ""
        raise fail(f"the poll failed: {outcome.reason}: {outcome.detail} (failed run {outcome.run_id}){stopped}", 1)
    out.print(f"next poll due {_when(outcome.next_poll_at)}")


def _token(variable: str | None) -> str:
    if variable is not None:
        value = os.environ.get(variable, "")
        if not value.strip():
            raise fail(f"the environment variable {variable} holds no token")
        return value
    value = str(typer.prompt("access token", hide_input=True, err=True))
    if not value.strip():
        raise fail("no token given")
    return value


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value is not None else "—"
