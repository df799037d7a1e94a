"""``kanalarkiv capture webhooks failed|retry|dismiss|prune``: the operator's part of the webhook
inbox. The changes the worker could not capture are listed without their content (what the public
wrote is shown to the organisation's own staff, over the API); retried; dismissed with a reason
(recorded in the log); and the inbox pruned of captured and dismissed changes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import typer
from rich.table import Table

from kanalarkiv.cli.common import caught_up, fail, opened, out
from kanalarkiv.runtime import Runtime

webhooks_app = typer.Typer(help="The webhook inbox: failed changes retried or dismissed; pruning.",
                           no_args_is_help=True)  # fmt: skip
Org = Annotated[str | None, typer.Option("--org", help="Only this organisation's (its slug); else every one's.")]


def _change_id(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) < 2**63:
        raise fail(f"change id {value!r} is not a change's id (a whole number, as `failed` lists them)")
    return int(value)


def _org_id(runtime: Runtime, slug: str | None) -> UUID | None:
    return None if slug is None else runtime.app.organisation_by_slug(slug).id


@webhooks_app.command("failed")
def failed(org: Org = None) -> None:
    """The changes that could not be captured, oldest first: why, when, from where (not what they say)."""
    with opened() as runtime:
        rows = runtime.app.failed_webhook_changes(_org_id(runtime, org))
        caught_up(runtime, "organisations")
        slugs = {org_id: row["slug"] for org_id, row in runtime.views.organisations.all_by_id().items()}
    if not rows:
        out.print("no failed webhook changes")
        return
    table = Table("id", "organisation", "platform", "source", "received", "failed", "retries", "reason")
    for row in rows:
        table.add_row(str(row.id), slugs.get(row.org_id, str(row.org_id)), row.platform, str(row.source_id),
                      _when(row.received_at), _when(row.finished_at), str(row.retries), row.reason or "")  # fmt: skip
    out.print(table)


@webhooks_app.command("retry")
def retry(
    change: Annotated[str | None, typer.Argument(help="The change's id (from `failed`).")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every failed change (of --org, if given).")] = False,
    org: Org = None,
) -> None:
    """Make a failed change (or all) pending again: the worker captures it; what the record holds
    already is not recorded twice."""
    if (change is None) == (not all_) or (change is not None and org is not None):
        raise fail("name one change by its id, or give --all (with --org, if only one organisation's)")
    with opened() as runtime:
        app = runtime.app
        ids = (
            app.retry_webhook_change(_change_id(change)) if change else app.retry_webhook_changes(_org_id(runtime, org))
        )
    out.print(
        f"{len(ids)} change(s) pending again: {', '.join(map(str, ids))}" if ids else "no failed changes to retry"
    )


@webhooks_app.command("dismiss")
def dismiss(
    change: Annotated[str, typer.Argument(help="The change's id (from `failed`).")],
    reason: Annotated[str, typer.Option(help="Why it is not captured; kept in the log.")],
) -> None:
    """Dismiss a failed change: it is not captured; the decision is recorded on its source."""
    change_id = _change_id(change)
    with opened() as runtime:
        recorded = runtime.app.dismiss_webhook_change(change_id, reason)
    out.print(f"dismissed change {change_id}: recorded on source {recorded.id} at position {recorded.position}")


@webhooks_app.command("prune")
def prune(
    older_than_days: Annotated[
        int | None, typer.Option(help="Days captured and dismissed changes are kept (default: the setting).")
    ] = None,
    org: Org = None,
) -> None:
    """Delete captured and dismissed changes older than that (the worker does it hourly too)."""
    with opened() as runtime:
        days = older_than_days if older_than_days is not None else runtime.settings.webhook_keep_days
        pruned = runtime.app.prune_webhook_inbox(days, _org_id(runtime, org))
    out.print(f"pruned {pruned} captured or dismissed change(s) older than {days} days")


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value is not None else "—"
