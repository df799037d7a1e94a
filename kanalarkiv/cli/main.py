"""The ``kanalarkiv`` command: run the service, register organisations, issue tokens, run and
rebuild projections. Operators run it on the server; what it records carries the operator's login."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from typing import Annotated
from uuid import UUID

import typer
import uvicorn
from rich.table import Table

from api.main import create_app
from domain.actors import TOKEN_ROLES
from kanalarkiv.adapters.database import stop_embedded_server
from kanalarkiv.adapters.logs import configure_logging
from kanalarkiv.cli.archival import archive_package
from kanalarkiv.cli.capture import capture_app
from kanalarkiv.cli.common import caught_up, err, fail, opened, out, progress
from kanalarkiv.cli.errors import ReportingGroup
from kanalarkiv.cli.rebuild import rebuild
from kanalarkiv.cli.replay import replay
from kanalarkiv.cli.retention import retention_app
from kanalarkiv.cli.transparency import transparency_app
from kanalarkiv.config import Settings
from kanalarkiv.readside.rebuild import RebuildFailed

app = typer.Typer(
    cls=ReportingGroup,  # every error: "error: …", exit status 2
    help="Kanalarkiv: records management for a public body's social media.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
org_app = typer.Typer(help="Organisations (kommuner, regioner).", no_args_is_help=True)
token_app = typer.Typer(help="Bearer tokens for the API.", no_args_is_help=True)
projections_app = typer.Typer(help="The projections (read models).", no_args_is_help=True)
db_app = typer.Typer(help="The database.", no_args_is_help=True)
app.add_typer(org_app, name="org")
app.add_typer(token_app, name="token")
app.add_typer(projections_app, name="projections")
app.add_typer(db_app, name="db")
app.add_typer(transparency_app)  # verify, export, verify-export, heads, proof


@app.command()
def serve(
    port: Annotated[int, typer.Option(envvar="PORT", help="Port to listen on.")] = 8000,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
) -> None:
    """Run the HTTP API and the projections (one process)."""
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    uvicorn.run(create_app(settings), host=host, port=port, log_config=None, access_log=False)


@org_app.command("create")
def org_create(
    slug: Annotated[str, typer.Option(help="Short name used in addresses, e.g. valdemarsvik.")],
    name: Annotated[str, typer.Option(help='Full name, e.g. "Valdemarsviks kommun".')],
    number: Annotated[str, typer.Option(help="Organisationsnummer, e.g. 212000-0522.")],
) -> None:
    """Register an organisation."""
    with opened() as runtime:
        recorded = runtime.app.register_organisation(slug, name, number)
        out.print(f"registered organisation {slug} (id {recorded.id}) at position {recorded.position}")


@org_app.command("list")
def org_list() -> None:
    """List the organisations."""
    with opened() as runtime:
        caught_up(runtime, "organisations")
        table = Table("slug", "name", "number", "id")
        for row in runtime.views.organisations.all():
            table.add_row(row["slug"], row["name"], row["number"], str(row["org_id"]))
        out.print(table)


@token_app.command("create")
def token_create(
    org: Annotated[str, typer.Option(help="The organisation's slug.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(r.value for r in TOKEN_ROLES)}.")],
    name: Annotated[str, typer.Option(help="The holder's display name, shown in the audit trail.")],
    subject: Annotated[
        str | None, typer.Option(help="The holder's actor id, to give an existing actor another token.")
    ] = None,
) -> None:
    """Issue a token and print it once; only its hash is kept."""
    with opened() as runtime:
        issued = runtime.app.issue_token(org, role, name, subject)
        err.print(
            f"issued token {issued.token_id} for {name} as {role} in {org} at position {issued.position}; "
            "it is shown only now:",
            highlight=False,
        )
        print(issued.secret)


@token_app.command("list")
def token_list(org: Annotated[str, typer.Option(help="The organisation's slug.")]) -> None:
    """List an organisation's tokens (never the secrets)."""
    with opened() as runtime:
        organisation = runtime.app.organisation_by_slug(org)
        caught_up(runtime, "access_tokens")
        table = Table("token id", "holder", "role", "actor id", "issued", "revoked")
        for row in runtime.views.access_tokens.tokens_of(organisation.id):
            revoked = f"{row['revoked_at']:%Y-%m-%d %H:%M} ({row['revoke_reason']})" if row["revoked_at"] else ""
            table.add_row(
                str(row["token_id"]),
                row["display_name"],
                row["role"],
                row["subject_id"],
                f"{row['issued_at']:%Y-%m-%d %H:%M}",
                revoked,
            )
        out.print(table)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[str, typer.Argument(help="The token's id (from token list).")],
    reason: Annotated[str, typer.Option(help="Why it is revoked.")],
) -> None:
    """Revoke a token; it stops working at once."""
    try:
        parsed = UUID(token_id)
    except ValueError:
        raise fail(f"token id {token_id!r} is not a UUID") from None
    with opened() as runtime:
        recorded = runtime.app.revoke_token(parsed, reason)
        out.print(f"revoked token {parsed} at position {recorded.position}")


@projections_app.command("run")
def projections_run() -> None:
    """Run the projection workers without the API (a separate worker process)."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with opened(run_projections=True):
        out.print("projections running; Ctrl-C to stop")
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()


@projections_app.command("status")
def projections_status() -> None:
    """Each projection's position and lag behind the log."""
    with opened() as runtime:
        head = runtime.head()
        table = Table("projection", "position", "lag")
        for name, position in runtime.views.positions().items():
            table.add_row(name, str(position), str(head - position))
        out.print(f"log head: {head}")
        out.print(table)


@projections_app.command("rebuild")
def projections_rebuild(
    name: Annotated[str | None, typer.Argument(help="The projection; all of them if left out.")] = None,
    processes: Annotated[
        int, typer.Option(min=1, help="Processes to spread the projections over (default: one per core).")
    ] = os.cpu_count() or 1,
) -> None:
    """Empty a projection and rebuild it from position zero. Stop running services first."""
    with opened() as runtime:
        try:
            views = runtime.views
            names = [name] if name else [n for n in views.names() if getattr(views.view(n), "rebuildable", True)]
            head = runtime.head()
            for each in names:
                views.view(each).reset(runtime.app.name)
            positions = dict.fromkeys(names, 0)
            label = f"rebuilding {names[0]}" if len(names) == 1 else f"rebuilding {len(names)} projections"
            with progress(label, head) as update:

                def reached(each: str, position: int) -> None:
                    positions[each] = position
                    update(min(positions.values()))

                rebuilt = rebuild(runtime, names, processes, reached)
            for each in names:
                read, position = rebuilt.events.get(each, 0), views.view(each).position(runtime.app.name)
                out.print(f"rebuilt {each}: {read} events read, position {position}")
        except KeyError as error:
            raise fail(str(error.args[0])) from None
        except RebuildFailed as failed:
            raise fail(f"the rebuild did not finish: {failed}", code=1) from None


@db_app.command("url")
def db_url() -> None:
    """Print the database URL in use (starting the embedded server if needed)."""
    with opened() as runtime:
        print(runtime.database_url)


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded PostgreSQL server."""
    settings = Settings.from_env()
    if settings.database_url:
        raise fail("DATABASE_URL is set: kanalarkiv does not manage that server")
    stopped = stop_embedded_server(settings.data_dir / "postgres")
    out.print("stopped the embedded server" if stopped else "the embedded server was not running")


app.add_typer(retention_app, name="retention")
app.add_typer(capture_app, name="capture")
app.command("replay")(replay)
app.command("archive-package")(archive_package)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
