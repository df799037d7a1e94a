"""``kanalarkiv archive-package``: one channel's records of a period as an archival package for
transfer to an e-archive (FGS Paketstruktur 2.0 / E-ARK SIP 2.1)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer

from domain.errors import InvalidValue
from domain.period import Period
from kanalarkiv.archival.package import VIEWS, PackageExists, build_package
from kanalarkiv.archival.xsd import PackageInvalid
from kanalarkiv.cli.common import caught_up, fail, opened, out, progress


def archive_package(
    org: Annotated[str, typer.Option(help="The organisation's slug.")],
    channel: Annotated[str, typer.Option(help="The channel's id.")],
    from_: Annotated[str, typer.Option("--from", help="The period's first day, YYYY-MM-DD (Swedish time).")],
    to: Annotated[str, typer.Option(help="The period's last day, YYYY-MM-DD, included.")],
    out_path: Annotated[
        Path, typer.Option("--out", help="A .tar file to write, or a directory to write the package folder into.")
    ],
) -> None:
    """Write the channel's posts published and snapshots taken in the period, with every event of
    the log about them, as an E-ARK SIP 2.1 package (METS, PREMIS, records, documentation, schemas)."""
    try:
        period = Period.of(from_, to)
        channel_id = UUID(channel)
    except InvalidValue as error:
        raise fail(f"--{error.field}: {error.message}") from None
    except ValueError:
        raise fail(f"--channel: {channel!r} is not a channel id (a UUID)") from None
    if out_path.suffix == ".tar" and out_path.exists():
        raise fail(f"--out: {out_path} already exists; name a new file")
    if out_path.suffix != ".tar" and out_path.exists() and not out_path.is_dir():
        raise fail(f"--out: {out_path} is a file; give a directory, or a path ending in .tar")
    with opened() as runtime, progress("archive package", len(VIEWS) + 2, unit="steps") as update:
        position = runtime.head()
        for done, name in enumerate(VIEWS, start=1):
            caught_up(runtime, name)  # each view the package reads, up to the log's head
            update(done)
        try:
            package = build_package(runtime.app, runtime.views, channel_id, period, org_slug=org, position=position)
            update(len(VIEWS) + 1)  # read, made and checked against its schemas
            written = package.save(out_path)
            update(len(VIEWS) + 2)
        except PackageExists as error:
            raise fail(f"--out: {error}") from None
        except PackageInvalid as error:
            raise fail(f"the package failed its own schema check, nothing was written: {error}", code=1) from None
        except OSError as error:
            raise fail(f"--out: cannot write {out_path}: {error.strerror or error}") from None
    record = package.record
    comments = sum(len(post["comments"]) for post in record.posts)
    out.print(
        f"wrote {written}: {len(record.posts)} posts, {comments} comments, {len(record.snapshots)} snapshots, "
        f"{len(record.events)} events, {len(package.files)} files; package {package.package_id}",
        highlight=False,
    )
