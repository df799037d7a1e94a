"""The model's cast for stories told without the service: one organisation, its manager, editor,
capture client and records officer, an active channel and its roster."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from domain.actors import Actor, Role
from domain.channel import Channel
from domain.roster import ChannelRoster

ORG = uuid4()


T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


MANAGER = Actor("anna", "Anna Chef", Role.MANAGER, ORG)


EDITOR = Actor("erik", "Erik Redaktör", Role.EDITOR, ORG)


CAPTURE = Actor("fb", "Insamlaren", Role.CAPTURE_CLIENT, ORG)


OFFICER = Actor("rita", "Rita Registrator", Role.RECORDS_OFFICER, ORG)


def active_channel() -> Channel:
    channel = Channel.register(
        uuid4(), ORG, "facebook", "Sida", "https://facebook.com/x", "Enhet", "Chef", "Info", by=MANAGER, at=T0
    )
    channel.activate(by=MANAGER, at=T0)
    return channel


def roster_with_erik(channel: Channel, until: datetime | None = None) -> ChannelRoster:
    roster = ChannelRoster.open(channel, by=MANAGER, at=T0)
    roster.assign(channel, uuid4(), "erik", "Erik Redaktör", T0, until, "Allt", by=MANAGER, at=T0)
    return roster
