"""A blog's or newsroom's RSS 2.0 or Atom feed (RSS 2.0 Specification; RFC 4287), read with
feedparser (its reference: "Common RSS Elements", "Common Atom Elements", "Character Encoding
Detection", "Bozo Detection").

Each entry is a post: its id is the entry's ``id`` (Atom) or ``guid`` (RSS), else its link; its
time the ``published`` (RSS ``pubDate``), else ``updated``; an ``updated`` later than
``published`` is the edit. The author is the entry's (name only, never the e-mail address RSS
puts there), else the feed's, else the feed's title. The text is the title, an empty line and
the content (``content``, else ``summary``) with its HTML reduced to text. Enclosures and the
entry's other links (``related``, ``via``; not ``alternate``, which is the entry itself) are
its attachments.

A feed is a bounded window, its latest N entries: nothing in it is whole, and an entry gone from
it is never taken as deleted.

Bad input: a feed that is not well-formed XML (feedparser's "bozo" documents, such as a
truncated file) is refused, not guessed at by feedparser's loose parser; so is one not in the
encoding it declares, unless a byte order mark says which it is.
"""

from __future__ import annotations

import io
import time
import xml.sax
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from typing import Any

import feedparser  # type: ignore[import-untyped]

from kanalarkiv.capture.formats.reading import checked, edited, file_label, html_text, members
from kanalarkiv.capture.items import Bundle, Completeness, FormatError, Item, Source

_OWN_LINKS = frozenset({"alternate", "self", "replies", "edit"})
_BOMS = {b"\xef\xbb\xbf": "utf-8", b"\xff\xfe": "utf-16le", b"\xfe\xff": "utf-16be"}


class Feed:
    format = "feed"

    def __init__(self, bundle: Bundle):
        self.bundle = bundle

    def items(self) -> Iterator[Item]:
        names = members(self.bundle, (".xml", ".rss", ".atom"))
        if not names:
            raise FormatError(self.bundle.label, "has no .xml, .rss or .atom feed files")
        for name in names:
            where = file_label(self.bundle, name)
            parsed = _parsed(self.bundle.read(name), where)
            yield from checked(partial(_entries, parsed, where))

    def completeness(self) -> Completeness:
        return Completeness()


def _parsed(data: bytes, where: str) -> Any:
    # A stream, never bytes or a string: feedparser opens a string that names a file or URL.
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=True)
    problem = parsed.get("bozo_exception")
    if not parsed.version:
        raise FormatError(where, "is not an RSS or Atom feed")
    if isinstance(problem, feedparser.CharacterEncodingOverride):
        bom = next((encoding for mark, encoding in _BOMS.items() if data.startswith(mark)), None)
        if bom is None or not parsed.encoding.lower().startswith(bom):
            raise FormatError(where, f"is not in the encoding it declares ({problem})")
    elif isinstance(problem, xml.sax.SAXParseException):
        place = f"{where} line {problem.getLineNumber()} column {problem.getColumnNumber()}"
        raise FormatError(place, f"is not well-formed XML: {problem.getMessage()}")
    elif problem is not None:
        raise FormatError(where, f"is not a feed feedparser reads without guessing: {problem}")
    return parsed


def _entries(parsed: Any, where: str) -> Iterator[Item]:
    for index, entry in enumerate(parsed.entries):
        yield _entry(entry, parsed.feed, f"{where} entry {index}")


def _entry(entry: Any, feed: Any, where: str) -> Item:
    entry_id = entry.get("id") or entry.get("link")
    if not entry_id:
        raise FormatError(where, "has no id, guid or link")
    published = _time(entry, "published", where)
    updated = _time(entry, "updated", where)
    published_at = published or updated
    if published_at is None:
        raise FormatError(where, "has no published or updated time")
    return Item(
        kind="post",
        platform_id=entry_id,
        parent_platform_id=None,
        author_name=_author(entry) or _author(feed) or feed.get("title", ""),
        platform_author_id=None,
        text="\n\n".join(part for part in (entry.get("title", "").strip(), _body(entry)) if part),
        published_at=published_at,
        edited_at=edited(published_at, updated),
        attachments=_references(entry),
        where=f"{where} ({entry_id})",
    )


def _time(entry: Any, key: str, where: str) -> datetime | None:
    """feedparser's parsed time (``published_parsed``), which it gives in UTC. Read as a plain
    dict: feedparser's own lookup answers ``updated`` with ``published`` when there is none."""
    text = dict.get(entry, key)
    if not text:
        return None
    parsed: time.struct_time | None = dict.get(entry, f"{key}_parsed")
    if parsed is None:
        raise FormatError(where, f"{key} is not a time: {text!r}")
    return datetime(*parsed[:6], tzinfo=UTC)


def _author(node: Any) -> str:
    detail = node.get("author_detail") or {}
    return str(detail.get("name", "")).strip()


def _body(entry: Any) -> str:
    content = (entry.get("content") or [entry.get("summary_detail") or {}])[0]
    value = str(content.get("value", ""))
    return value.strip() if content.get("type") == "text/plain" else html_text(value)


def _references(entry: Any) -> tuple[str, ...]:
    found: list[str] = []
    links = [
        *entry.get("enclosures", []),
        *(link for link in entry.get("links", []) if link.get("rel") not in _OWN_LINKS),
    ]
    for link in links:
        href = link.get("href")
        if href and href not in found:
            found.append(href)
    return tuple(found)


def reader(bundle: Bundle) -> Source:
    return Feed(bundle)
