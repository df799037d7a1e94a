"""The responses of one poll as a bundle: the same ``Bundle`` a format reader reads from a file
or a directory, held in memory. Names carry the fetch order (``0001-feed.json``) so that sorted
and fetched order agree; a feed's bundle also carries its validators for the next conditional
request, and a 304 is an empty bundle marked ``not_modified``."""

from __future__ import annotations

from dataclasses import dataclass, field

from kanalarkiv.capture.items import FormatError


@dataclass(frozen=True)
class Validators:
    """What a feed's server gave to make the next request conditional (RFC 9110 8.8, 13.1)."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        found = {}
        if self.etag:
            found["If-None-Match"] = self.etag
        if self.last_modified:
            found["If-Modified-Since"] = self.last_modified
        return found


@dataclass
class LiveBundle:
    label: str
    format: str  # the registry's name of its reader (``facebook-graph``, ``youtube``, …)
    not_modified: bool = False
    validators: Validators | None = None
    _files: dict[str, bytes] = field(default_factory=dict)

    def add(self, what: str, data: bytes, suffix: str = ".json") -> str:
        name = f"{len(self._files) + 1:04d}-{what}{suffix}"
        self._files[name] = data
        return name

    def names(self) -> list[str]:
        return list(self._files)

    def read(self, name: str) -> bytes:
        if name not in self._files:
            raise FormatError(self.label, f"has no member {name!r}")
        return self._files[name]

    def __len__(self) -> int:
        return len(self._files)
