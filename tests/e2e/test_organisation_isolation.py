"""A token of one organisation can neither read nor change another organisation's non-public data."""

from __future__ import annotations

from conftest import FACEBOOK_PAGE, issue_token, register_organisation


def given_two_municipalities(client, runtime):
    register_organisation(runtime, "valdemarsvik", "Valdemarsviks kommun", "212000-0522")
    register_organisation(runtime, "soderkoping", "Söderköpings kommun", "212000-0530")
    ours = issue_token(runtime, "valdemarsvik", "records_officer", "Rita Registrator")
    theirs_manager = issue_token(runtime, "soderkoping", "manager", "Sune Chef")
    planned = client.post("/v1/channels", json=FACEBOOK_PAGE, headers=theirs_manager).json()
    active = client.post("/v1/channels", json=FACEBOOK_PAGE | {"name": "Söderköping"}, headers=theirs_manager).json()
    done = client.post(f"/v1/channels/{active['id']}/activate", headers=theirs_manager).json()
    runtime.views.wait_for("channel_register", done["position"])
    runtime.views.wait_for("audit_trail", done["position"])
    return ours, planned, active


def test_another_organisations_channel_cannot_be_changed(client, runtime):
    ours, planned, active = given_two_municipalities(client, runtime)
    before = runtime.head()
    for channel in (planned, active):
        response = client.post(f"/v1/channels/{channel['id']}/close", json={"reason": "x"}, headers=ours)
        assert response.status_code == 403
        assert "another organisation" in response.json()["detail"]
    assert runtime.head() == before


def test_another_organisations_history_and_planned_channels_stay_hidden(client, runtime):
    ours, planned, active = given_two_municipalities(client, runtime)
    assert client.get(f"/v1/channels/{active['id']}/history", headers=ours).status_code == 403
    assert client.get(f"/v1/channels/{planned['id']}", headers=ours).status_code == 404


def test_another_organisations_public_channel_reads_as_the_public_sees_it(client, runtime):
    ours, _planned, active = given_two_municipalities(client, runtime)
    as_outsider = client.get(f"/v1/channels/{active['id']}", headers=ours)
    assert as_outsider.status_code == 200
    assert "version" not in as_outsider.json() and "ETag" not in as_outsider.headers
    assert as_outsider.json() == client.get(f"/v1/channels/{active['id']}").json()


def test_a_token_registers_channels_only_in_its_own_organisation(client, runtime):
    _ours, _planned, _active = given_two_municipalities(client, runtime)
    manager = issue_token(runtime, "valdemarsvik", "manager", "Anna Chef")
    created = client.post("/v1/channels", json=FACEBOOK_PAGE | {"name": "Vår kanal"}, headers=manager).json()
    client.post(f"/v1/channels/{created['id']}/activate", headers=manager)
    done = client.post(f"/v1/channels/{created['id']}/pause", json={"reason": "Test"}, headers=manager).json()
    soderkoping = client.get(f"/v1/organisations/soderkoping/channels?wait_for_position={done['position']}").json()
    valdemarsvik = client.get("/v1/organisations/valdemarsvik/channels").json()
    assert [c["name"] for c in soderkoping["channels"]] == ["Söderköping"]
    assert [c["name"] for c in valdemarsvik["channels"]] == ["Vår kanal"]
