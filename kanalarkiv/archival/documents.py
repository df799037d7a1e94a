"""The JSON documents of an archival package: one per post (with its versions, comments and
replies), one per snapshot, the channel's description, the records plan and the disposal log.

A commenter's name and platform id are left out, as in the records officers' own view: a
commenter's identity is shown only through a recorded disclosure, never by a copy of the record."""

from __future__ import annotations

from typing import Any

from kanalarkiv.archival.content import ChannelRecord


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
