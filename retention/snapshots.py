"""Half-year snapshots of each channel (skärmdump, story 7): who took which file, of which
period, with its SHA-256; fixity re-checked on demand. A channel without a snapshot in the last
six months is overdue.

A snapshot is either uploaded — the webmaster's own record — or the service's own rendering of
the channel's record (återgivning). A rendering is made for an audience (``domain.audience``) and
names the records whose content it holds, so that it is read only by that audience, and a
disposal of any of those records reaches it: it is made again without them and the old one's
key is destroyed."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from dateutil.relativedelta import relativedelta

from domain.actors import Actor, Role
from domain.audience import Audience, audience_of, may_see
from domain.base import RecordAggregate
from domain.channel import Channel
from domain.errors import InvalidTransition, InvalidValue, NotPermitted
from domain.values import past_instant, plain_text
from retention.disposal import DISPOSERS

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

    class RenderingMade(RecordAggregate.Event):
        """The snapshot is the service's own rendering (återgivning) of the channel's record, made
        for ``audience`` from the log as it stood at ``as_of_position``; it holds the content of
        ``record_ids`` (posts, comments, replies). ``remakes`` names the rendering it replaces,
        made again after disposal decision ``decision_reference``."""

        audience: str
        record_ids: list[UUID]
        as_of_position: int
        remakes: UUID | None
        decision_reference: str | None

        def apply(self, snapshot: ChannelSnapshot) -> None:
            snapshot.audience = Audience(self.audience)
            snapshot.record_ids = self.record_ids
            snapshot.as_of_position = self.as_of_position

    class RenderingShredded(RecordAggregate.Event):
        """The rendering held content that disposal decision ``decision_id`` destroyed: it was
        made again without it, as ``remade_as``, and its own key is destroyed (gallrad kopia)."""

        decision_id: UUID
        reference: str
        remade_as: UUID

        def apply(self, snapshot: ChannelSnapshot) -> None:
            snapshot.remade_as = self.remade_as

    class FixityChecked(RecordAggregate.Event):
        """The stored file was read back and its SHA-256 compared (bevarandekontroll)."""

        intact: bool
        found_sha256: str | None

        def apply(self, snapshot: ChannelSnapshot) -> None:
            snapshot.last_fixity = self.intact

    def __init__(
        self,
        org_id: UUID,
        channel_id: UUID,
        sha256: str,
        media_type: str,
        period_start: str = "",
        period_end: str = "",
        rendered: bool = False,
        occurred_at: datetime | None = None,
    ):
        self.org_id = org_id
        self.channel_id = channel_id
        self.sha256 = sha256
        self.media_type = media_type
        self.period_start, self.period_end = period_start, period_end
        self.rendered = rendered
        self.taken_at = occurred_at
        self.last_fixity: bool | None = None
        # A rendering made before renderings named their audience may hold anything: the whole record.
        self.audience: Audience | None = Audience.RECORDS if rendered else None
        self.record_ids: list[UUID] = []
        self.as_of_position: int | None = None
        self.remade_as: UUID | None = None

    @classmethod
    def take(
        cls,
        snapshot_id: UUID,
        channel: Channel,
        period_start: date,
        period_end: date,
        sha256: str,
        size: int,
        media_type: str,
        filename: str,
        rendered: bool,
        taken_at: datetime | None,
        by: Actor,
        at: datetime,
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
            cls.Taken,
            id=snapshot_id,
            channel_id=channel.id,
            period_start=period_start.isoformat(),
            period_end=period_end.isoformat(),
            sha256=sha256,
            size=size,
            media_type=media_type,
            filename=plain_text("file", filename or "snapshot")[:200],
            rendered=rendered,
            **cls.envelope(by, at, taken, channel.org_id),
        )

    @staticmethod
    def rendering_audience(channel: Channel, asked: Audience | None, by: Actor) -> Audience:
        """The audience a rendering ``by`` asks for is made for: by default the widest they belong to."""
        by.require(SNAPSHOT_TAKERS, channel.org_id, "rendering a channel")
        audience = asked or audience_of(by, channel.org_id)
        if not may_see(by, channel.org_id, audience):
            raise NotPermitted(
                f"a rendering for the audience '{audience.value}' holds what only records officers "
                "and auditors may see; you may render for the audience 'public'"
            )
        return audience

    @classmethod
    def render(
        cls,
        snapshot_id: UUID,
        channel: Channel,
        period_start: date,
        period_end: date,
        sha256: str,
        size: int,
        filename: str,
        audience: Audience,
        record_ids: list[UUID],
        as_of_position: int,
        by: Actor,
        at: datetime,
        taken_at: datetime | None = None,
        remakes: ChannelSnapshot | None = None,
        decision_reference: str | None = None,
    ) -> ChannelSnapshot:
        """The service's rendering for ``audience``; or, with ``remakes``, that rendering made again."""
        cls.rendering_audience(channel, audience, by)
        snapshot = cls.take(
            snapshot_id,
            channel,
            period_start,
            period_end,
            sha256,
            size,
            MediaType.PDF.value,
            filename,
            True,
            taken_at,
            by,
            at,
        )
        snapshot._record(
            cls.RenderingMade,
            by,
            at,
            audience=audience.value,
            record_ids=sorted(set(record_ids)),
            as_of_position=as_of_position,
            remakes=remakes.id if remakes else None,
            decision_reference=decision_reference,
        )
        return snapshot

    def shred(self, remade_as: ChannelSnapshot, decision_id: UUID, reference: str, by: Actor, at: datetime) -> None:
        """This rendering, made again as ``remade_as`` under a disposal decision, is to be destroyed."""
        by.require(DISPOSERS, self.org_id, "destroying a rendering a disposal reached")
        if not self.rendered:
            raise InvalidTransition(
                "an uploaded snapshot is the webmaster's own record: it is disposed of only by "
                "a decision on its own class"
            )
        if self.remade_as is not None:
            raise InvalidTransition(f"the rendering was already made again, as {self.remade_as}")
        self._record(
            self.RenderingShredded, by, at, decision_id=decision_id, reference=reference, remade_as=remade_as.id
        )

    def holds_any(self, record_ids: list[UUID]) -> bool:
        return bool(set(self.record_ids) & set(record_ids))

    @property
    def bound_keys(self) -> list[str]:
        """The keys of the records whose content the file holds: destroying any makes it unreadable."""
        return [f"record:{record_id}" for record_id in self.record_ids]

    def require_reader(self, by: Actor) -> None:
        by.require(FIXITY_CHECKERS, self.org_id, "reading a snapshot")
        if self.audience is not None and not may_see(by, self.org_id, self.audience):
            raise NotPermitted(
                "reading a rendering of the whole record (deleted and removed content) requires the "
                "role auditor or records_officer"
            )

    def record_fixity(self, found_sha256: str | None, by: Actor, at: datetime) -> None:
        by.require(FIXITY_CHECKERS, self.org_id, "checking a snapshot's fixity")
        self._record(self.FixityChecked, by, at, intact=found_sha256 == self.sha256, found_sha256=found_sha256)
