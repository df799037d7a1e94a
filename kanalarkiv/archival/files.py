"""The files of an archival package: where each goes, its bytes and checksum, a JSON document as
a file, and the package's description of the records' format (the documents: ``documents.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from hashlib import sha256
from typing import Any
from uuid import UUID

import orjson

from domain.period import SWEDISH_TIME

REP = "representations/rep1"
CHANNEL_DESCRIPTION = "metadata/descriptive/channel.json"
PREMIS_FILE = "metadata/preservation/premis.xml"
RECORDS_PLAN = "documentation/records-plan.json"
DISPOSAL_LOG = "documentation/disposal-log.json"
RECORDS_FORMAT = "documentation/records-format.txt"
SNAPSHOT_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "application/pdf": "pdf", "application/warc": "warc"}
FORMAT_NAMES = {
    "application/json": "JSON",
    "text/plain": "Plain text (UTF-8)",
    "application/xml": "XML",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "application/pdf": "PDF",
    "application/warc": "WARC",
}


@dataclass(frozen=True)
class PackageFile:
    """One file of the package, with the records it holds (for PREMIS) and when it was made."""

    path: str
    content: bytes
    media_type: str
    created: datetime
    record_ids: tuple[str, ...] = ()
    original_name: str | None = None
    format_name: str | None = None

    @cached_property
    def sha256(self) -> str:
        return sha256(self.content).hexdigest()

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def format(self) -> str:
        return self.format_name or FORMAT_NAMES[self.media_type]


def json_file(path: str, document: dict[str, Any], created: datetime, record_ids: tuple[str, ...] = ()) -> PackageFile:
    content = orjson.dumps(_plain(document), option=orjson.OPT_INDENT_2) + b"\n"
    return PackageFile(path, content, "application/json", created, record_ids)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, UUID | date):
        return str(value)
    return value


def iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _local_day(value: datetime) -> str:
    return value.astimezone(SWEDISH_TIME).date().isoformat()


def post_path(post: dict[str, Any]) -> str:
    return f"{REP}/data/posts/{_local_day(post['published_at'])}_{post['post_id']}.json"


def snapshot_paths(snapshot: dict[str, Any]) -> tuple[str, str]:
    """The snapshot's description, and its file."""
    stem = f"{REP}/data/snapshots/{_local_day(snapshot['taken_at'])}_{snapshot['snapshot_id']}"
    return f"{stem}.json", f"{stem}.{SNAPSHOT_EXTENSIONS[snapshot['media_type']]}"


FORMAT_TEXT = """\
kanalarkiv archival package: the records' format
================================================

This package holds one channel's records of a period, as kept by kanalarkiv (records management
for a public body's social media). Files are UTF-8; times are ISO 8601 in UTC ("Z").

representations/rep1/data/posts/<day>_<post id>.json
    One post (inlägg, upprättad handling) with everything recorded about it:
    text (its current text), versions (every version, with who changed it and when), deletion
    (borttagen: when, by whom, ground, reason), source ("editor" or "capture": captured from the
    platform), assignment_id (the editor's assignment it was published under; none = published
    without a valid assignment), records_class (the class in the records plan), disposal (the
    disposal decision, gallringsbeslut, once disposed of), and comments.
    Each comment (inkommen handling): received_at (when posted on the platform), captured_at,
    recorded_at, text, visibility (visible, hidden, removed), moderation (the last decision:
    ground, provision, justification, who, when), moved_to_case (överförd till ärende: the
    case's diary number, or a new case), and replies (svar) with their authors.
    The commenter's name and platform id are not included: the body discloses a commenter's
    identity only through a recorded decision.

representations/rep1/data/snapshots/<day>_<snapshot id>.json and .png/.jpg/.pdf/.warc
    A snapshot of the channel (skärmdump) for a period, with its SHA-256 as taken, and the file.

Disposed-of content (gallrad) appears only as its marker, e.g. "[Gallrad enligt beslut KS 2026/0201,
2026-11-22]"; the record's existence, its history and the decision remain.

metadata/descriptive/channel.json
    The organisation, the channel's entry in the register of social media, the period, the
    editors' assignments, and the log position the package reflects.

metadata/preservation/premis.xml
    PREMIS 3.0: every file with its SHA-256; every event of the log about these records
    (eventIdentifier = the log position; eventType = the kanalarkiv event; eventDateTime = when it
    was recorded; linkingAgent = who, in which role; linkingObject = the file holding the record);
    the agents (the organisation, the people and programs who acted, kanalarkiv itself).

documentation/records-plan.json, documentation/disposal-log.json
    The records plan (dokumenthanteringsplan) in force, and the disposal decisions that reached
    any of the channel's records, each with the renderings it reached (made again without the
    disposed content; the old one's key destroyed).
"""
