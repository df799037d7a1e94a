"""What the format readers share: a bundle's files, JSON decoded as the platforms write it, fields
read with the file and item named in every error, the platforms' times, HTML reduced to text, and
a file's items yielded only once the whole file has been read without error."""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar

import lxml.etree
import lxml.html
import orjson

from kanalarkiv.capture.items import Bundle, FormatError

T = TypeVar("T")

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", list: "a list", dict: "an object"}


def members(bundle: Bundle, suffixes: tuple[str, ...]) -> list[str]:
    """The files a reader reads: the one file of a one-file bundle whatever its name (a response
    saved as ``feed.txt`` is still read), else the names ending in one of ``suffixes``."""
    names = bundle.names()
    if len(names) == 1:
        return names
    return [name for name in names if name.lower().endswith(suffixes)]


def file_label(bundle: Bundle, name: str) -> str:
    return name if bundle.label == name else f"{bundle.label}/{name}"


def load_json(bundle: Bundle, name: str) -> Any:
    """One file's JSON: UTF-8 (with or without a BOM) or UTF-16 with a BOM, as Windows tools save it."""
    where = file_label(bundle, name)
    data = bundle.read(name)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith(_UTF16_BOMS):
        try:
            data = data.decode("utf-16").encode()
        except UnicodeDecodeError as error:
            raise FormatError(where, f"is not UTF-16 (undecodable bytes at offset {error.start})") from None
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise _json_error(where, data, error) from None


def _json_error(where: str, data: bytes, error: orjson.JSONDecodeError) -> FormatError:
    # orjson reports undecodable bytes as a JSON error at position 0; name the byte instead.
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as undecodable:
        return FormatError(where, f"is not UTF-8 (undecodable byte at offset {undecodable.start})")
    return FormatError(f"{where} line {error.lineno} column {error.colno}", f"is not JSON: {error.msg}")


class Node:
    """A JSON object of a file, with where it is (``feed.json item 3 comment 1``) for messages;
    the place is spelled out only when asked for, since most objects never need it."""

    __slots__ = ("_label", "_parent", "value")

    def __init__(self, value: dict[str, Any], label: str, parent: Node | None = None):
        self.value = value
        self._label = label
        self._parent = parent

    @property
    def where(self) -> str:
        return self._label if self._parent is None else f"{self._parent.where} {self._label}"

    @classmethod
    def of(cls, value: Any, label: str, parent: Node | None = None) -> Node:
        if not isinstance(value, dict):
            where = label if parent is None else f"{parent.where} {label}"
            raise FormatError(where, f"is {_kind(value)}, not an object")
        return cls(value, label, parent)

    def get(self, key: str, kind: type[T]) -> T | None:
        value = self.value.get(key)
        if value is None:
            return None
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise FormatError(self.where, f"{key} is {_kind(value)}, not {_TYPE_NAMES.get(kind, kind.__name__)}")
        return value

    def need(self, key: str, kind: type[T]) -> T:
        value = self.get(key, kind)
        if value is None:
            raise FormatError(self.where, f"has no {key}")
        return value

    def text(self, key: str) -> str:
        """An optional text field: absent and null are the empty text."""
        return self.get(key, str) or ""

    def child(self, key: str) -> Node | None:
        value = self.value.get(key)
        return None if value is None else Node.of(value, key, self)

    def children(self, key: str, label: str) -> Iterator[Node]:
        """The objects of a list field (absent: none), each named ``label`` and its index."""
        for index, value in enumerate(self.get(key, list) or ()):
            yield Node.of(value, f"{label} {index}", self)


def _kind(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def iso_time(node: Node, key: str) -> datetime | None:
    """An ISO 8601 time with its offset (``2026-03-02T09:00:00+0000``, ``…Z``); a time without one
    is refused, since its instant is unknown."""
    value = node.get(key, str)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise FormatError(node.where, f"{key} is not a time: {value!r}") from None
    if parsed.tzinfo is None:
        raise FormatError(node.where, f"{key} has no offset from UTC: {value!r}")
    return parsed


def need_iso_time(node: Node, key: str) -> datetime:
    parsed = iso_time(node, key)
    if parsed is None:
        raise FormatError(node.where, f"has no {key}")
    return parsed


def unix_time(node: Node, key: str) -> datetime | None:
    """Unix seconds, as Facebook's export writes its times."""
    value = node.get(key, int)
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise FormatError(node.where, f"{key} is not a time: {value!r}") from None


def edited(published: datetime, updated: datetime | None) -> datetime | None:
    """The platform's update time as an edit, when it is later than the publication."""
    return updated if updated is not None and updated > published else None


def span(period: tuple[datetime, datetime] | None, at: datetime) -> tuple[datetime, datetime]:
    """A period widened to hold ``at``."""
    return (at, at) if period is None else (min(period[0], at), max(period[1], at))


_BLOCKS = frozenset({"p", "div", "br", "li", "tr", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6"})


def html_text(markup: str) -> str:
    """HTML as the text a reader sees: a line per block or ``<br>``, whitespace runs as one space."""
    if "<" not in markup and "&" not in markup:
        return markup.strip()
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return markup.strip()
    for element in root.iter():
        if element.tag in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def checked(items: Callable[[], Iterator[T]]) -> Iterator[T]:
    """A file's items, yielded only once all of them were read without a ``FormatError``: the
    reading runs twice instead of holding the file's items in a list."""
    for _ in items():
        pass
    yield from items()


def graph_responses(document: Any, where: str) -> list[Node]:
    """A file of Graph API responses: one saved response, or a list of them (the pages of one
    listing, in order). Each is ``{"data": [...], "paging": {...}}``."""
    if isinstance(document, list):
        if not document:
            raise FormatError(where, "is an empty list, not Graph API responses")
        responses = [Node.of(page, f"{where} response {index}") for index, page in enumerate(document)]
    else:
        responses = [Node.of(document, where)]
    for response in responses:
        error = response.child("error")
        if error is not None:
            raise FormatError(response.where, f"is a Graph API error: {error.text('message')}")
        response.need("data", list)
    return responses


def graph_has_next(edge: Node) -> bool:
    """Whether a Graph API listing goes on: its ``paging.next`` (the reference: "If not included,
    this is the last page of data")."""
    paging = edge.child("paging")
    return paging is not None and paging.get("next", str) is not None


def saved_responses(document: Any, where: str) -> list[tuple[str | None, Node]]:
    """A file of saved API responses: one, or a list of them in order, each either the response
    itself or ``{"request": "...", "response": {...}}`` (what was asked, kept beside the answer:
    the connectors save them so, and a reader tells from the requests which listing a page is of)."""
    values = document if isinstance(document, list) else [document]
    found = []
    for index, value in enumerate(values):
        node = Node.of(value, f"{where} response {index}" if isinstance(document, list) else where)
        request = node.get("request", str)
        if request is not None:
            node = Node.of(node.value.get("response"), "response", node)
        found.append((request, node))
    return found
