"""Stories 2 and 8: editors need an assignment; every post, edit and deletion is a record, and
"why was this post deleted?" is one question with one answer (Region Västerbotten)."""

from __future__ import annotations

import threading
from datetime import timedelta

from editorial_story import given_a_municipality_with_an_active_page


def test_an_assigned_editor_publishes_and_a_revoked_one_is_refused(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    post = town.publish()
    town.post(
        f"/v1/channels/{town.channel_id}/assignments/{town.assignment_id}/revoke",
        {"reason": "Slutat på kommunikationsenheten"},
        as_=town.manager,
    )

    refused = town.post(f"/v1/channels/{town.channel_id}/posts", {"text": "En till"}, expect=403)

    assert post["version"] == 1
    assert "holds no valid editor's assignment" in refused.json()["detail"]


def test_an_editor_cannot_assign_editors(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    response = town.post(
        f"/v1/channels/{town.channel_id}/assignments",
        {
            "editor_id": town.editor.id,
            "editor_name": "Erik",
            "valid_from": town.now().isoformat(),
            "scope": "Allt",
        },
        as_=town.editor,
        expect=403,
    )
    assert "requires the role manager, records_officer" in response.json()["detail"]


def test_who_could_post_on_a_past_date_and_who_assigned_them(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    before_revocation = town.now()
    runtime.app.clock.advance(days=2)
    done = town.post(
        f"/v1/channels/{town.channel_id}/assignments/{town.assignment_id}/revoke",
        {"reason": "Föräldraledig"},
        as_=town.manager,
    ).json()

    then = town.get(
        f"/v1/channels/{town.channel_id}/editors",
        as_=town.auditor,
        wait=done["position"],
        at=before_revocation.isoformat(),
    ).json()
    now = town.get(f"/v1/channels/{town.channel_id}/editors", as_=town.auditor, at=town.now().isoformat()).json()
    long_ago = town.get(
        f"/v1/channels/{town.channel_id}/editors", as_=town.auditor, at=(town.now() - timedelta(days=365)).isoformat()
    ).json()

    assert [(a["editor_name"], a["assigned_by_name"], a["assigned_by_role"]) for a in then] == [
        ("Erik Redaktör", "Anna Chef", "manager")
    ]
    assert now == [] and long_ago == []


def test_a_captured_post_without_an_assignment_is_recorded_as_a_deviation(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    captured = town.post(
        f"/v1/channels/{town.channel_id}/captures/posts",
        {
            "platform_post_id": "fb_555",
            "text": "Privat åsikt om politiken",
            "author_name": "Valdemarsviks kommun",
            "author_id": "actor:someone-unassigned",
            "published_at": (town.now() - timedelta(hours=2)).isoformat(),
            "captured_at": town.now().isoformat(),
        },
        as_=town.capture,
        expect=201,
    ).json()

    record = town.get(f"/v1/posts/{captured['id']}", as_=town.officer, wait=captured["position"]).json()
    compliance = town.get("/v1/compliance", as_=town.manager, wait=captured["position"]).json()

    assert record["deviation"] is True and record["source"] == "capture" and record["assignment_id"] is None
    assert [p["post_id"] for p in compliance["posts_without_assignment"]] == [captured["id"]]
    assert compliance["posts_without_assignment"][0]["channel_name"] == "Valdemarsviks kommun"


def test_the_three_times_are_kept_apart(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    published, captured = town.now() - timedelta(hours=5), town.now() - timedelta(hours=1)
    done = town.post(
        f"/v1/channels/{town.channel_id}/captures/posts",
        {
            "platform_post_id": "fb_1",
            "text": "Välkommen!",
            "author_name": "Valdemarsviks kommun",
            "author_id": town.editor.id,
            "published_at": published.isoformat(),
            "captured_at": captured.isoformat(),
        },
        as_=town.capture,
        expect=201,
    ).json()

    record = town.get(f"/v1/posts/{done['id']}", as_=town.auditor, wait=done["position"]).json()

    assert record["published_at"] == published.isoformat().replace("+00:00", "Z")
    assert record["captured_at"] == captured.isoformat().replace("+00:00", "Z")
    assert record["recorded_at"] > record["captured_at"] > record["published_at"]
    assert record["deviation"] is False


def test_the_same_capture_twice_is_one_record(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    body = {
        "platform_post_id": "fb_42",
        "text": "Hej",
        "author_name": "Valdemarsviks kommun",
        "published_at": (town.now() - timedelta(minutes=3)).isoformat(),
        "captured_at": town.now().isoformat(),
    }
    first = town.post(f"/v1/channels/{town.channel_id}/captures/posts", body, as_=town.capture, expect=201).json()
    again = town.post(f"/v1/channels/{town.channel_id}/captures/posts", body, as_=town.capture, expect=200).json()
    assert again["id"] == first["id"] and again["created"] is False and again["version"] == 1


def test_simultaneous_duplicate_captures_give_one_record(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    post = town.publish()
    start, statuses = threading.Barrier(6), []

    def capture() -> None:
        start.wait()
        statuses.append(town.capture_comment(post["id"], "c-1")["created"])

    threads = [threading.Thread(target=capture) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    comments = town.get(f"/v1/posts/{post['id']}/comments", wait=runtime.head()).json()
    assert sorted(statuses) == [False] * 5 + [True]
    assert len(comments) == 1


def test_why_was_this_post_deleted_vasterbotten(client, runtime):
    """The Region Västerbotten case: a deleted post becomes a political question."""
    town = given_a_municipality_with_an_active_page(client, runtime)
    post = town.publish("Regionen stänger akutmottagningen i Lycksele i sommar.")
    town.post(f"/v1/posts/{post['id']}/edit", {"text": "Regionen utreder akutmottagningen i Lycksele."})
    runtime.app.clock.advance(hours=3)
    deleted = town.post(
        f"/v1/posts/{post['id']}/delete",
        {"ground": "published_by_mistake", "reason": "Beslutet var inte fattat; texten gavs ut för tidigt."},
    ).json()

    answer = town.get(f"/v1/posts/{post['id']}/deletion", as_=town.officer, wait=deleted["position"]).json()
    public = town.get(f"/v1/posts/{post['id']}").json()
    as_editor = town.get(f"/v1/posts/{post['id']}", as_=town.editor).json()
    listed = town.get(f"/v1/channels/{town.channel_id}/posts").json()

    assert answer["deletion"] | {"deleted_at": None, "recorded_at": None} == {
        "deleted_at": None,
        "recorded_at": None,
        "deleted_by_name": "Erik Redaktör",
        "deleted_by_role": "editor",
        "ground": "published_by_mistake",
        "ground_label": "Publicerad av misstag",
        "reason": "Beslutet var inte fattat; texten gavs ut för tidigt.",
    }
    assert answer["text"] == "Regionen utreder akutmottagningen i Lycksele."
    assert [v["text"] for v in answer["versions"]] == [
        "Regionen stänger akutmottagningen i Lycksele i sommar.",
        "Regionen utreder akutmottagningen i Lycksele.",
    ]
    assert public["deleted"] is True and public["text"] is None
    assert as_editor["text"] is None and "versions" not in as_editor
    assert listed[0]["deleted"] is True and listed[0]["text"] is None


def test_a_deletion_names_a_ground_from_the_fixed_set(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    post = town.publish()
    bad = town.post(f"/v1/posts/{post['id']}/delete", {"ground": "felt_like_it", "reason": "x"}, expect=422)
    grounds = client.get("/v1/grounds").json()
    assert bad.json()["errors"][0]["field"] == "ground"
    assert {"agitation_against_a_population_group", "own_decision", "secrecy"} <= {g["ground"] for g in grounds}


def test_deletions_on_own_decision_are_listed_for_review(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    post = town.publish()
    done = town.post(f"/v1/posts/{post['id']}/delete", {"ground": "own_decision", "reason": "Inaktuell"}).json()
    compliance = town.get("/v1/compliance", as_=town.officer, wait=done["position"]).json()
    assert [(d["post_id"], d["ground"]) for d in compliance["deletions_to_review"]] == [(post["id"], "own_decision")]


def test_a_paused_channel_takes_no_posts(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    town.post(f"/v1/channels/{town.channel_id}/pause", {"reason": "Sommaruppehåll"}, as_=town.manager)
    refused = town.post(f"/v1/channels/{town.channel_id}/posts", {"text": "Hej"}, expect=409)
    assert "paused channel" in refused.json()["detail"]
