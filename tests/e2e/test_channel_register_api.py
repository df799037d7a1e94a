"""User story 1 through HTTP: a manager registers the body's channels and the public reads
the register, as JSON and as the Swedish page the website links to."""

from __future__ import annotations

from conftest import FACEBOOK_PAGE, issue_token, register_organisation


def register(client, headers, **overrides) -> dict:
    response = client.post("/v1/channels", json=FACEBOOK_PAGE | overrides, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_registered_and_activated_channel_appears_in_the_public_register(client, runtime):
    register_organisation(runtime)
    manager = issue_token(runtime)
    channel = register(client, manager)
    assert client.get(f"/v1/channels/{channel['id']}").status_code == 404  # planned: not public yet

    activated = client.post(f"/v1/channels/{channel['id']}/activate", headers=manager).json()
    register_ = client.get(f"/v1/organisations/valdemarsvik/channels?wait_for_position={activated['position']}")

    assert register_.status_code == 200
    assert register_.json() == {
        "organisation": "Valdemarsviks kommun",
        "organisation_slug": "valdemarsvik",
        "channels": [{"id": channel["id"], "platform_label": "Facebook", "status": "active", **FACEBOOK_PAGE}],
    }


def test_the_public_page_lists_the_channels_in_swedish(client, runtime):
    register_organisation(runtime)
    manager = issue_token(runtime)
    channel = register(client, manager, name="Kultur <b>&</b> fritid", platform="youtube")
    done = client.post(f"/v1/channels/{channel['id']}/activate", headers=manager).json()
    runtime.views.wait_for("channel_register", done["position"])

    page = client.get("/valdemarsvik/sociala-medier")

    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<html lang="sv">' in html and "Förteckning över sociala medier" in html
    assert "Kultur &lt;b&gt;&amp;&lt;/b&gt; fritid" in html  # escaped, never markup
    assert f'href="{FACEBOOK_PAGE["url"]}"' in html and "YouTube" in html and "Aktiv" in html
    assert "<script" not in html


def test_paused_channels_stay_listed_closed_ones_only_on_request(client, runtime):
    register_organisation(runtime)
    manager = issue_token(runtime)
    paused, closed = (
        register(client, manager),
        register(client, manager, name="Gamla bloggen", platform="blog", url="https://blogg.valdemarsvik.se"),
    )
    for channel in (paused, closed):
        client.post(f"/v1/channels/{channel['id']}/activate", headers=manager)
    client.post(f"/v1/channels/{paused['id']}/pause", json={"reason": "Sommaruppehåll"}, headers=manager)
    last = client.post(f"/v1/channels/{closed['id']}/close", json={"reason": "Ersatt"}, headers=manager).json()

    default = client.get(f"/v1/organisations/valdemarsvik/channels?wait_for_position={last['position']}").json()
    with_closed = client.get("/v1/organisations/valdemarsvik/channels?status=active&status=paused&status=closed")

    assert [(c["name"], c["status"]) for c in default["channels"]] == [("Valdemarsviks kommun", "paused")]
    assert {c["status"] for c in with_closed.json()["channels"]} == {"paused", "closed"}


def test_changes_of_responsible_purpose_and_address_are_events_in_the_history(client, runtime):
    register_organisation(runtime)
    manager = issue_token(runtime)
    auditor = issue_token(runtime, role="auditor", name="Greta Granskare")
    channel = register(client, manager)
    cid = channel["id"]
    client.post(f"/v1/channels/{cid}/responsible", json={"responsible": "Sektorschef Kultur"}, headers=manager)
    client.post(f"/v1/channels/{cid}/purpose", json={"purpose": "Evenemang"}, headers=manager)
    last = client.post(f"/v1/channels/{cid}/address", json={"url": "https://facebook.com/kultur"}, headers=manager)

    history = client.get(f"/v1/channels/{cid}/history?wait_for_position={last.json()['position']}", headers=auditor)

    assert history.status_code == 200
    entries = history.json()
    assert [e["event_type"] for e in entries] == [
        "Registered",
        "ResponsibleChanged",
        "PurposeChanged",
        "AddressChanged",
    ]
    assert {(e["actor_name"], e["actor_role"]) for e in entries} == {("Anna Chef", "manager")}
    assert entries[-1]["summary"] == "Address changed to https://facebook.com/kultur"
    assert entries[-1]["recorded_at"] > entries[0]["recorded_at"]
    detail = client.get(f"/v1/channels/{cid}?wait_for_position={last.json()['position']}", headers=manager)
    assert detail.json()["url"] == "https://facebook.com/kultur" and detail.headers["ETag"] == '"4"'


def test_the_openapi_document_describes_the_commands_with_examples(client):
    spec = client.get("/openapi.json").json()
    create = spec["paths"]["/v1/channels"]["post"]
    assert "201" in create["responses"]
    schema = spec["components"]["schemas"]["ChannelCreate"]
    assert schema["examples"][0]["platform"] == "facebook"


def test_the_public_reads_answer_exactly_what_their_documented_schema_serialises_to(client, runtime):
    """The register and a public channel are serialised straight from the view's rows; a website
    reading them gets byte for byte what the documented models (ChannelRegister, ChannelPublic) give."""
    from api.schemas.channels import ChannelPublic, ChannelRegister

    register_organisation(runtime, name='Åre kommun — "Fjällen" & dalarna')
    manager = issue_token(runtime)
    odd = register(
        client,
        manager,
        name='Kultur <b>&</b> fritid "ÅÄÖ" \\ / ✓',
        platform="youtube",
        purpose="Rad ett\nrad två\ttabb",
        url="https://www.youtube.com/@åre?x=1&y=2",
    )
    plain = register(client, manager, platform="debate_forum", name="Dialog")
    for channel in (odd, plain):
        done = client.post(f"/v1/channels/{channel['id']}/activate", headers=manager).json()

    register_ = client.get(f"/v1/organisations/valdemarsvik/channels?wait_for_position={done['position']}")
    channel = client.get(f"/v1/channels/{odd['id']}")

    assert register_.status_code == 200 and channel.status_code == 200
    for response, model in ((register_, ChannelRegister), (channel, ChannelPublic)):
        assert response.headers["content-type"] == "application/json"
        assert response.content == model.model_validate_json(response.content).model_dump_json().encode()
    assert [c["platform_label"] for c in register_.json()["channels"]] == ["Debattforum", "YouTube"]
    assert register_.json()["organisation"] == 'Åre kommun — "Fjällen" & dalarna'
    assert channel.json()["name"] == 'Kultur <b>&</b> fritid "ÅÄÖ" \\ / ✓'


def test_a_website_revalidates_the_register_and_downloads_it_again_only_when_it_changed(client, runtime):
    register_organisation(runtime)
    manager = issue_token(runtime)
    channel = register(client, manager)
    done = client.post(f"/v1/channels/{channel['id']}/activate", headers=manager).json()
    url = "/v1/organisations/valdemarsvik/channels"
    first = client.get(f"{url}?wait_for_position={done['position']}")
    etag = first.headers["ETag"]
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache"  # keep it, but ask again

    unchanged = client.get(url, headers={"If-None-Match": etag})
    among_others = client.get(url, headers={"If-None-Match": f'"old", W/{etag}'})
    assert unchanged.status_code == 304 and unchanged.content == b"" and unchanged.headers["ETag"] == etag
    assert among_others.status_code == 304

    paused = client.post(
        f"/v1/channels/{channel['id']}/pause", json={"reason": "Sommaruppehåll"}, headers=manager
    ).json()
    changed = client.get(f"{url}?wait_for_position={paused['position']}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.json()["channels"][0]["status"] == "paused"
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200
    assert client.get(f"{url}?status=active", headers={"If-None-Match": etag}).status_code == 200  # another list
