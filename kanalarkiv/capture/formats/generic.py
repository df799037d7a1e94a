"""The generic JSON export: the body of ``POST /v1/channels/{id}/captures`` as a file, so that any
tool can hand kanalarkiv a platform's data. Beside ``posts`` and ``comments`` (each with the API's
fields) a file may say more, all optional:

- ``account``: ``{"platform_id": …, "handle": …}``, the account the export is of;
- ``completeness``: ``{"posts": true, "period": {"start": …, "end": …}, "threads": [post ids]}``,
  what the export holds whole (without it, no item missing from it is taken as deleted);
- ``deleted``: ``[{"kind": "post"|"comment", "platform_id": …, "deleted_at": …}]``, items the
  account deleted, each also given in ``posts``/``comments`` or recorded before;
- per item ``edited_at``, ``hidden`` (true/false) and ``attachments`` (a list of URLs).

Fields the API takes but a file need not: ``captured_at`` (the import's own time is the capture time)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kanalarkiv.capture.bundle import single_member
from kanalarkiv.capture.formats.jsontext import aware, decoded, object_elements
from kanalarkiv.capture.items import Account, Bundle, Completeness, Deleted, FormatError, Item, Kind

FORMAT = "generic"
_SECTIONS = {"posts", "comments", "deleted", "account", "completeness"}


@dataclass
class GenericSource:
    bundle: Bundle
    format: str = FORMAT
    _completeness: Completeness = field(default_factory=Completeness)
    _account: Account | None = None

    def items(self) -> Iterator[Item | Deleted]:
        name = single_member(self.bundle, (".json",))
        label = name if name == self.bundle.label else f"{self.bundle.label}:{name}"
        self._completeness = Completeness()
        counters: dict[str, int] = {}
        for key, line, value in object_elements(decoded(self.bundle.read(name), label), label):
            index = counters[key] = counters.get(key, -1) + 1
            where = f"{label} line {line}, {key}[{index}]"
            if key not in _SECTIONS:
                raise FormatError(where, f"unknown member {key!r}; a generic export has {', '.join(sorted(_SECTIONS))}")
            if key == "posts":
                yield post(_object(value, where), where)
            elif key == "comments":
                yield comment(_object(value, where), where)
            elif key == "deleted":
                yield deleted(_object(value, where), where)
            elif key == "account":
                self._account = account(_object(value, where), where)
            else:
                self._completeness = completeness(_object(value, where), where)

    def completeness(self) -> Completeness:
        return self._completeness

    def account(self) -> Account | None:
        return self._account


def reader(bundle: Bundle) -> GenericSource:
    return GenericSource(bundle)


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FormatError(where, "must be an object")
    return value


def _text(record: dict[str, Any], key: str, where: str, required: bool = True) -> str | None:
    value = record.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise FormatError(where, f"{key} must be {'non-empty ' if required else ''}text")
    return value


def _hidden(record: dict[str, Any], where: str) -> bool | None:
    value = record.get("hidden")
    if value is not None and not isinstance(value, bool):
        raise FormatError(where, "hidden must be true or false")
    return value


def _attachments(record: dict[str, Any], where: str) -> tuple[str, ...]:
    value = record.get("attachments", [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FormatError(where, "attachments must be a list of URLs")
    return tuple(value)


def _edited(record: dict[str, Any], where: str) -> Any:
    return aware(record["edited_at"], where, "edited_at") if record.get("edited_at") is not None else None


def post(record: dict[str, Any], where: str) -> Item:
    return Item(
        kind="post",
        platform_id=_text(record, "platform_post_id", where) or "",
        parent_platform_id=None,
        author_name=_text(record, "author_name", where) or "",
        platform_author_id=_text(record, "author_id", where, required=False),
        text=_text(record, "text", where) or "",
        published_at=aware(record.get("published_at"), where, "published_at"),
        edited_at=_edited(record, where),
        hidden=_hidden(record, where),
        attachments=_attachments(record, where),
        where=where,
    )


def comment(record: dict[str, Any], where: str) -> Item:
    return Item(
        kind="comment",
        platform_id=_text(record, "platform_comment_id", where) or "",
        parent_platform_id=_text(record, "post_platform_id", where),
        author_name=_text(record, "author_name", where) or "",
        platform_author_id=_text(record, "platform_author_id", where, required=False),
        text=_text(record, "text", where) or "",
        published_at=aware(record.get("received_at"), where, "received_at"),
        edited_at=_edited(record, where),
        hidden=_hidden(record, where),
        attachments=_attachments(record, where),
        where=where,
    )


def deleted(record: dict[str, Any], where: str) -> Deleted:
    kind = record.get("kind")
    if kind not in ("post", "comment"):
        raise FormatError(where, "kind must be post or comment")
    when = record.get("deleted_at")
    stub = Item(
        kind=_kind(kind),
        platform_id=_text(record, "platform_id", where) or "",
        parent_platform_id=None,
        author_name="",
        platform_author_id=None,
        text="",
        published_at=aware(when, where, "deleted_at") if when else aware("1990-01-01T00:00:00Z", where, ""),
        where=where,
    )
    return Deleted(stub, aware(when, where, "deleted_at") if when else None)


def _kind(value: str) -> Kind:
    return "post" if value == "post" else "comment"


def account(record: dict[str, Any], where: str) -> Account:
    return Account(_text(record, "platform_id", where, required=False), _text(record, "handle", where, required=False))


def completeness(record: dict[str, Any], where: str) -> Completeness:
    period = record.get("period")
    threads = record.get("threads", [])
    if not isinstance(threads, list) or not all(isinstance(t, str) for t in threads):
        raise FormatError(where, "completeness.threads must be a list of the posts' platform ids")
    if record.get("posts") and not isinstance(period, dict):
        raise FormatError(where, "completeness.posts needs the period it covers: {start, end}")
    return Completeness(
        posts=bool(record.get("posts")),
        period=(aware(period.get("start"), where, "period.start"), aware(period.get("end"), where, "period.end"))
        if isinstance(period, dict)
        else None,
        threads=set(threads),
    )
