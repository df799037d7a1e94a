"""A projection that cannot apply an event does not stall in silence: it applies every event
before it, stops at that one, and says so — /healthz answers 503 naming it, its position and its
error, /metrics counts it failed, a read waiting on it answers 503 at once naming it — while the
other projections go on. When the event applies (the bug is fixed), it runs again by itself."""

from __future__ import annotations

import time

import pytest
from conftest import FACEBOOK_PAGE, issue_token, register_organisation
from waiting import eventually

from domain.channel import Channel
from projections.channel_register import ChannelRegisterProjection


class ABug:
    """A handler of the register that fails on the purpose "Sprängs", until it is fixed."""

    def __init__(self, monkeypatch):
        self.fixed = False
        handle = ChannelRegisterProjection._handlers[Channel.PurposeChanged]

        def failing(projection, event, curs, position):
            if event.purpose == "Sprängs" and not self.fixed:
                raise ValueError("the register cannot show this purpose")
            handle(projection, event, curs, position)

        monkeypatch.setitem(ChannelRegisterProjection._handlers, Channel.PurposeChanged, failing)


@pytest.fixture
def bug(monkeypatch):
    return ABug(monkeypatch)


def test_a_projection_stops_at_the_event_it_cannot_apply_and_says_so(client, runtime, bug):
    register_organisation(runtime)
    manager = issue_token(runtime)
    first = client.post("/v1/channels", json=FACEBOOK_PAGE, headers=manager).json()
    client.post(f"/v1/channels/{first['id']}/activate", headers=manager)
    poison = client.post(f"/v1/channels/{first['id']}/purpose", json={"purpose": "Sprängs"}, headers=manager).json()
    later = client.post(f"/v1/channels/{first['id']}/purpose", json={"purpose": "Information"}, headers=manager).json()

    health = eventually(
        lambda: (
            (r := client.get("/healthz")).status_code == 503
            and r.json()["projections"]["channel_register"]["state"] == "failed"
            and r.json()
        )
    )
    register = health["projections"]["channel_register"]
    assert health["failing"] == ["channel_register"]
    assert register["failed_position"] == poison["position"]
    assert register["position"] == poison["position"] - 1  # every event before it applied
    assert "the register cannot show this purpose" in register["last_error"]

    runtime.views.wait_for("audit_trail", later["position"])  # the others go on
    metrics = client.get("/metrics").text
    assert 'kanalarkiv_projection_failed{projection="channel_register"} 1.0' in metrics
    assert f'kanalarkiv_projection_failed_position{{projection="channel_register"}} {poison["position"]}.0' in metrics

    started = time.monotonic()
    waiting = client.get("/v1/organisations/valdemarsvik/channels", params={"wait_for_position": later["position"]})
    assert waiting.status_code == 503 and time.monotonic() - started < 2
    assert waiting.json()["projection"] == "channel_register"
    assert waiting.json()["failed_position"] == poison["position"]
    assert "the register cannot show this purpose" in waiting.json()["detail"]

    bug.fixed = True
    eventually(lambda: client.get("/healthz").status_code == 200)
    runtime.views.wait_for("channel_register", later["position"])
