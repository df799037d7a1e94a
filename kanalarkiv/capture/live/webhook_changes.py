"""What a Meta webhook delivery says happened, as capture items and changes: a Facebook Page's
``feed`` changes (items comment, status, photo, video, post; verbs add, edited, remove, hide,
unhide) and an Instagram account's ``comments``. Each change has a ``delivery_id``, a digest of
the change itself, so a delivery Meta retries (it does, until answered 200) is recognised.

A body for an unknown ``object`` is refused whole; within a known one, a change of a field, item
or verb we do not read (reactions, shares, ``block``) is skipped and listed, never guessed at.
Removal and hiding carry no content: they are ``Removed`` and ``VisibilityChanged``, which the
capture core checks (``confirm_deleted``) before it records anything."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import orjson

from kanalarkiv.capture.items import Item, Kind
from kanalarkiv.capture.live.webhooks import Refusal, WebhookRefused

Platform = Literal["facebook", "instagram", "linkedin"]
FIELDS: dict[str, tuple[Platform, frozenset[str]]] = {
    "page": ("facebook", frozenset({"feed"})),
    "instagram": ("instagram", frozenset({"comments", "live_comments"})),
}
POST_ITEMS = frozenset({"status", "photo", "video", "post"})
VERBS = frozenset({"add", "edited", "remove", "hide", "unhide"})


@dataclass(frozen=True)
class Removed:
    """The platform says the item was removed (by its author or by the page)."""

    platform_id: str
    kind: Kind
    parent_platform_id: str | None
    at: datetime


@dataclass(frozen=True)
class VisibilityChanged:
    """The page hid or unhid the item."""

    platform_id: str
    kind: Kind
    hidden: bool
    at: datetime


@dataclass(frozen=True)
class WebhookChange:
    delivery_id: str
    platform: Platform
    account_id: str  # the Page's id, the Instagram account's, the organization's URN: which channel it concerns
    change: Item | Removed | VisibilityChanged


@dataclass(frozen=True)
class Skipped:
    where: str  # "entry 0 change 2"
    reason: str


@dataclass
class Delivery:
    changes: list[WebhookChange] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def parse_meta(document: dict[str, Any]) -> Delivery:
    """The changes of a signed Meta delivery (``webhooks.json_body``)."""
    known = FIELDS.get(document.get("object"))  # type: ignore[arg-type]
    entries = document.get("entry")
    if known is None:
        raise WebhookRefused(Refusal.UNKNOWN_OBJECT, f"object {str(document.get('object'))[:40]!r} is not read here")
    if not isinstance(entries, list):
        raise WebhookRefused(Refusal.MALFORMED, "the delivery has no entry list")
    platform, fields = known
    delivery = Delivery()
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            delivery.skipped.append(Skipped(f"entry {index}", "malformed"))
            continue
        for number, change in enumerate(entry.get("changes") or []):
            where = f"entry {index} change {number}"
            try:
                parsed = _change(platform, fields, entry, change)
            except (KeyError, TypeError, ValueError) as problem:
                delivery.skipped.append(Skipped(where, f"malformed: {problem}"[:200]))
                continue
            if isinstance(parsed, str):
                delivery.skipped.append(Skipped(where, parsed))
            else:
                delivery.changes.append(
                    WebhookChange(_digest(document["object"], entry, change), platform, entry["id"], parsed)
                )
    return delivery


def _change(
    platform: Platform, fields: frozenset[str], entry: dict[str, Any], change: Any
) -> Item | Removed | VisibilityChanged | str:
    if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
        return "malformed"
    if change.get("field") not in fields:
        return f"unknown field {str(change.get('field'))[:40]!r}"
    at = _time(entry.get("time"))
    if platform == "instagram":
        return _instagram_comment(change["value"], at)
    return _page_feed(change["value"], at)


def _page_feed(value: dict[str, Any], at: datetime) -> Item | Removed | VisibilityChanged | str:
    item, verb = value.get("item"), value.get("verb")
    if item not in POST_ITEMS and item != "comment":
        return f"item {str(item)[:40]!r} is not read"
    if verb not in VERBS:
        return f"verb {str(verb)[:40]!r} is not read"
    post_id = str(value["post_id"])
    if item == "comment":
        platform_id, parent = str(value["comment_id"]), str(value.get("parent_id") or post_id)
        kind: Kind = "comment" if parent == post_id else "reply"
    else:
        platform_id, parent, kind = post_id, None, "post"
    if verb == "remove":
        return Removed(platform_id, kind, parent, at)
    if verb in ("hide", "unhide"):
        return VisibilityChanged(platform_id, kind, verb == "hide", at)
    published = _time(value["created_time"]) if value.get("created_time") is not None else at
    author: dict[str, Any] = value["from"] if isinstance(value.get("from"), dict) else {}
    return Item(
        kind=kind,
        platform_id=platform_id,
        parent_platform_id=parent,
        author_name=str(author.get("name", "")),
        platform_author_id=str(author["id"]) if author.get("id") else None,
        text=str(value.get("message", "")),
        published_at=published,
        edited_at=at if verb == "edited" and at > published else None,
        attachments=tuple(str(value[key]) for key in ("link",) if value.get(key)),
        where="webhook",
    )


def _instagram_comment(value: dict[str, Any], at: datetime) -> Item:
    media, author = value.get("media") or {}, value.get("from") or {}
    parent = value.get("parent_id")
    return Item(
        kind="reply" if parent else "comment",
        platform_id=str(value["id"]),
        parent_platform_id=str(parent or media["id"]),
        author_name=str(author.get("username", "")),
        platform_author_id=str(author["id"]) if author.get("id") else None,
        text=str(value.get("text", "")),
        published_at=at,
        where="webhook",
    )


def _time(value: Any) -> datetime:
    """Unix seconds, as Meta's deliveries give ``time`` and ``created_time`` (or an ISO time)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is not None:
            return parsed
    raise ValueError(f"not a time: {str(value)[:40]!r}")


def _digest(object_name: str, entry: dict[str, Any], change: dict[str, Any]) -> str:
    material = orjson.dumps([object_name, entry["id"], entry.get("time"), change], option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(material).hexdigest()[:32]
