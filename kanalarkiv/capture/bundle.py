"""Bundles a source is read from: one file or a directory (``open_bundle``). Names are relative,
with ``/`` between parts; nothing outside the directory is ever read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kanalarkiv.capture.items import FormatError


@dataclass(frozen=True)
class FileBundle:
    path: Path

    @property
    def label(self) -> str:
        return self.path.name

    def names(self) -> list[str]:
        return [self.path.name]

    def read(self, name: str) -> bytes:
        if name != self.path.name:
            raise FormatError(self.label, f"has no member {name!r}")
        return self.path.read_bytes()


@dataclass(frozen=True)
class DirectoryBundle:
    root: Path

    @property
    def label(self) -> str:
        return self.root.name

    def names(self) -> list[str]:
        return sorted(
            str(path.relative_to(self.root)).replace("\\", "/")
            for path in self.root.rglob("*")
            if path.is_file() and not path.is_symlink()
        )

    def read(self, name: str) -> bytes:
        path = (self.root / name).resolve()
        if not path.is_relative_to(self.root.resolve()) or not path.is_file():
            raise FormatError(self.label, f"has no member {name!r}")
        return path.read_bytes()


def open_bundle(path: Path) -> FileBundle | DirectoryBundle:
    if path.is_dir():
        return DirectoryBundle(path)
    if path.is_file():
        return FileBundle(path)
    raise FormatError(str(path), "no such file or directory")
