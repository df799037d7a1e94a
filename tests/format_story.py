"""Helpers for the capture formats' stories: the fixtures as bundles, files in memory as a bundle,
and a source read to its end."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kanalarkiv.capture.bundle import open_bundle
from kanalarkiv.capture.items import Completeness, Deleted, FormatError, Item, Source

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "capture"


def fixture(format: str, name: str) -> Path:
    return FIXTURES / format / name


@dataclass(frozen=True)
class MemoryBundle:
    """Files given as bytes, for the bad inputs a test writes on the spot."""

    files: dict[str, bytes] = field(default_factory=dict)
    label: str = "upload"

    def names(self) -> list[str]:
        return sorted(self.files)

    def read(self, name: str) -> bytes:
        if name not in self.files:
            raise FormatError(self.label, f"has no member {name!r}")
        return self.files[name]


def read_all(source: Source) -> tuple[list[Item | Deleted], Completeness]:
    items = list(source.items())
    return items, source.completeness()


def bundle_of(format: str, name: str):
    return open_bundle(fixture(format, name))
