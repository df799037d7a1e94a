"""An archival package for transfer to an e-archive (leverans till e-arkiv): one channel's
records of a period, as an E-ARK SIP 2.1 / CSIP 2.1 information package — the structure FGS
Paketstruktur 2.0 adopts — written as a folder or a tar file.

    <package id>/METS.xml                         the package: agents, files, structure
                 metadata/descriptive/channel.json   the organisation, the channel, the period
                 metadata/preservation/premis.xml    files with SHA-256, events of the log, agents
                 representations/rep1/METS.xml
                 representations/rep1/data/posts/…json, data/snapshots/…
                 documentation/…                     records plan, disposal log, the records' format
                 schemas/…xsd                        every schema the XML documents use

Every METS and PREMIS document is checked against the shipped schemas before the package is
handed out; ordering is deterministic (files by path, events by log position)."""

from __future__ import annotations

import importlib.metadata
import io
import os
import shutil
import tarfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO
from uuid import UUID, uuid5

from domain.actors import Role
from domain.organisation import NAMESPACE
from domain.period import Period
from kanalarkiv.adapters.snapshot_store import SnapshotDisposed
from kanalarkiv.application.context import current_actor
from kanalarkiv.application.outcomes import RecordNotFound
from kanalarkiv.application.records import RecordsApplication
from kanalarkiv.archival.content import ChannelRecord, read_channel_record
from kanalarkiv.archival.documents import (
    channel_document,
    disposal_log_document,
    plan_document,
    post_document,
    snapshot_document,
)
from kanalarkiv.archival.files import (
    CHANNEL_DESCRIPTION,
    DISPOSAL_LOG,
    FORMAT_TEXT,
    PREMIS_FILE,
    RECORDS_FORMAT,
    RECORDS_PLAN,
    REP,
    PackageFile,
    json_file,
    post_path,
    snapshot_paths,
)
from kanalarkiv.archival.mets import package_mets, representation_mets
from kanalarkiv.archival.premis import Provenance, event_links, premis_document
from kanalarkiv.archival.xsd import SCHEMA_FILES, check, schema_dir
from kanalarkiv.readside.views import Views
from retention.disposal import disposed_marker

PACKAGERS = {Role.RECORDS_OFFICER, Role.AUDITOR}
VIEWS = ("channel_register", "editor_assignments", "channel_content", "snapshots", "retention", "audit_trail")


class PackageExists(FileExistsError):
    """The place the package should be written to is taken; nothing is overwritten."""


@dataclass(frozen=True)
class ArchivalPackage:
    package_id: str
    created: datetime
    files: tuple[PackageFile, ...]
    record: ChannelRecord

    def file(self, path: str) -> PackageFile:
        return next(f for f in self.files if f.path == path)

    def entries(self) -> list[tuple[str, PackageFile | None]]:
        """Every folder (None) and file under the package folder, in path order."""
        folders = {"/".join(f.path.split("/")[:depth]) for f in self.files for depth in range(1, f.path.count("/") + 1)}
        named: list[tuple[str, PackageFile | None]] = [(self.package_id, None)]
        named += [(f"{self.package_id}/{folder}", None) for folder in folders]
        named += [(f"{self.package_id}/{f.path}", f) for f in self.files]
        return sorted(named, key=lambda entry: entry[0])

    def write_tar(self, out: IO[bytes]) -> None:
        """One root folder named by the package id (CSIPSTR1, CSIPSTR2), deterministic headers."""
        with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for name, entry in self.entries():
                info = tarfile.TarInfo(name)
                info.mtime = int(self.created.timestamp())
                info.uname = info.gname = "kanalarkiv"
                if entry is None:
                    info.type, info.mode = tarfile.DIRTYPE, 0o755
                    tar.addfile(info)
                else:
                    info.size, info.mode = entry.size, 0o644
                    tar.addfile(info, io.BytesIO(entry.content))

    def tar_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.write_tar(buffer)
        return buffer.getvalue()

    def save(self, out: Path) -> Path:
        """Write ``out`` as a tar file when it ends in .tar; otherwise write the package folder
        into the directory ``out``. Returns what was written."""
        if out.suffix == ".tar":
            if out.exists():
                raise PackageExists(f"{out} already exists; name a new file")
            partial = out.with_name(f".{out.name}.part")
            try:
                with open(partial, "wb") as file:
                    self.write_tar(file)
                    file.flush()
                    os.fsync(file.fileno())
                partial.replace(out)
            finally:
                partial.unlink(missing_ok=True)
            return out
        target = out / self.package_id
        if target.exists():
            raise PackageExists(f"{target} already exists; choose another directory")
        partial = out / f".{self.package_id}.part"
        shutil.rmtree(partial, ignore_errors=True)  # left by an interrupted earlier attempt
        for name, entry in self.entries():
            path = partial / name.removeprefix(self.package_id).lstrip("/")
            if entry is None:
                path.mkdir(parents=True, exist_ok=True)
            else:
                path.write_bytes(entry.content)
        partial.replace(target)
        return target


def build_package(
    app: RecordsApplication,
    views: Views,
    channel_id: UUID,
    period: Period,
    org_slug: str | None = None,
    position: int | None = None,
) -> ArchivalPackage:
    """The package of ``channel_id``'s records of ``period`` as the log stands at ``position``
    (its head by default), once every view it reads has caught up with it. Records officers and
    auditors of the channel's organisation (and the operator) may make one."""
    organisation = app.organisation_by_slug(org_slug) if org_slug is not None else None
    channel = app.get_channel(channel_id)
    if organisation is not None and channel.org_id != organisation.id:
        raise RecordNotFound(f"no channel {channel_id} in organisation '{org_slug}'")
    organisation = organisation or app.repository.get(channel.org_id)
    current_actor().require(PACKAGERS, organisation.id, "making an archival package")
    position = position or app.recorder.max_notification_id() or 0
    for name in VIEWS:
        views.wait_for(name, position)
    record = read_channel_record(views, organisation, channel_id, period, position)
    created = app.clock()
    package_id = f"{organisation.slug}_{channel_id}_{period.start}_{period.end}_p{position}"
    provenance = Provenance(
        package_id,
        uuid5(NAMESPACE, f"archival-package/{package_id}"),
        created,
        organisation,
        current_actor(),
        importlib.metadata.version("kanalarkiv"),
    )
    data = sorted(_data_files(app, record, created), key=lambda f: f.path)
    rep_mets = _xml(f"{REP}/METS.xml", representation_mets(provenance, data), "mets", created)
    described = sorted(
        [*data, rep_mets, *_documentation(record, package_id, created), *_schemas(created)], key=lambda f: f.path
    )
    premis = premis_document(provenance, described, record.events, event_links(record.events, described))
    files = {f.path: f for f in [*described, _xml(PREMIS_FILE, premis, "premis", created)]}
    entry = record.channel
    label = f"{organisation.name}: {entry['name']} ({entry['platform']}), {period.start} – {period.end}"
    mets = _xml("METS.xml", package_mets(provenance, label, files), "mets", created)
    return ArchivalPackage(package_id, created, tuple(sorted([*files.values(), mets], key=lambda f: f.path)), record)


def _xml(path: str, content: bytes, kind: str, created: datetime) -> PackageFile:
    check(content, kind, path)
    return PackageFile(path, content, "application/xml", created)


def _data_files(app: RecordsApplication, record: ChannelRecord, created: datetime) -> list[PackageFile]:
    files = []
    for post in record.posts:
        post_held = [str(post["post_id"])] + [str(c["comment_id"]) for c in post["comments"]]
        post_held += [str(r["reply_id"]) for c in post["comments"] for r in c["replies"]]
        files.append(json_file(post_path(post), post_document(post), created, tuple(post_held)))
    for snapshot in record.snapshots:
        description_path, content_path = snapshot_paths(snapshot)
        held = (str(snapshot["snapshot_id"]),)
        try:
            _snapshot, content = app.snapshot_content(snapshot["snapshot_id"])
        except SnapshotDisposed as disposed:
            disposed_at = (snapshot["retention"] or {}).get("disposed_at") or created
            marker = disposed_marker(disposed.reference, disposed_at)
            files.append(json_file(description_path, snapshot_document(snapshot, None, marker), created, held))
            continue
        files.append(json_file(description_path, snapshot_document(snapshot, content_path, None), created, held))
        files.append(
            PackageFile(
                content_path,
                content,
                snapshot["media_type"],
                snapshot["taken_at"],
                held,
                original_name=snapshot["filename"],
                format_name="PDF/A-2b" if snapshot["rendered"] else None,
            )
        )
    return files


def _documentation(record: ChannelRecord, package_id: str, created: datetime) -> list[PackageFile]:
    return [
        json_file(CHANNEL_DESCRIPTION, channel_document(record, package_id), created),
        json_file(RECORDS_PLAN, plan_document(record), created),
        json_file(DISPOSAL_LOG, disposal_log_document(record), created),
        PackageFile(RECORDS_FORMAT, FORMAT_TEXT.encode(), "text/plain", created),
    ]


def _schemas(created: datetime) -> list[PackageFile]:
    folder = schema_dir()
    return [
        PackageFile(
            f"schemas/{name}", (folder / name).read_bytes(), "application/xml", created, format_name="XML Schema"
        )
        for name in sorted(SCHEMA_FILES.values())
    ]
