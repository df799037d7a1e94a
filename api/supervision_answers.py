"""Supervision's answers built from view rows, shared by the API routes and the Swedish pages:
a channel's user information (its stored version, or the Swedish default), and statistics."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from api.schemas.supervision import (
    ChannelStatistics,
    FlagPublic,
    MonthlySupervision,
    QueueItem,
    UserInformationPublic,
)
from domain.supervision.working_time import SWEDEN
from domain.user_information import default_user_information
from kanalarkiv.readside.views import Views


def end_of(day_or_instant: date | datetime | None) -> datetime | None:
    """A day asked about means the whole day, Swedish time: the instant it ends."""
    if day_or_instant is None or isinstance(day_or_instant, datetime):
        return day_or_instant
    return datetime.combine(day_or_instant + timedelta(days=1), time.min, SWEDEN) - timedelta(microseconds=1)


def user_information(
    views: Views, channel: dict[str, Any], organisation: str, at: datetime | None = None
) -> UserInformationPublic:
    """What the channel told its users at ``at`` (now if none): the version written latest before
    it, or the default when none was written by then."""
    row = views.supervision.user_information(channel["id"], at)
    if row is None:
        default = default_user_information(
            organisation, channel["name"], channel["owning_unit"], channel["responsible"]
        )
        return UserInformationPublic(
            channel_id=channel["id"],
            version=0,
            is_default=True,
            in_force_from=None,
            written_by_name=None,
            **default.sections(),
        )
    return UserInformationPublic(
        **{k: row[k] for k in UserInformationPublic.model_fields if k in row},
        is_default=False,
        in_force_from=row["changed_at"],
        written_by_name=row["changed_by_name"],
    )


_QUEUE_FIELDS = tuple(name for name in QueueItem.model_fields if name != "flags")
_FLAG_FIELDS = tuple(FlagPublic.model_fields)


def queue_item(row: dict[str, Any]) -> dict[str, Any]:
    """A queue row as ``QueueItem`` serialises it, its keys in the model's order (the flags come
    from ``jsonb``, which orders keys its own way), for the answer serialised once with orjson."""
    item = {name: row[name] for name in _QUEUE_FIELDS}
    item["flags"] = [{name: flag[name] for name in _FLAG_FIELDS} for flag in row["flags"]]
    return item


def statistics(views: Views, channel_id: UUID, now: datetime) -> ChannelStatistics:
    months = [
        MonthlySupervision(
            **row,
            share_within_target=round(row["answered_within_target"] / row["with_target"], 4)
            if row["with_target"]
            else None,
        )
        for row in views.supervision.monthly(channel_id, now)
    ]
    return ChannelStatistics(
        channel_id=channel_id, target_working_hours=views.supervision.target(channel_id), months=months
    )
