"""The files of an archival package: where each goes, and the JSON documents for the records
(one per post, one per snapshot), the channel's description, the records plan and the disposal log.

A commenter's name and platform id are left out, as in the records officers' own view: a
commenter's identity is shown only through a recorded disclosure, never by a copy of the record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from hashlib import sha256
from typing import Any
from uuid import UUID

import orjson

from domain.period import SWEDISH_TIME
from kanalarkiv.archival.content import ChannelRecord

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


def _pick(row: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: row[name] for name in names}


def _retention(row: dict[str, Any]) -> dict[str, Any]:
    kept = row.get("retention") or {}
    disposal = (
        {"reference": kept["disposal_reference"], "disposed_at": kept["disposed_at"]}
        if kept.get("disposed_at")
        else None
    )
    return {"records_class": kept.get("class_code"), "disposal": disposal}


def post_document(post: dict[str, Any]) -> dict[str, Any]:
    deletion = None
    if post["deleted_at"] is not None:
        deletion = {
            "deleted_at": post["deleted_at"],
            "recorded_at": post["deleted_recorded_at"],
            "deleted_by_name": post["deleted_by_name"],
            "deleted_by_role": post["deleted_by_role"],
            "ground": post["delete_ground"],
            "reason": post["delete_reason"],
        }
    return {
        "record_type": "post",
        **_pick(
            post,
            "post_id",
            "channel_id",
            "platform_post_id",
            "source",
            "published_at",
            "captured_at",
            "recorded_at",
            "recorded_by_name",
            "author_name",
            "author_id",
            "assignment_id",
        ),
        "published_without_assignment": post["assignment_id"] is None,
        **_pick(post, "text", "version"),
        "versions": [
            _pick(v, "version", "text", "changed_at", "recorded_at", "changed_by_name", "changed_by_role")
            for v in post["versions"]
        ],
        "deletion": deletion,
        **_retention(post),
        "comments": [_comment(comment) for comment in post["comments"]],
    }


def _comment(comment: dict[str, Any]) -> dict[str, Any]:
    moderation = None
    if comment["moderated_by_name"] is not None:
        moderation = {
            "state": comment["visibility"],
            "ground": comment["moderation_ground"],
            "provision": comment["moderation_provision"],
            "justification": comment["moderation_justification"],
            "decided_by_name": comment["moderated_by_name"],
            "decided_at": comment["moderated_at"],
        }
    case = (
        {"diary_number": comment["case_diary_number"], "new_case": comment["case_diary_number"] is None}
        if comment["moved_to_case"]
        else None
    )
    return {
        **_pick(
            comment,
            "comment_id",
            "platform_comment_id",
            "received_at",
            "captured_at",
            "recorded_at",
            "text",
            "visibility",
        ),
        "moderation": moderation,
        "moved_to_case": case,
        **_retention(comment),
        "replies": [
            {**_pick(r, "reply_id", "text", "author_name", "replied_at", "source", "assignment_id"), **_retention(r)}
            for r in comment["replies"]
        ],
    }


def snapshot_document(snapshot: dict[str, Any], file_path: str | None, marker: str | None) -> dict[str, Any]:
    return {
        "record_type": "snapshot",
        **_pick(
            snapshot,
            "snapshot_id",
            "channel_id",
            "period_start",
            "period_end",
            "taken_at",
            "taken_by",
            "recorded_at",
            "media_type",
            "filename",
            "sha256",
            "size",
            "rendered",
            "fixity_checked_at",
            "fixity_intact",
        ),
        "file": file_path.rsplit("/", 1)[-1] if file_path else None,
        "content": marker,
        **_retention(snapshot),
    }


def channel_document(record: ChannelRecord, package_id: str) -> dict[str, Any]:
    organisation = record.organisation
    return {
        "package": package_id,
        "organisation": {
            "id": organisation.id,
            "slug": organisation.slug,
            "name": organisation.name,
            "organisation_number": organisation.number,
        },
        "channel": _pick(
            record.channel,
            "id",
            "platform",
            "name",
            "url",
            "owning_unit",
            "responsible",
            "purpose",
            "status",
            "registered_at",
            "updated_at",
        ),
        "period": {
            "from": record.period.start,
            "to": record.period.end,
            "time_zone": "Europe/Stockholm",
            "selects": "posts published and snapshots taken from the first day to the last, both included",
        },
        "log_position": record.position,
        "editors_assignments": [
            _pick(
                a,
                "assignment_id",
                "editor_id",
                "editor_name",
                "scope",
                "valid_from",
                "valid_until",
                "assigned_by_name",
                "revoked_from",
                "revoke_reason",
            )
            for a in record.assignments
        ],
        "counts": {
            "posts": len(record.posts),
            "comments": sum(len(p["comments"]) for p in record.posts),
            "snapshots": len(record.snapshots),
            "events": len(record.events),
        },
    }


def plan_document(record: ChannelRecord) -> dict[str, Any]:
    plan = record.plan
    if plan is None:
        return {"records_plan": None, "note": "No records plan (dokumenthanteringsplan) was adopted."}
    return {"records_plan": _pick(plan, "version", "decision_reference", "adopted_at", "adopted_by", "classes")}


def disposal_log_document(record: ChannelRecord) -> dict[str, Any]:
    return {
        "disposal_log": [
            {
                **_pick(
                    d,
                    "decision_id",
                    "reference",
                    "class_code",
                    "plan_version",
                    "rule",
                    "assessment",
                    "decided_at",
                    "decided_by",
                    "executed_at",
                    "renderings",
                ),
                "records": len(d["record_ids"]),
                "record_ids": sorted(str(i) for i in d["record_ids"]),
            }
            for d in record.disposals
        ]
    }


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
