"""Half-year snapshots of each channel (skärmdump, story 7): who took which file, of which
period, with its SHA-256; fixity re-checked on demand. A channel without a snapshot in the last
six months is overdue."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from dateutil.relativedelta import relativedelta

from domain.actors import Actor, Role
from domain.base import RecordAggregate
from domain.channel import Channel
from domain.errors import InvalidValue
from domain.values import past_instant, plain_text

SNAPSHOT_TAKERS = {Role.WEBMASTER, Role.RECORDS_OFFICER}
FIXITY_CHECKERS = {Role.WEBMASTER, Role.RECORDS_OFFICER, Role.AUDITOR}
INTERVAL = relativedelta(months=6)
MAX_BYTES = 50 * 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class MediaType(StrEnum):
    PNG = "image/png"
    JPEG = "image/jpeg"
    PDF = "application/pdf"
    WARC = "application/warc"


_MAGIC = {
    MediaType.PNG: b"\x89PNG\r\n\x1a\n",
    MediaType.JPEG: b"\xff\xd8\xff",
    MediaType.PDF: b"%PDF-",
    MediaType.WARC: b"WARC/",
}


def sniffed_media_type(declared: str, head: bytes) -> MediaType:
    """The declared media type, if the file's first bytes agree with it."""
    try:
        media_type = MediaType(declared)
    except ValueError:
        allowed = ", ".join(m.value for m in MediaType)
        raise InvalidValue("file", f"a snapshot is an image, a PDF or a web archive: one of {allowed}") from None
    if not head.startswith(_MAGIC[media_type]):
        raise InvalidValue("file", f"the file's content is not {media_type.value}")
    return media_type


def next_due(last_taken: datetime | None, active_since: datetime) -> datetime:
    """When the channel's next snapshot is due: six months after the last, or after it went live."""
    return (last_taken or active_since) + INTERVAL


class ChannelSnapshot(RecordAggregate):
    """A snapshot of one channel for a period: an uploaded file or the service's own PDF/A rendering."""

    class Taken(RecordAggregate.Created):
        """A snapshot of the channel was taken (skärmdump tagen); ``occurred_at`` is when."""

        channel_id: UUID
        period_start: str
        period_end: str
        sha256: str
        size: int
        media_type: str
        filename: str
        rendered: bool

    class FixityChecked(RecordAggregate.Event):
        """The stored file was read back and its SHA-256 compared (bevarandekontroll)."""

        intact: bool
        found_sha256: str | None

        def apply(self, snapshot: ChannelSnapshot) -> None:
            snapshot.last_fixity = self.intact

    def __init__(self, org_id: UUID, channel_id: UUID, sha256: str, media_type: str):
        self.org_id = org_id
        self.channel_id = channel_id
        self.sha256 = sha256
        self.media_type = media_type
        self.last_fixity: bool | None = None

    @classmethod
    def take(
        cls, snapshot_id: UUID, channel: Channel, period_start: date, period_end: date, sha256: str, size: int,
        media_type: str, filename: str, rendered: bool, taken_at: datetime | None, by: Actor, at: datetime,
    ) -> ChannelSnapshot:
        by.require(SNAPSHOT_TAKERS, channel.org_id, "taking a snapshot of a channel")
        if period_end < period_start:
            raise InvalidValue("period_end", "must not be before period_start")
        if not _SHA256.match(sha256):
            raise InvalidValue("sha256", "must be 64 lower-case hex digits")
        if not 0 < size <= MAX_BYTES:
            raise InvalidValue("file", f"must hold between 1 byte and {MAX_BYTES // (1024 * 1024)} MiB")
        taken = past_instant("taken_at", taken_at or at, at)
        return cls._create(
            cls.Taken, id=snapshot_id, channel_id=channel.id, period_start=period_start.isoformat(),
            period_end=period_end.isoformat(), sha256=sha256, size=size, media_type=media_type,
            filename=plain_text("file", filename or "snapshot")[:200], rendered=rendered,
            **cls.envelope(by, at, taken, channel.org_id),
        )

    def record_fixity(self, found_sha256: str | None, by: Actor, at: datetime) -> None:
        by.require(FIXITY_CHECKERS, self.org_id, "checking a snapshot's fixity")
        self._record(self.FixityChecked, by, at, intact=found_sha256 == self.sha256, found_sha256=found_sha256)
