"""A manager connects the channel's Facebook Page over the API, polls it now, sees it fail when
the token expires — in the list of failing sources, in /healthz and in /metrics — and gives it a
new token; bad input is refused naming the field; the token is in no answer, stored byte or log
line."""

from __future__ import annotations

import psycopg
import pytest
from capture_story import given_a_channel
from conftest import register_organisation, staff
from live_story import fake
from problems import assert_problem, refused
from source_story import KINDS, PAGE, towards

__all__ = ["fake"]
TOKEN_FIELD = {"access_token": "fake-graph-token-not-real"}


@pytest.fixture
def page(runtime, client, fake, clock):
    clock.advance(hours=3)
    channel = given_a_channel(runtime)
    runtime.app.live_endpoints = towards(fake)
    KINDS["facebook_page"].first(fake)
    return channel, staff(runtime, role="manager"), staff(runtime, role="editor", name="Erik Redaktör")


def connect(client, channel, manager, **body):
    body = {"kind": "facebook_page", "platform_id": PAGE, "credentials": TOKEN_FIELD} | body
    return client.post(f"/v1/channels/{channel.channel_id}/capture-sources", json=body, headers=manager.headers)


def test_a_manager_connects_polls_and_mends_a_page_whose_token_expired(client, runtime, fake, page, capfd):
    channel, manager, _editor = page
    connected = connect(client, channel, manager, polling_interval_minutes=30)
    assert connected.status_code == 201, connected.text
    source_id = connected.json()["id"]
    assert connected.headers["Location"] == f"/v1/capture-sources/{source_id}"

    polled = client.post(f"/v1/capture-sources/{source_id}/runs", headers=manager.headers).json()
    assert polled["outcome"] == "completed" and polled["counts"]["new"] == 6
    [listed] = client.get(
        f"/v1/channels/{channel.channel_id}/capture-sources",
        params={"wait_for_position": polled["position"]},
        headers=manager.headers,
    ).json()
    assert (listed["state"], listed["polling_interval_seconds"], listed["has_credentials"]) == ("ok", 1800, True)
    assert listed["next_poll_at"] and listed["last_success_at"] and listed["found"]["new"] == 6

    fake.facebook.token_error = 463
    stopped = client.post(f"/v1/capture-sources/{source_id}/runs", headers=manager.headers).json()
    assert (stopped["outcome"], stopped["reason"]) == ("suspended", "credentials_expired")
    [failing] = client.get(
        "/v1/capture/sources",
        params={"state": "failing", "wait_for_position": stopped["position"]},
        headers=manager.headers,
    ).json()
    assert failing["source_id"] == source_id and failing["suspended_reason"] == "credentials_expired"
    assert failing["last_success_at"] == listed["last_success_at"]
    health = client.get("/healthz").json()["capture_sources"]
    assert (health["failing"], health["stopped"], health["failing_sources"]) == (1, 1, [source_id])
    metrics = client.get("/metrics").text
    assert (
        f'kanalarkiv_capture_source_failing{{channel_id="{channel.channel_id}",kind="facebook_page",source_id="{source_id}"}} 1.0'
        in metrics
    )
    assert 'kanalarkiv_capture_polls_total{kind="facebook_page",outcome="failed"} 1.0' in metrics
    assert "kanalarkiv_capture_source_last_success_timestamp{" in metrics

    refused = client.post(f"/v1/capture-sources/{source_id}/runs", headers=manager.headers)
    assert_problem(refused, 409)
    fake.facebook.token_error, fake.facebook.token = None, "fake-graph-token-renewed"
    mended = client.patch(
        f"/v1/capture-sources/{source_id}",
        json={"credentials": {"access_token": fake.facebook.token}},
        headers=manager.headers,
    )
    assert mended.status_code == 200, mended.text
    tried = client.post(f"/v1/capture-sources/{source_id}/test", headers=manager.headers).json()
    assert tried["ok"] is True and tried["answers"] >= 1
    again = client.post(f"/v1/capture-sources/{source_id}/runs", headers=manager.headers).json()
    assert again["outcome"] == "completed" and again["counts"]["new"] == 0
    assert client.get("/v1/capture/sources", params={"state": "failing", "wait_for_position": again["position"]},
                      headers=manager.headers).json() == []  # fmt: skip

    gone = client.delete(
        f"/v1/capture-sources/{source_id}", params={"reason": "sidan är nedlagd"}, headers=manager.headers
    )
    assert gone.status_code == 200
    everything = [connected.text, polled, listed, stopped, failing, health, metrics, mended.text, tried, again]
    for token in ("fake-graph-token-not-real", "fake-graph-token-renewed"):
        assert token not in str(everything) and token.encode() not in stored_bytes(runtime.database_url)
        assert token not in capfd.readouterr().err


def test_a_dry_fetch_says_when_the_token_does_not_work(client, runtime, fake, page):
    channel, manager, _editor = page
    source_id = connect(client, channel, manager).json()["id"]
    fake.facebook.token_error = 460
    tried = client.post(f"/v1/capture-sources/{source_id}/test", headers=manager.headers).json()
    assert (tried["ok"], tried["reason"]) == (False, "credentials_invalid")
    assert runtime.views.capture_runs.runs_of(channel.channel_id) == []  # nothing recorded


def test_bad_input_is_refused_naming_the_field_and_nothing_is_connected(client, runtime, page):
    channel, manager, editor = page
    refused(connect(client, channel, manager, kind="myspace"), "kind")
    refused(connect(client, channel, manager, polling_interval_minutes=2), "polling_interval_minutes")
    refused(connect(client, channel, manager, credentials=None), "credentials")
    refused(connect(client, channel, manager, kind="youtube_channel"), "kind")
    refused(connect(client, channel, manager, credentials={"access_token": ""}), "credentials.access_token")  # fmt: skip
    assert_problem(connect(client, channel, editor), 403)
    assert connect(client, channel, manager).status_code == 201
    assert_problem(connect(client, channel, manager), 409)  # one account feeds one channel
    [source] = client.get(
        "/v1/capture/sources", params={"wait_for_position": runtime.head()}, headers=manager.headers
    ).json()
    refused(client.delete(f"/v1/capture-sources/{source['source_id']}", headers=manager.headers), "reason")
    assert_problem(client.get(f"/v1/capture-sources/{source['source_id']}", headers=editor.headers), 403)
    refused(client.get("/v1/capture/sources", params={"state": "broken"}, headers=manager.headers), "state")


def stored_bytes(url: str) -> bytes:
    """The log and every view's tables, as a dump would hold them."""
    with psycopg.connect(url) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        rows = [row for table in tables for row in conn.execute(f'SELECT * FROM "{table}"').fetchall()]
    return repr(rows).encode() + b"".join(v for row in rows for v in row if isinstance(v, bytes))


def test_another_organisation_s_manager_can_neither_see_nor_touch_the_source(client, runtime, page):
    channel, manager, _editor = page
    source_id = connect(client, channel, manager).json()["id"]
    register_organisation(runtime, "soderkoping", "Söderköpings kommun", "212000-0530")
    theirs = staff(runtime, slug="soderkoping", role="manager", name="Sara Chef")
    for method, path in [
        ("GET", f"/v1/capture-sources/{source_id}"),
        ("POST", f"/v1/capture-sources/{source_id}/runs"),
        ("POST", f"/v1/capture-sources/{source_id}/test"),
        ("PATCH", f"/v1/capture-sources/{source_id}"),
        ("DELETE", f"/v1/capture-sources/{source_id}?reason=nej"),
        ("GET", f"/v1/channels/{channel.channel_id}/capture-sources"),
    ]:
        body = {"polling_interval_minutes": 60} if method == "PATCH" else None
        assert_problem(client.request(method, path, json=body, headers=theirs.headers), 403)
    assert client.get("/v1/capture/sources", headers=theirs.headers).json() == []
    assert runtime.views.capture_runs.runs_of(channel.channel_id) == []
