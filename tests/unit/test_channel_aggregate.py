"""User story 1, the model alone: a channel's rules, and its history replaying to the same state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.actors import Actor, Role
from domain.channel import Channel, ChannelStatus
from domain.errors import ForeignOrganisation, InvalidTransition, InvalidValue, NotPermitted, StaleVersion

ORG = uuid4()
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MANAGER = Actor("anna", "Anna Chef", Role.MANAGER, ORG)
EDITOR = Actor("erik", "Erik Redaktör", Role.EDITOR, ORG)
OUTSIDER = Actor("olle", "Olle Annan", Role.MANAGER, uuid4())


def registered(**overrides) -> Channel:
    details = {
        "platform": "instagram",
        "name": "Kultur i Valdemarsvik",
        "url": "https://instagram.com/kultur",
        "owning_unit": "Kultur och fritid",
        "responsible": "Sektorschef Kultur",
        "purpose": "Evenemang",
    } | overrides
    return Channel.register(uuid4(), ORG, **details, by=MANAGER, at=T0)


def replay(channel: Channel) -> Channel:
    events = channel.collect_events()
    copy = None
    for event in events:
        copy = event.mutate(copy)
    return copy


def test_a_registered_channel_is_planned_and_carries_who_and_when():
    channel = registered()
    [event] = channel.pending_events
    assert channel.status is ChannelStatus.PLANNED
    assert (event.actor_id, event.actor_name, event.actor_role) == ("anna", "Anna Chef", "manager")
    assert event.org_id == ORG and event.recorded_at == T0 and event.occurred_at == T0


def test_the_life_cycle_runs_planned_active_paused_active_closed_reopened():
    channel = registered()
    channel.activate(by=MANAGER, at=T0 + timedelta(days=1))
    channel.pause("Sommaruppehåll", by=MANAGER, at=T0 + timedelta(days=2))
    channel.activate(by=MANAGER, at=T0 + timedelta(days=3))
    channel.close("Ersatt av ny kanal", by=MANAGER, at=T0 + timedelta(days=4))
    channel.reopen("Behövs igen", by=MANAGER, at=T0 + timedelta(days=5))
    assert channel.status is ChannelStatus.ACTIVE
    assert [type(e).__name__ for e in channel.pending_events] == [
        "Registered",
        "Activated",
        "Paused",
        "Activated",
        "Closed",
        "Reopened",
    ]


@pytest.mark.parametrize(
    "command",
    [
        lambda c: c.pause("x", by=MANAGER, at=T0),
        lambda c: c.reopen("x", by=MANAGER, at=T0),
    ],
)
def test_a_planned_channel_can_be_neither_paused_nor_reopened(command):
    with pytest.raises(InvalidTransition):
        command(registered())


def test_a_closed_channel_keeps_its_details_until_reopened():
    channel = registered()
    channel.close("Nedlagd", by=MANAGER, at=T0)
    with pytest.raises(InvalidTransition, match="reopen it first"):
        channel.change_purpose("Nytt syfte", by=MANAGER, at=T0)


def test_an_editor_cannot_change_the_register():
    with pytest.raises(NotPermitted, match="manager, records_officer"):
        registered().activate(by=EDITOR, at=T0)


def test_a_manager_of_another_organisation_cannot_touch_the_channel():
    with pytest.raises(ForeignOrganisation):
        registered().pause("x", by=OUTSIDER, at=T0)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("url", "not a url"),
        ("url", "javascript:alert(1)"),
        ("url", "ftp://example.se/x"),
        ("platform", "myspace"),
        ("name", "   "),
        ("purpose", ""),
    ],
)
def test_invalid_details_are_refused_naming_the_field(field, value):
    with pytest.raises(InvalidValue) as refused:
        registered(**{field: value})
    assert refused.value.field == field


def test_naive_times_are_refused():
    with pytest.raises(InvalidValue, match="timezone"):
        Channel.register(
            uuid4(), ORG, "blog", "B", "https://blogg.se", "U", "R", "P", by=MANAGER, at=datetime(2026, 1, 1)
        )


def test_a_stale_version_is_refused():
    channel = registered()
    channel.activate(by=MANAGER, at=T0)
    with pytest.raises(StaleVersion):
        channel.check_version(1)


def test_history_replays_to_the_same_state():
    channel = registered()
    channel.activate(by=MANAGER, at=T0 + timedelta(hours=1))
    channel.change_responsible("Sektorschef Fritid", by=MANAGER, at=T0 + timedelta(hours=2))
    channel.change_address("https://instagram.com/fritid", by=MANAGER, at=T0 + timedelta(hours=3))
    channel.pause("Vakans", by=MANAGER, at=T0 + timedelta(hours=4))
    copy = replay(channel)
    assert copy.__dict__ == channel.__dict__ | {"_pending_events": []}
    assert (copy.status, copy.responsible, copy.url, copy.version) == (
        ChannelStatus.PAUSED,
        "Sektorschef Fritid",
        "https://instagram.com/fritid",
        5,
    )
