"""A webhook change as the inbox keeps it (a JSON object) and back: what a delivery said, in the
platform-neutral shape of the capture items, so that the worker reads it without the platform's
body. Times are ISO 8601 with their offset."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from kanalarkiv.capture.items import Completeness, Item
from kanalarkiv.capture.live.webhook_changes import Removed, VisibilityChanged

Change = Item | Removed | VisibilityChanged


def document_of(change: Change) -> dict[str, Any]:
    if isinstance(change, Removed):
        return {"type": "removed", "platform_id": change.platform_id, "kind": change.kind,
                "parent_platform_id": change.parent_platform_id, "at": change.at.isoformat()}  # fmt: skip
    if isinstance(change, VisibilityChanged):
        return {"type": "visibility", "platform_id": change.platform_id, "kind": change.kind,
                "hidden": change.hidden, "at": change.at.isoformat()}  # fmt: skip
    return {
        "type": "item",
        "kind": change.kind,
        "platform_id": change.platform_id,
        "parent_platform_id": change.parent_platform_id,
        "author_name": change.author_name,
        "platform_author_id": change.platform_author_id,
        "text": change.text,
        "published_at": change.published_at.isoformat(),
        "edited_at": change.edited_at.isoformat() if change.edited_at else None,
        "attachments": list(change.attachments),
    }


def change_of(document: dict[str, Any], where: str) -> Change:
    """The change an inbox row holds (``where`` names the row, for messages)."""
    kind = document["kind"]
    if document["type"] == "removed":
        return Removed(document["platform_id"], kind, document["parent_platform_id"], _at(document["at"]))
    if document["type"] == "visibility":
        return VisibilityChanged(document["platform_id"], kind, bool(document["hidden"]), _at(document["at"]))
    return Item(
        kind=kind,
        platform_id=document["platform_id"],
        parent_platform_id=document["parent_platform_id"],
        author_name=document["author_name"],
        platform_author_id=document["platform_author_id"],
        text=document["text"],
        published_at=_at(document["published_at"]),
        edited_at=_at(document["edited_at"]) if document["edited_at"] else None,
        attachments=tuple(document["attachments"]),
        where=where,
    )


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


class WebhookItems:
    """The items one or more webhook changes carry, as a capture ``Source``. A webhook is never
    complete: it holds no post and no thread whole, so nothing missing from it is ever taken as
    deleted (a poll reconciles)."""

    format = "webhook"

    def __init__(self, items: list[Item]):
        self._items = items

    def items(self) -> Iterator[Item]:
        yield from self._items

    def completeness(self) -> Completeness:
        return Completeness()
