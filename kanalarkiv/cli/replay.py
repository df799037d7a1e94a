"""``kanalarkiv replay``: a register, or one channel's record, as it stood at a past instant."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

import orjson
import typer

from domain.errors import InvalidValue
from domain.values import instant as in_range
from kanalarkiv.cli.common import caught_up, fail, opened
from projections.channel_register import PUBLIC_STATUSES


def _instant(value: str) -> datetime:
    try:
        instant = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise fail("--as-of: give an ISO 8601 instant, e.g. 2026-03-01T12:00:00Z") from None
    if instant.tzinfo is None:
        raise fail("--as-of: the instant needs a timezone, e.g. 2026-03-01T12:00:00+01:00")
    try:
        return in_range("as_of", instant, datetime.now(UTC))
    except InvalidValue as refused:
        raise fail(f"--as-of: {refused.message}") from None


def replay(
    org: Annotated[str, typer.Option(help="The organisation's slug.")],
    as_of: Annotated[str, typer.Option("--as-of", help="The instant, ISO 8601 with a timezone.")],
    channel: Annotated[str | None, typer.Option(help="Also one channel's assignments, posts and comments.")] = None,
) -> None:
    """Print, as JSON, the channel register (and optionally one channel's record) as it stood then."""
    instant = _instant(as_of)
    with opened() as runtime:
        organisation = runtime.app.organisation_by_slug(org)
        for name in ("audit_trail", "channel_register", "channel_content", "editor_assignments"):
            caught_up(runtime, name)
        views = runtime.views
        position = views.audit_trail.position_at(organisation.id, instant)
        report: dict[str, Any] = {
            "organisation": org,
            "as_of": instant.isoformat(),
            "position": position,
            "channels": views.channel_register.channels_of(organisation.id, (*PUBLIC_STATUSES, "planned"), position),
        }
        if channel:
            report |= _channel_record(views, organisation.id, _uuid(channel), position)
        print(orjson.dumps(report, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS, default=str).decode())


def _uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise fail(f"channel {value!r} is not a UUID") from None


def _channel_record(views: Any, org_id: UUID, channel_id: UUID, position: int) -> dict[str, Any]:
    row = views.channel_register.channel(channel_id, position)
    if row is None or row["org_id"] != org_id:
        raise fail(f"no channel {channel_id} of this organisation existed then")
    posts = views.channel_content.posts_of(channel_id, 200, 0, position)
    return {
        "channel": row,
        "assignments": views.editor_assignments.of_channel(channel_id, position),
        "posts": [
            post | {"comments": views.channel_content.comments_on(post["post_id"], False, position)} for post in posts
        ],
    }
