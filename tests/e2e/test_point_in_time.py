"""Auditors see any register as it stood at any instant (issue 6): the channel register, the
editors' assignments, and a channel's posts and comments with their moderation state, read from
versioned rows rather than by replaying the log; disposed content stays disposed in the past."""

from __future__ import annotations

import time

import orjson
from conftest import FACEBOOK_PAGE, issue_token, register_organisation
from editorial_story import given_a_municipality_with_an_active_page
from typer.testing import CliRunner


def seen_now(town, post_id: str) -> dict:
    position = town.runtime.head()
    for view in ("channel_register", "channel_content", "editor_assignments", "audit_trail"):
        town.runtime.views.wait_for(view, position)
    return {
        "position": position,
        "instant": town.now(),
        "register": town.get("/v1/organisations/valdemarsvik/channels", status=["active", "paused", "closed"]).json(),
        "comments": town.get(f"/v1/posts/{post_id}/comments", as_=town.auditor).json(),
        "post": town.get(f"/v1/posts/{post_id}", as_=town.auditor).json(),
        "assignments": town.get(f"/v1/channels/{town.channel_id}/assignments", as_=town.auditor).json(),
    }


def reconstructed(town, post_id: str, **as_of) -> dict:
    return {
        "register": town.get(
            "/v1/organisations/valdemarsvik/channels", as_=town.auditor, status=["active", "paused", "closed"], **as_of
        ).json(),
        "comments": town.get(f"/v1/posts/{post_id}/comments", as_=town.auditor, **as_of).json(),
        "post": town.get(f"/v1/posts/{post_id}", as_=town.auditor, **as_of).json(),
        "assignments": town.get(f"/v1/channels/{town.channel_id}/assignments", as_=town.auditor, **as_of).json(),
    }


def test_an_auditor_reconstructs_three_past_instants_exactly(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    post = town.publish("Simhallen stänger för renovering")
    first = town.capture_comment(post["id"], "c-1", text="Varför nu?")
    snapshots = [seen_now(town, post["id"])]

    runtime.app.clock.advance(days=10)
    town.post(
        f"/v1/comments/{first['id']}/moderation", {"action": "hide", "ground": "etiquette", "justification": "Osaklig"}
    )
    town.post(f"/v1/posts/{post['id']}/edit", {"text": "Simhallen stänger för renovering i mars"})
    other = client.post(
        "/v1/channels",
        json=FACEBOOK_PAGE
        | {"name": "Kultur i Valdemarsvik", "platform": "instagram", "url": "https://instagram.com/kultur"},
        headers=town.manager.headers,
    ).json()
    client.post(f"/v1/channels/{other['id']}/activate", headers=town.manager.headers)
    town.capture_comment(post["id"], "c-2", text="Bra!")
    snapshots.append(seen_now(town, post["id"]))

    runtime.app.clock.advance(days=10)
    town.post(f"/v1/comments/{first['id']}/moderation/reverse", {"justification": "Saklig kritik"}, as_=town.manager)
    town.post(f"/v1/channels/{town.channel_id}/pause", {"reason": "Sommar"}, as_=town.manager)
    town.post(
        f"/v1/channels/{town.channel_id}/assignments/{town.assignment_id}/revoke",
        {"reason": "Slutat"},
        as_=town.manager,
    )
    snapshots.append(seen_now(town, post["id"]))
    runtime.app.clock.advance(days=10)
    town.post(f"/v1/posts/{post['id']}/delete", {"ground": "own_decision", "reason": "Inaktuell"}, as_=town.manager)
    client.post(f"/v1/channels/{other['id']}/close", json={"reason": "Nedlagd"}, headers=town.manager.headers)

    for seen in snapshots:
        expected = {key: seen[key] for key in ("register", "comments", "post", "assignments")}
        assert reconstructed(town, post["id"], as_of_position=seen["position"]) == expected
        assert reconstructed(town, post["id"], as_of=seen["instant"].isoformat()) == expected
    assert snapshots[0]["comments"][0]["visibility"] == "visible"
    assert snapshots[1]["comments"][0]["visibility"] == "hidden"
    assert snapshots[2]["register"] != snapshots[1]["register"]


def test_only_the_organisations_auditors_and_records_officers_read_the_past(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    public = town.get("/v1/organisations/valdemarsvik/channels", as_of_position=1)
    manager = town.get("/v1/organisations/valdemarsvik/channels", as_=town.manager, as_of_position=1)
    officer = town.get("/v1/organisations/valdemarsvik/channels", as_=town.officer, as_of_position=1)
    assert (public.status_code, manager.status_code, officer.status_code) == (401, 403, 200)
    assert officer.json()["channels"] == []  # at position 1 the channel did not exist yet


def test_disposed_content_stays_disposed_in_the_past(client, runtime):
    from api.schemas.retention import EXAMPLE_PLAN

    town = given_a_municipality_with_an_active_page(client, runtime)
    town.post(
        "/v1/records-plan",
        {"classes": EXAMPLE_PLAN, "decision_reference": "KS 2026/0012"},
        as_=town.officer,
        expect=201,
    )
    post = town.publish("Gammal nyhet om Lycksele")
    before = runtime.head()
    runtime.app.clock.advance(days=3 * 365)
    done = town.post(
        "/v1/disposals",
        {"reference": "KS 2029/0001", "class_code": "post"},
        as_=town.officer,
        expect=201,
        params={"wait_for_position": runtime.head()},
    ).json()
    runtime.views.wait_for("channel_content", done["position"])

    then = town.get(f"/v1/posts/{post['id']}", as_=town.auditor, as_of_position=before).json()
    assert then["text"].startswith("[Gallrad enligt beslut KS 2029/0001")
    assert all(v["text"].startswith("[Gallrad") for v in then["versions"])


def test_the_cli_replays_a_register_as_of_an_instant(client, runtime, monkeypatch):
    from kanalarkiv.cli.main import app as cli

    town = given_a_municipality_with_an_active_page(client, runtime)
    instant = town.now()
    runtime.views.wait_for("channel_register", runtime.head())
    runtime.app.clock.advance(days=1)
    town.post(f"/v1/channels/{town.channel_id}/close", {"reason": "Nedlagd"}, as_=town.manager)
    monkeypatch.setenv("DATABASE_URL", runtime.database_url)

    result = CliRunner().invoke(cli, ["replay", "--org", "valdemarsvik", "--as-of", instant.isoformat()])
    bad = CliRunner().invoke(cli, ["replay", "--org", "valdemarsvik", "--as-of", "yesterday"])

    assert result.exit_code == 0, result.output
    replayed = orjson.loads(result.stdout)
    assert [(c["name"], c["status"]) for c in replayed["channels"]] == [("Valdemarsviks kommun", "active")]
    assert replayed["position"] > 0 and bad.exit_code != 0


def test_another_organisations_auditor_cannot_read_a_channels_posts_as_they_were(client, runtime):
    from conftest import register_organisation, staff

    town = given_a_municipality_with_an_active_page(client, runtime)
    town.publish("Nyhet som senare tas bort")
    register_organisation(runtime, "soderkoping", "Söderköpings kommun", "212000-0530")
    foreign_auditor = staff(runtime, "soderkoping", "auditor", "Greta Granskare")
    position = runtime.head()

    theirs = town.get(f"/v1/channels/{town.channel_id}/posts", as_=foreign_auditor, as_of_position=position)
    ours = town.get(f"/v1/channels/{town.channel_id}/posts", as_=town.auditor, as_of_position=position)

    assert theirs.status_code == 403
    assert "another organisation's posts" in theirs.json()["detail"]
    assert [post["text"] for post in ours.json()] == ["Nyhet som senare tas bort"]


def test_a_read_as_of_a_position_beyond_the_head_is_refused_at_once_naming_the_head(client, runtime):
    org_id = register_organisation(runtime)
    auditor = issue_token(runtime, role="auditor", name="Greta Granskare")
    head = runtime.head()
    started = time.monotonic()
    response = client.get(
        "/v1/organisations/valdemarsvik/channels", headers=auditor, params={"as_of_position": head + 1000}
    )
    assert response.status_code == 422 and time.monotonic() - started < 2
    assert response.json()["errors"][0]["field"] == "as_of_position"
    assert f"position {head}" in response.json()["detail"]
    assert org_id
