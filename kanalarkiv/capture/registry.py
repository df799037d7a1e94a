"""The capture formats by name: ``kanalarkiv capture import --format NAME`` and the API's upload
name one of these. Adding a format is one line: its name and its reader's module."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from domain.errors import InvalidValue
from kanalarkiv.capture.items import Bundle, Source

READERS: dict[str, str] = {
    "generic": "kanalarkiv.capture.formats.generic",
    "x-archive": "kanalarkiv.capture.formats.x_archive",
}
"""Format name → the module whose ``reader(bundle) -> Source`` reads it."""


class UnknownFormat(InvalidValue):
    """No reader of that name."""

    def __init__(self, name: str):
        super().__init__("format", f"{name!r} is not a capture format; known: {', '.join(sorted(READERS))}")
        self.name = name


def formats() -> list[str]:
    return sorted(READERS)


def reader_for(name: str) -> Callable[[Bundle], Source]:
    try:
        module = READERS[name]
    except KeyError:
        raise UnknownFormat(name) from None
    return import_module(module).reader  # type: ignore[no-any-return]
