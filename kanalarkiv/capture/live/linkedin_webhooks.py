"""What a LinkedIn webhook delivery says happened: the Community Management API's organization
social action notifications (``"type": "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS"``, a list of
``notifications``, batched by LinkedIn), of which the comment actions are read — ``COMMENT``,
``COMMENT_EDIT``, ``COMMENT_DELETE``. A notification names the organization
(``organizationalEntity``), the post (``sourcePost``), the comment (``generatedActivity``, decorated
in ``decoratedGeneratedActivity.comment`` with its ``text`` and ``owner``), the time
(``lastModifiedAt``, Unix milliseconds) and its ``notificationId``, on which LinkedIn says to
deduplicate: it is the change's ``delivery_id``. Other actions (LIKE, SHARE, SHARE_MENTION,
ADMIN_COMMENT) are skipped and listed, never guessed at.

The ids are the ones the LinkedIn reader gives the same items from a poll (the comment's URN, the
post's URN), so a webhook and a poll land on one record."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import orjson

from kanalarkiv.capture.items import Item, Kind
from kanalarkiv.capture.live.webhook_changes import Delivery, Removed, Skipped, WebhookChange
from kanalarkiv.capture.live.webhooks import Refusal, WebhookRefused

NOTIFICATIONS = "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS"
ACTIONS = frozenset({"COMMENT", "COMMENT_EDIT", "COMMENT_DELETE"})
NO_NAME = "(LinkedIn member)"  # a record names its sender; LinkedIn gives none, and none is looked up


def parse_linkedin(document: dict[str, Any]) -> Delivery:
    """The changes of a signed LinkedIn delivery (``webhooks.json_body``)."""
    if document.get("type") != NOTIFICATIONS:
        raise WebhookRefused(Refusal.UNKNOWN_OBJECT, f"type {str(document.get('type'))[:60]!r} is not read here")
    notifications = document.get("notifications")
    if not isinstance(notifications, list):
        raise WebhookRefused(Refusal.MALFORMED, "the delivery has no notifications list")
    delivery = Delivery()
    for index, notification in enumerate(notifications):
        where = f"notification {index}"
        if not isinstance(notification, dict):
            delivery.skipped.append(Skipped(where, "malformed"))
            continue
        action = notification.get("action")
        if action not in ACTIONS:
            delivery.skipped.append(Skipped(where, f"action {str(action)[:40]!r} is not read"))
            continue
        try:
            account, change = _urn(notification, "organizationalEntity"), _change(action, notification)
        except (KeyError, TypeError, ValueError) as problem:
            delivery.skipped.append(Skipped(where, f"malformed: {problem}"[:200]))
            continue
        delivery.changes.append(WebhookChange(_delivery_id(notification), "linkedin", account, change))
    return delivery


def _change(action: str, notification: dict[str, Any]) -> Item | Removed:
    post = _urn(notification, "sourcePost")
    decorated = notification.get("decoratedGeneratedActivity")
    comment: dict[str, Any] = {}
    if isinstance(decorated, dict) and isinstance(decorated.get("comment"), dict):
        comment = decorated["comment"]
    urn = notification.get("generatedActivity") or comment.get("entity")
    if not isinstance(urn, str) or not urn.startswith("urn:li:comment:"):
        raise ValueError("the notification names no comment (generatedActivity)")
    parent = comment.get("parentComment") if isinstance(comment.get("parentComment"), str) else None
    at = _millis(notification.get("lastModifiedAt"))
    kind: Kind = "reply" if parent else "comment"
    if action == "COMMENT_DELETE":
        return Removed(urn, kind, parent or post, at)
    if not isinstance(comment.get("text"), str):
        raise ValueError("the comment's text (decoratedGeneratedActivity.comment.text) is missing")
    owner = comment.get("owner") or notification.get("actor")
    return Item(
        kind=kind,
        platform_id=urn,
        parent_platform_id=parent or post,
        author_name=NO_NAME,  # LinkedIn gives the member's URN, no name; none is looked up
        platform_author_id=owner if isinstance(owner, str) else None,
        text=comment["text"],
        published_at=at,
        edited_at=at if action == "COMMENT_EDIT" else None,
        where="webhook",
    )


def _urn(notification: dict[str, Any], key: str) -> str:
    value = notification.get(key)
    if not isinstance(value, str) or not value.startswith("urn:li:"):
        raise ValueError(f"{key} is not a URN")
    return value


def _millis(value: Any) -> datetime:
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value / 1000, UTC)
        except (OverflowError, OSError, ValueError):
            pass
    raise ValueError(f"lastModifiedAt is not a time: {str(value)[:40]!r}")


def _delivery_id(notification: dict[str, Any]) -> str:
    number = notification.get("notificationId")
    if isinstance(number, int) and not isinstance(number, bool):
        return f"linkedin:{number}"
    material = orjson.dumps(notification, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(material).hexdigest()[:32]
