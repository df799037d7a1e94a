"""What a request's items name, found in the log (the plumbing of ``PublicRequestCommands``): a
diary number, a post's or a comment's id, each looked up in the asking organisation's own records.
Anything not found — a number not taken, a record of another organisation, free text — becomes an
unresolved item for the records officer, and the receipt reads the same either way: it never
tells whether a record exists or is secret. Also: the text of a record as a copy shows it."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.base import RecordAggregate
from domain.comment import Comment
from domain.diary_entry import DiaryEntry
from domain.diary_numbers import DiaryNumber
from domain.errors import InvalidValue
from domain.post import Post
from domain.request_rules import ItemKind, RequestedItem
from kanalarkiv.application.base import RecordsBase
from kanalarkiv.application.outcomes import RecordNotFound

MAX_REFERENCE = 80


@dataclass(frozen=True)
class RecordText:
    heading: str
    text: str
    secrecy_marking: str | None = None


class RequestRecords(RecordsBase):
    """Look-ups of what a request names."""

    def _requested_items(
        self, org_id: UUID, diary_numbers: list[str], post_ids: list[str], comment_ids: list[str]
    ) -> list[RequestedItem]:
        items = [self._diary_item(org_id, n) for n in diary_numbers]
        items += [self._record_item(org_id, ItemKind.POST, p) for p in post_ids]
        items += [self._record_item(org_id, ItemKind.COMMENT, c) for c in comment_ids]
        return items

    def _diary_item(self, org_id: UUID, written: str) -> RequestedItem:
        reference = _reference(written)
        try:
            number = DiaryNumber.parse(reference)
        except InvalidValue:
            return RequestedItem(ItemKind.UNRESOLVED, reference)
        entry = self._find_quietly(number.record_id(org_id), DiaryEntry, org_id)
        if not isinstance(entry, DiaryEntry):
            return RequestedItem(ItemKind.UNRESOLVED, reference)
        primary = entry.links.primary()
        return RequestedItem(ItemKind.DIARY_ENTRY, str(number), entry.id, primary[1] if primary else None)

    def _record_item(self, org_id: UUID, kind: ItemKind, written: str) -> RequestedItem:
        reference = _reference(written)
        try:
            record_id = UUID(reference)
        except ValueError:
            return RequestedItem(ItemKind.UNRESOLVED, reference)
        record = self._find_quietly(record_id, Post if kind is ItemKind.POST else Comment, org_id)
        if record is None:
            return RequestedItem(ItemKind.UNRESOLVED, reference)
        return RequestedItem(kind.value, reference, record_id, record_id)

    def _find_quietly(self, record_id: UUID, kind: type, org_id: UUID) -> object | None:
        try:
            record = self._find(record_id, kind, "record")
        except RecordNotFound:  # a record of another kind is as unknown as none, to the requester
            return None
        return record if record is not None and getattr(record, "org_id", None) == org_id else None

    def _resolved(self, org_id: UUID, kind: str, reference: str) -> RequestedItem:
        """What the records officer says an unresolved item is; 422 naming ``reference`` if not found."""
        if kind == ItemKind.DIARY_ENTRY:
            found = self._diary_item(org_id, reference)
        elif kind in (ItemKind.POST, ItemKind.COMMENT):
            found = self._record_item(org_id, ItemKind(kind), reference)
        else:
            raise InvalidValue("kind", "resolve to a diary_entry, post or comment")
        if found.kind == ItemKind.UNRESOLVED:
            raise InvalidValue("reference", f"the organisation has no {kind} {reference}")
        return found

    def _record_text(self, item: RequestedItem) -> RecordText:
        """The text of the record as the copy shows it (masks are ranges of this text)."""
        marking = None
        record: object | None = None
        if item.kind == ItemKind.DIARY_ENTRY and item.record_id is not None:
            entry = self._get(item.record_id, DiaryEntry, "diary entry")
            marking = entry.marking[0] if entry.marking else None
            record = self._find(item.held_id, RecordAggregate, "record") if item.held_id else None
            if not isinstance(record, Post | Comment):
                reading = entry.reading
                return RecordText(
                    f"Diarienummer {entry.number}", f"{reading.record_type}: {reading.description}", marking
                )
        elif item.record_id is not None:
            record = self._find(item.record_id, Post if item.kind == ItemKind.POST else Comment, "record")
        if isinstance(record, Comment):
            return RecordText(f"Kommentar {item.reference}", f"Från: {record.author_name}\n{record.text}", marking)
        if isinstance(record, Post):
            return RecordText(f"Inlägg {item.reference}", record.text or "", marking)
        return RecordText(f"Begärd handling: {item.reference}", "", marking)


def masks_of(text: str, passages: list[str]) -> list[tuple[int, int]]:
    """Every occurrence of each passage in ``text`` as a character range."""
    ranges: list[tuple[int, int]] = []
    for index, passage in enumerate(passages):
        if not passage.strip():
            raise InvalidValue(f"masked_passages.{index}", "must not be empty")
        start = text.find(passage)
        if start < 0:
            raise InvalidValue(f"masked_passages.{index}", "the record's text has no such passage")
        while start >= 0:
            ranges.append((start, start + len(passage)))
            start = text.find(passage, start + len(passage))
    return sorted(ranges)


def _reference(written: str) -> str:
    text = " ".join((written or "").split())
    if not text:
        raise InvalidValue("records", "a named record must not be empty")
    if len(text) > MAX_REFERENCE:
        raise InvalidValue("records", f"a diary number or id is at most {MAX_REFERENCE} characters")
    return text
