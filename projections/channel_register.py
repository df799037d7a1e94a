"""The channel register (förteckning över sociala medier): every channel's current reading,
and the organisations' slugs and names that the public register is addressed by."""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from psycopg import Cursor, sql

from domain.channel import LIFE_CYCLE_EVENTS, STATUS_AFTER, Channel
from domain.organisation import Organisation
from projections.core.base import BatchProjection, View, handles
from projections.core.temporal import Versioned, source

PUBLIC_STATUSES = ("active", "paused", "closed")


class ChannelRegisterView(View):
    name = "channel_register"
    tables = ("channel_register", "channel_register_orgs")
    create_statements = (
        """CREATE TABLE IF NOT EXISTS channel_register_orgs (
            org_id uuid PRIMARY KEY,
            slug text NOT NULL UNIQUE,
            name text NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS channel_register (
            id uuid PRIMARY KEY,
            org_id uuid NOT NULL,
            platform text NOT NULL,
            name text NOT NULL,
            url text NOT NULL,
            owning_unit text NOT NULL,
            responsible text NOT NULL,
            purpose text NOT NULL,
            status text NOT NULL,
            version integer NOT NULL,
            registered_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS channel_register_org_idx ON channel_register (org_id, status, platform, name)",
    )
    versioned = (Versioned("channel_register", ("id",), (("org_id",),)),)
    bulk_tables: ClassVar = {"channel_register": ("id",), "channel_register_orgs": ("org_id",)}

    def organisation_by_slug(self, slug: str) -> dict[str, Any] | None:
        return self.fetch_one("SELECT org_id, slug, name FROM channel_register_orgs WHERE slug = %s", (slug,))

    def channels_of(self, org_id: UUID, statuses: tuple[str, ...], as_of: int | None = None) -> list[dict[str, Any]]:
        return self.fetch_all(
            sql.SQL(
                "SELECT * FROM {} WHERE org_id = %s AND status = ANY(%s) ORDER BY platform, lower(name), id"
            ).format(source("channel_register", as_of)),
            (org_id, list(statuses)),
        )

    def channel(self, channel_id: UUID, as_of: int | None = None) -> dict[str, Any] | None:
        return self.fetch_one(
            sql.SQL("SELECT * FROM {} WHERE id = %s").format(source("channel_register", as_of)), (channel_id,)
        )


_CHANGED_FIELD = {
    Channel.ResponsibleChanged: "responsible",
    Channel.PurposeChanged: "purpose",
    Channel.AddressChanged: "url",
}


class ChannelRegisterProjection(BatchProjection[ChannelRegisterView]):
    name = "channel_register"
    view_class: ClassVar = ChannelRegisterView

    @handles(Organisation.Registered, reads="channel_register_orgs")
    def organisation_registered(self, event: Organisation.Registered, curs: Cursor[Any], position: int) -> None:
        self.rows("channel_register_orgs").insert(
            {"org_id": event.originator_id, "slug": event.slug, "name": event.name}, position, if_absent=True
        )

    @handles(Channel.Registered)
    def registered(self, event: Channel.Registered, curs: Cursor[Any], position: int) -> None:
        self.rows("channel_register").insert(
            {
                "id": event.originator_id,
                "org_id": event.org_id,
                "platform": event.platform,
                "name": event.name,
                "url": event.url,
                "owning_unit": event.owning_unit,
                "responsible": event.responsible,
                "purpose": event.purpose,
                "status": "planned",
                "version": event.originator_version,
                "registered_at": event.timestamp,
                "updated_at": event.timestamp,
            },
            position,
        )

    @handles(*LIFE_CYCLE_EVENTS, reads="channel_register")
    def status_changed(self, event: Channel.Event, curs: Cursor[Any], position: int) -> None:
        self._update(event, position, "status", STATUS_AFTER[type(event)].value)

    @handles(Channel.ResponsibleChanged, Channel.PurposeChanged, Channel.AddressChanged, reads="channel_register")
    def detail_changed(self, event: Channel.Event, curs: Cursor[Any], position: int) -> None:
        field = _CHANGED_FIELD[type(event)]
        self._update(event, position, field, getattr(event, field))

    def _update(self, event: Channel.Event, position: int, column: str, value: Any) -> None:
        self.rows("channel_register").update(
            event.originator_id,
            position,
            **{column: value, "version": event.originator_version, "updated_at": event.timestamp},
        )
