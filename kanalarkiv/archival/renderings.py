"""The service's renderings as copies of the record: made for an audience from the log at one
position, and made again when a disposal reaches a record they hold.

A rendering's file is bound to the keys of the records it holds (``snapshot_store``), so a
disposal makes it unreadable the moment it destroys their keys. What this module adds is the
replacement and its documentation: the rendering is made again from the same log position, for
the same audience and period, with the disposed content read as its marker; the old one is
recorded as remade and its own key destroyed; the decision records each rendering it reached.
Uploaded snapshots are the webmaster's own records, under their own class: a disposal of other
records leaves them as they are, and only lists those whose period covers a disposed record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from domain.audience import Audience
from domain.channel import Channel, Platform
from domain.errors import InvalidTransition
from domain.organisation import Organisation
from domain.period import SWEDISH_TIME, Period
from kanalarkiv.adapters.rendering import render_channel_record
from kanalarkiv.adapters.snapshot_store import SnapshotDisposed
from kanalarkiv.application.outcomes import Recorded
from kanalarkiv.archival.rendering_content import read_rendering
from kanalarkiv.readside.views import Views
from retention.disposal import DisposalDecision
from retention.rendering_document import RenderingDocument

if TYPE_CHECKING:
    from kanalarkiv.application.records import RecordsApplication

ATTEMPTS = 5  # a record disposed of, or the rendering remade elsewhere, while it was being made: read again


class RenderingNotMade(InvalidTransition):
    """The channel's record kept changing under disposals while it was being rendered."""


@dataclass(frozen=True)
class Remade:
    snapshot_id: UUID
    remade_as: UUID
    position: int


@dataclass(frozen=True)
class DisposalReach:
    """A disposal decision, and the copies outside the log it reached or left."""

    recorded: Recorded
    renderings_remade: list[Remade]
    uploaded_snapshots: list[dict[str, Any]]


def make_rendering(
    app: RecordsApplication, views: Views, channel_id: UUID, period: Period, audience: Audience | None = None
) -> Recorded:
    """Render the channel's posts published in ``period`` (Swedish days) as the log stands now,
    for ``audience`` (by default the widest the actor belongs to), and keep it as a snapshot."""
    channel, audience = app.rendering_audience(channel_id, audience)
    for _attempt in range(ATTEMPTS):
        document = _document(app, views, channel, period, app.recorder.max_notification_id() or 0, audience)
        try:
            return app.record_rendering(channel, document, render_channel_record(document, app.clock()))
        except SnapshotDisposed:
            continue
    raise RenderingNotMade("records of the channel were being disposed of while it was rendered: try again")


def reach_copies(app: RecordsApplication, views: Views, recorded: Recorded) -> DisposalReach:
    """After disposal decision ``recorded.id`` was executed: make every rendering it reached again,
    and list the uploaded snapshots covering its records."""
    decision = app.get_disposal_decision(recorded.id)
    remade = reach_renderings(app, views, decision.id)
    position = max([recorded.position, *(r.position for r in remade)])
    version = app.get_disposal_decision(decision.id).version
    return DisposalReach(Recorded(decision.id, version, position), remade, uploads_covering(views, decision))


def reach_renderings(
    app: RecordsApplication, views: Views, decision_id: UUID, position: int | None = None
) -> list[Remade]:
    """Make again each rendering in force that holds content of the decision's records, once the
    snapshot register has reached ``position`` (the log's head by default). Safe to repeat."""
    decision = app.get_disposal_decision(decision_id)
    if not decision.executed or not decision.reaches_content:
        return []
    views.wait_for("snapshots", app.recorder.max_notification_id() if position is None else position)
    reached = views.snapshots.renderings_reached(
        decision.org_id, decision.record_ids, _latest_by_channel(views, decision)
    )
    remade = [_remake(app, views, row["snapshot_id"], row["position"], decision.id) for row in reached]
    return [r for r in remade if r is not None]


def _remake(
    app: RecordsApplication, views: Views, snapshot_id: UUID, taken_position: int | None, decision_id: UUID
) -> Remade | None:
    for _attempt in range(ATTEMPTS):
        decision = app.get_disposal_decision(decision_id)
        old = app.get_snapshot(snapshot_id)
        while old.remade_as is not None:  # remade meanwhile: its successor is the rendering in force
            old = app.get_snapshot(old.remade_as)
        if old.record_ids and not old.holds_any(decision.record_ids):
            return None
        channel = app.get_channel(old.channel_id)
        position = old.as_of_position or taken_position or app.recorder.max_notification_id() or 0
        document = _document(
            app, views, channel, Period.of(old.period_start, old.period_end), position, old.audience or Audience.RECORDS
        )
        document.remade = {"reference": decision.reference, "snapshot_id": old.id}
        pdf = render_channel_record(document, app.clock())
        try:
            recorded = app.record_rendering(channel, document, pdf, remakes=old, decision=decision)
        except (IntegrityError, SnapshotDisposed):
            continue
        return Remade(old.id, recorded.id, recorded.position)
    raise RenderingNotMade(
        f"rendering {snapshot_id} kept changing while it was made again: repeat the disposal's "
        "reach with `kanalarkiv retention reapply-disposals`"
    )


def _document(
    app: RecordsApplication, views: Views, channel: Channel, period: Period, position: int, audience: Audience
) -> RenderingDocument:
    """The channel as its register entry read at ``position`` (its name and address then)."""
    views.wait_for("channel_register", position)
    entry = views.channel_register.channel(channel.id, position) or {"name": channel.name, "url": channel.url}
    shown = {
        "id": channel.id,
        "name": entry["name"],
        "platform": Platform(channel.platform).label_sv,
        "url": entry["url"],
    }
    organisation: Organisation = app.repository.get(channel.org_id)
    return read_rendering(views, app.keystore, organisation.name, shown, period, position, audience)


def _records(views: Views, decision: DisposalDecision) -> list[dict[str, Any]]:
    return views.retention.fetch_all(
        "SELECT record_id, channel_id, created_at FROM retention_records WHERE record_id = ANY(%s)"
        " AND channel_id IS NOT NULL",
        (decision.record_ids,),
    )


def _latest_by_channel(views: Views, decision: DisposalDecision) -> dict[UUID, datetime]:
    latest: dict[UUID, datetime] = {}
    for row in _records(views, decision):
        latest[row["channel_id"]] = max(row["created_at"], latest.get(row["channel_id"], row["created_at"]))
    return latest


def uploads_covering(views: Views, decision: DisposalDecision) -> list[dict[str, Any]]:
    """The uploaded snapshots whose period (Swedish days) includes the day a disposed record came
    into being, with how many of the decision's records fall in it."""
    days: dict[UUID, list[Any]] = {}
    for row in _records(views, decision):
        days.setdefault(row["channel_id"], []).append(row["created_at"].astimezone(SWEDISH_TIME).date())
    covering = []
    for upload in views.snapshots.uploads_of(list(days)):
        covered = sum(upload["period_start"] <= day <= upload["period_end"] for day in days[upload["channel_id"]])
        if covered:
            covering.append(upload | {"records": covered})
    return covering
