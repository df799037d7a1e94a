"""Events the log already holds with characters PostgreSQL cannot store in text (a NUL, written
before the boundary refused it, or by another writer) never stop a projection: they are
projected with U+FFFD in place of the NUL, the log keeps its bytes, and every other
organisation's later records stay readable."""

from __future__ import annotations

import re
from datetime import timedelta, timezone
from uuid import UUID

import psycopg
import pytest
from conftest import FACEBOOK_PAGE, register_organisation, staff
from editorial_story import given_a_municipality_with_an_active_page

import domain.values

ALL_VIEWS = ("channel_register", "audit_trail", "channel_content", "oversight", "diary", "retention", "snapshots")


@pytest.fixture
def an_older_writer(monkeypatch):
    """Records as a release before the checks did: control characters and any UTC offset reach the log."""
    monkeypatch.setattr(domain.values, "_NOT_TEXT", re.compile("(?!)"))
    monkeypatch.setattr(domain.values, "LARGEST_OFFSET", timedelta(hours=24))


def capture(town, platform_id: str, text: str, offset: timedelta = timedelta(0)) -> dict:
    now = town.now()
    published = (now - timedelta(hours=1)).astimezone(timezone(offset))
    return town.post(
        f"/v1/channels/{town.channel_id}/captures/posts",
        {
            "platform_post_id": platform_id,
            "text": text,
            "published_at": published.isoformat(),
            "captured_at": now.isoformat(),
            "author_name": "Valdemarsviks kommun",
        },
        as_=town.capture,
        expect=201,
    ).json()


def test_a_nul_in_the_log_stops_no_projection_and_no_other_organisation(client, runtime, an_older_writer):
    town = given_a_municipality_with_an_active_page(client, runtime)
    poisoned = capture(town, "fb_poison", "a\u0000b")
    capture(
        town, "fb_far_east", "Postad i en tidszon PostgreSQL inte kan lagra", offset=timedelta(hours=20, minutes=40)
    )
    town.post(f"/v1/channels/{town.channel_id}/purpose", {"purpose": "Syfte\u0000med NUL"}, as_=town.manager)
    town.post(
        "/v1/diary/entries",
        {
            "direction": "received",
            "record_date": town.now().date().isoformat(),
            "counterparty": "Kalle",
            "description": "Skrivelse\u0000om badplatser",
        },
        as_=town.officer,
        expect=None,
    )

    register_organisation(runtime, "soderkoping", "Söderköpings kommun", "212000-0530")
    neighbour = staff(runtime, "soderkoping", "manager", "Sara Chef")
    channel = client.post(
        "/v1/channels", json=FACEBOOK_PAGE | {"name": "Söderköpings kommun"}, headers=neighbour.headers
    ).json()
    later = client.post(f"/v1/channels/{channel['id']}/activate", headers=neighbour.headers).json()

    for view in ALL_VIEWS:
        runtime.views.wait_for(view, later["position"], timeout=10)
    register = client.get("/v1/organisations/soderkoping/channels").json()
    assert [c["name"] for c in register["channels"]] == ["Söderköpings kommun"]
    assert town.get(f"/v1/posts/{poisoned['id']}", as_=town.officer).json()["text"] == "a\ufffdb"
    purpose = client.get(f"/v1/channels/{town.channel_id}").json()["purpose"]
    assert purpose == "Syfte\ufffdmed NUL"


def test_the_log_keeps_the_bytes_it_was_given(client, runtime, an_older_writer):
    town = given_a_municipality_with_an_active_page(client, runtime)
    recorded = town.post(
        f"/v1/channels/{town.channel_id}/purpose", {"purpose": "Syfte\u0000med NUL"}, as_=town.manager
    ).json()
    with psycopg.connect(runtime.database_url) as conn:
        (state,) = conn.execute(
            f"SELECT state FROM {runtime.app.recorder.events_table_name} WHERE notification_id = %s",
            (recorded["position"],),
        ).fetchone()
    assert b"\\u0000" in bytes(state)
    assert runtime.app.get_channel(UUID(town.channel_id)).purpose == "Syfte\u0000med NUL"


def test_an_instant_with_an_offset_no_place_uses_is_refused_naming_the_field(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    now = town.now()
    far = (now - timedelta(hours=1)).astimezone(timezone(timedelta(hours=20, minutes=40)))
    response = town.post(
        f"/v1/channels/{town.channel_id}/captures/posts",
        {
            "platform_post_id": "fb_far",
            "text": "Hej",
            "published_at": far.isoformat(),
            "captured_at": now.isoformat(),
            "author_name": "Valdemarsviks kommun",
        },
        as_=town.capture,
        expect=422,
    )
    assert response.json()["errors"][0]["field"] == "published_at"
