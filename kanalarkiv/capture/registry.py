"""The capture formats by name: ``kanalarkiv capture import --format NAME`` and the API's upload
name one of these. Adding a format is one line: its name and its reader's module."""

from __future__ import annotations

from collections.abc import Callable

from domain.errors import InvalidValue
from kanalarkiv.capture.formats import (
    facebook_dyi,
    facebook_graph,
    feed,
    generic,
    instagram_graph,
    linkedin,
    x_archive,
    youtube,
)
from kanalarkiv.capture.items import Bundle, Source

Reader = Callable[[Bundle], Source]

READERS: dict[str, Reader] = {
    "generic": generic.reader,
    "x-archive": x_archive.reader,
    "facebook-dyi": facebook_dyi.reader,
    "facebook-graph": facebook_graph.reader,
    "instagram-graph": instagram_graph.reader,
    "youtube": youtube.reader,
    "feed": feed.reader,
    "linkedin": linkedin.reader,
}
"""Format name → its reader (imported here, not by name, so the layers' contract sees it)."""


class UnknownFormat(InvalidValue):
    """No reader of that name."""

    def __init__(self, name: str):
        super().__init__("format", f"{name!r} is not a capture format; known: {', '.join(sorted(READERS))}")
        self.name = name


def formats() -> list[str]:
    return sorted(READERS)


def reader_for(name: str) -> Reader:
    try:
        return READERS[name]
    except KeyError:
        raise UnknownFormat(name) from None
