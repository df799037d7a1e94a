"""Bundles a source is read from: one file, a directory or a zip archive (``open_bundle``). Names
are relative, with ``/`` between parts; nothing outside the directory or archive is ever read,
and no member larger than ``MAX_MEMBER_BYTES`` is read at all."""

from __future__ import annotations

import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from kanalarkiv.capture.items import Bundle, FormatError

MAX_MEMBER_BYTES = 50 * 1024 * 1024
"""One file of an export: X splits its archive into parts well below this; anything larger is
refused before it is read, so that one organisation's file cannot take a server's memory."""
MAX_ZIP_BYTES = 400 * 1024 * 1024
"""Everything in one zip archive, uncompressed (media files included, though only named)."""
MAX_ZIP_RATIO = 100
"""Uncompressed size over compressed size of any member: text compresses about 10:1, a zip bomb
by thousands."""


def too_large(label: str, size: int) -> FormatError:
    return FormatError(label, f"is {size / 1_048_576:.1f} MB; at most {MAX_MEMBER_BYTES // 1_048_576} MB is read")


@dataclass(frozen=True)
class FileBundle:
    path: Path
    name: str = ""  # the name it is known by (an upload's), when the path's own is a temporary one

    @property
    def label(self) -> str:
        return self.name or self.path.name

    def names(self) -> list[str]:
        return [self.label]

    def read(self, name: str) -> bytes:
        if name != self.label:
            raise FormatError(self.label, f"has no member {name!r}")
        size = self.path.stat().st_size
        if size > MAX_MEMBER_BYTES:
            raise too_large(self.label, size)
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
        size = path.stat().st_size
        if size > MAX_MEMBER_BYTES:
            raise too_large(f"{self.label}/{name}", size)
        return path.read_bytes()


@dataclass(frozen=True)
class ZipBundle:
    """A zip archive, checked whole when opened: a member named outside the archive (``../``, an
    absolute or drive path), a symbolic link, or sizes that betray a zip bomb refuse the file."""

    path: Path
    name: str = ""
    _members: dict[str, zipfile.ZipInfo] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        try:
            with zipfile.ZipFile(self.path) as archive:
                infos = archive.infolist()
        except (zipfile.BadZipFile, OSError) as error:
            raise FormatError(self.label, f"is not a readable zip archive ({error})") from None
        total = 0
        for info in infos:
            checked_member(self.label, info)
            total += info.file_size
            if total > MAX_ZIP_BYTES:
                raise FormatError(self.label, f"unpacks to more than {MAX_ZIP_BYTES // 1_048_576} MB: refused")
            if not info.is_dir():
                self._members[info.filename] = info

    @property
    def label(self) -> str:
        return self.name or self.path.name

    def names(self) -> list[str]:
        return sorted(self._members)

    def read(self, name: str) -> bytes:
        info = self._members.get(name)
        if info is None:
            raise FormatError(self.label, f"has no member {name!r}")
        with zipfile.ZipFile(self.path) as archive, archive.open(info) as member:
            # Read no more than the declared size allows: a member that lies about it stops here.
            data = member.read(MAX_MEMBER_BYTES + 1)
        if len(data) > MAX_MEMBER_BYTES:
            raise too_large(f"{self.label}:{name}", len(data))
        return data


def checked_member(label: str, info: zipfile.ZipInfo) -> None:
    name = info.filename
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or (parts and ":" in parts[0]) or ".." in parts:
        raise FormatError(label, f"member {name!r} is named outside the archive (path traversal): refused")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise FormatError(label, f"member {name!r} is a symbolic link: refused")
    if info.file_size > MAX_MEMBER_BYTES:
        raise too_large(f"{label}:{name}", info.file_size)
    if info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1) and info.file_size > 1_048_576:
        raise FormatError(
            label, f"member {name!r} unpacks {info.file_size // max(info.compress_size, 1)}-fold: refused"
        )


def open_bundle(path: Path, name: str = "") -> FileBundle | DirectoryBundle | ZipBundle:
    """The bundle at ``path``; ``name`` is the name it is known by when the path is temporary."""
    if path.is_dir():
        return DirectoryBundle(path)
    if path.is_file():
        if (name or path.name).lower().endswith(".zip"):
            return ZipBundle(path, name)
        return FileBundle(path, name)
    raise FormatError(name or str(path), "no such file or directory")


def single_member(bundle: Bundle, suffixes: tuple[str, ...]) -> str:
    """The one member of a bundle with one of these endings (a single file is its own member)."""
    names = bundle.names()
    found = names if len(names) == 1 else [name for name in names if name.lower().endswith(suffixes)]
    if len(found) != 1:
        what = "no file" if not found else f"{len(found)} files ({', '.join(found[:3])}…)"
        raise FormatError(bundle.label, f"has {what} ending in {' or '.join(suffixes)}; expected one")
    return found[0]
