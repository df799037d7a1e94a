"""The application's snapshot commands: half-year snapshots and renderings of a channel, stored
encrypted, bound to the keys of the records they hold, and checked for fixity."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID, uuid4

from domain.audience import Audience
from domain.channel import Channel
from domain.errors import InvalidTransition
from kanalarkiv.adapters.snapshot_store import SnapshotDisposed
from kanalarkiv.application.base import RecordsBase
from kanalarkiv.application.context import current_actor
from kanalarkiv.application.outcomes import Recorded, RecordNotFound
from retention.disposal import DisposalDecision
from retention.rendering_document import RenderingDocument
from retention.snapshots import ChannelSnapshot, sniffed_media_type


class SnapshotCommands(RecordsBase):
    """Snapshots a webmaster uploads, renderings the service makes, and their fixity."""

    # Not the library's take_snapshot (an aggregate's state, for faster loading), which this shadows;
    # kanalarkiv never turns the library's snapshotting on (no IS_SNAPSHOTTING_ENABLED or intervals).
    def take_snapshot(  # type: ignore[override]  # shadows the library's, unused here (above)
        self,
        channel_id: UUID,
        period_start: date,
        period_end: date,
        filename: str,
        media_type: str,
        content: bytes,
        taken_at: datetime | None = None,
    ) -> Recorded:
        """An uploaded snapshot: the webmaster's own record (renderings are kept by record_rendering)."""
        channel = self.get_channel(channel_id)
        by, at = current_actor(), self.clock()
        checked_type = sniffed_media_type(media_type, content[:16])
        snapshot_id = uuid4()
        sha256 = self.snapshot_store.put(channel.org_id, snapshot_id, content)
        snapshot = ChannelSnapshot.take(
            snapshot_id,
            channel,
            period_start,
            period_end,
            sha256,
            len(content),
            checked_type.value,
            filename,
            False,
            taken_at,
            by=by,
            at=at,
        )
        return self._recorded(snapshot)

    def rendering_audience(self, channel_id: UUID, asked: Audience | None) -> tuple[Channel, Audience]:
        """The channel, and the audience a rendering of it is made for (checked before it is read)."""
        channel = self.get_channel(channel_id)
        return channel, ChannelSnapshot.rendering_audience(channel, asked, current_actor())

    def record_rendering(
        self,
        channel: Channel,
        document: RenderingDocument,
        pdf: bytes,
        remakes: ChannelSnapshot | None = None,
        decision: DisposalDecision | None = None,
    ) -> Recorded:
        """Keep a rendering, its file bound to the keys of the records it holds. With ``remakes``,
        it replaces that rendering under ``decision``: the old one is recorded as made again and
        its key destroyed, in that order, so that nothing is lost unrecorded."""
        by, at = current_actor(), self.clock()
        snapshot_id, record_ids, period = uuid4(), document.record_ids, document.period
        sha256 = self.snapshot_store.put(channel.org_id, snapshot_id, pdf, [f"record:{r}" for r in record_ids])
        snapshot = ChannelSnapshot.render(
            snapshot_id,
            channel,
            period.start,
            period.end,
            sha256,
            len(pdf),
            f"{channel.name}-{period.start}-{period.end}.pdf",
            document.audience,
            record_ids,
            document.position,
            by=by,
            at=at,
            taken_at=remakes.taken_at if remakes else None,
            remakes=remakes,
            decision_reference=decision.reference if decision else None,
        )
        if remakes is None or decision is None:
            return self._recorded(snapshot)
        remakes.shred(snapshot, decision.id, decision.reference, by=by, at=at)
        decision.record_rendering_remade(remakes.id, snapshot.id, by=by, at=at)
        recorded = self._recorded(snapshot, remakes, decision)
        self.keystore.destroy([f"record:{remakes.id}"], decision.id, decision.reference, at)
        return recorded

    def check_fixity(self, snapshot_id: UUID) -> tuple[bool, Recorded]:
        snapshot = self.get_snapshot(snapshot_id)
        try:
            found = self.snapshot_store.sha256_of(snapshot.org_id, snapshot.sha256, snapshot.id, snapshot.bound_keys)
        except SnapshotDisposed as disposed:
            raise InvalidTransition(f"{disposed}: its content is gone, there is no file to check") from None
        snapshot.record_fixity(found, by=current_actor(), at=self.clock())
        return snapshot.last_fixity is True, self._recorded(snapshot)

    def snapshot_content(self, snapshot_id: UUID) -> tuple[ChannelSnapshot, bytes]:
        """The snapshot's file, for those who may see what it holds (a rendering: its audience)."""
        snapshot = self.get_snapshot(snapshot_id)
        snapshot.require_reader(current_actor())
        try:
            content = self.snapshot_store.get(snapshot.org_id, snapshot.sha256, snapshot.id, snapshot.bound_keys)
        except SnapshotDisposed as disposed:
            if snapshot.remade_as is None:
                raise
            raise SnapshotDisposed(disposed.reference, remade_as=snapshot.remade_as) from None
        if content is None:
            raise RecordNotFound(f"the file of snapshot {snapshot_id} is missing from storage; check its fixity")
        return snapshot, content

    def get_snapshot(self, snapshot_id: UUID) -> ChannelSnapshot:
        return self._get(snapshot_id, ChannelSnapshot, "snapshot")
