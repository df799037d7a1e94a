"""Request and response bodies, named for their role."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.types import Text
from domain.channel import Platform


class Recorded(BaseModel):
    """What a command recorded. Pass ``position`` as ``wait_for_position`` to a read to see it."""

    id: UUID
    version: int = Field(description="The record's version after the command; send it as If-Match next time.")
    position: int = Field(description="The log position (notification id) of the last event recorded.")

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"id": "1b4e28ba-2fa1-41d2-883f-0016d3cca427", "version": 1, "position": 42}]}
    )


class ChannelCreate(BaseModel):
    platform: Platform = Field(description="Plattform.")
    name: Text = Field(min_length=1, max_length=200, description="The channel's name as shown on the platform.")
    url: Text = Field(min_length=1, max_length=2000, description="The channel's address (http or https).")
    owning_unit: Text = Field(min_length=1, max_length=200, description="Ansvarig enhet: the unit that owns it.")
    responsible: Text = Field(
        min_length=1,
        max_length=200,
        description="Ansvarig chef: the responsible manager (sektorschef for a unit's page, kommunchef for the body's own).",
    )
    purpose: Text = Field(min_length=1, max_length=2000, description="Syfte: why the channel exists.")

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "platform": "facebook",
                    "name": "Valdemarsviks kommun",
                    "url": "https://www.facebook.com/valdemarsvikskommun",
                    "owning_unit": "Kommunledningskontoret",
                    "responsible": "Kommunchef",
                    "purpose": "Information och dialog med invånare om kommunens verksamhet.",
                }
            ]
        },
    )


class ResponsibleChange(BaseModel):
    responsible: Text = Field(min_length=1, max_length=200)
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"responsible": "Sektorschef Kultur"}]})


class PurposeChange(BaseModel):
    purpose: Text = Field(min_length=1, max_length=2000)
    model_config = ConfigDict(extra="forbid")


class AddressChange(BaseModel):
    url: Text = Field(min_length=1, max_length=2000)
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"url": "https://x.com/valdemarsvik"}]})


class ChannelPublic(BaseModel):
    """A channel as the public register shows it."""

    id: UUID
    platform: Platform
    platform_label: str = Field(description="The platform's name in Swedish.")
    name: str
    url: str
    owning_unit: str
    responsible: str
    purpose: str
    status: str = Field(description="active, paused or closed (aktiv, pausad, avslutad).")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ChannelPublic:
        return cls(**public_channel(row))


_PUBLIC_FIELDS = ("id", "platform", "name", "url", "owning_unit", "responsible", "purpose", "status")
_PLATFORM_LABELS = {platform.value: platform.label_sv for platform in Platform}


def public_channel(row: dict[str, Any]) -> dict[str, Any]:
    """A register row as ``ChannelPublic``'s fields, in its order, as plain values: what the public
    reads serialise directly (``api.responses.json_response``) instead of building the model."""
    try:
        label = _PLATFORM_LABELS[row["platform"]]
    except KeyError:
        raise ValueError(f"channel {row['id']} has an unknown platform {row['platform']!r}") from None
    return {
        "id": row["id"],
        "platform": row["platform"],
        "platform_label": label,
        "name": row["name"],
        "url": row["url"],
        "owning_unit": row["owning_unit"],
        "responsible": row["responsible"],
        "purpose": row["purpose"],
        "status": row["status"],
    }


class ChannelDetail(ChannelPublic):
    """A channel as its own organisation's staff see it."""

    org_id: UUID
    version: int
    registered_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ChannelDetail:
        platform = Platform(row["platform"])
        fields = {k: row[k] for k in (*_PUBLIC_FIELDS, "org_id", "version", "registered_at", "updated_at")}
        return cls(platform_label=platform.label_sv, **fields)


class ChannelRegister(BaseModel):
    """Förteckning över sociala medier: an organisation's public register."""

    organisation: str
    organisation_slug: str
    channels: list[ChannelPublic]


class OrganisationPublic(BaseModel):
    slug: str
    name: str
    number: str


class AuditEntry(BaseModel):
    position: int = Field(description="Position in the global log.")
    entity_type: str
    entity_id: UUID
    entity_version: int
    event_type: str
    actor_id: str
    actor_name: str
    actor_role: str
    occurred_at: datetime = Field(description="When it happened in the world.")
    recorded_at: datetime = Field(description="When it was recorded here.")
    summary: str
    details: dict[str, Any]
