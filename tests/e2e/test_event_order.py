"""A record's facts come in an order that could have happened: an edit or a deletion after the
publication, a reply after its comment, an editor's own post after the channel was registered,
nothing in the future. A person may record a fact long after it happened — the compliance view
then lists it as a late recording — while a capture client's history of the platform is simply
old, not late."""

from __future__ import annotations

from datetime import timedelta

import pytest
from editorial_story import a_capture, given_a_municipality_with_an_active_page
from problems import refused


@pytest.fixture
def town(client, runtime):
    return given_a_municipality_with_an_active_page(client, runtime)


def ago(town, **delta) -> str:
    return (town.now() - timedelta(**delta)).isoformat()


def compliance(town, wait: int) -> dict:
    return town.get("/v1/compliance", as_=town.manager, wait=wait).json()


def test_an_edit_two_days_before_the_post_was_published_is_refused_naming_occurred_at(town):
    town.runtime.app.clock.advance(days=5)
    post = town.publish(published_at=ago(town, hours=1))
    before = town.runtime.head()
    edit = town.post(f"/v1/posts/{post['id']}/edit", {"text": "Rättat", "occurred_at": ago(town, days=2)}, expect=None)
    assert "before the post was published" in refused(edit, "occurred_at")["detail"]
    deletion = town.post(
        f"/v1/posts/{post['id']}/delete",
        {"ground": "published_by_mistake", "reason": "Fel", "occurred_at": ago(town, days=2)},
        expect=None,
    )
    refused(deletion, "occurred_at")
    assert town.runtime.head() == before


def test_a_later_edit_cannot_precede_the_one_before_it(town):
    town.runtime.app.clock.advance(days=5)
    post = town.publish(published_at=ago(town, days=3))
    town.post(f"/v1/posts/{post['id']}/edit", {"text": "Version 2", "occurred_at": ago(town, days=1)})
    third = town.post(
        f"/v1/posts/{post['id']}/edit", {"text": "Version 3", "occurred_at": ago(town, days=2)}, expect=None
    )
    assert "before its last change" in refused(third, "occurred_at")["detail"]


def test_a_reply_before_its_comment_is_refused(town):
    town.runtime.app.clock.advance(days=5)
    comment = town.capture_comment(town.publish()["id"], "c-1", received_ago=timedelta(hours=3))
    reply = town.post(
        f"/v1/comments/{comment['id']}/replies", {"text": "Hej!", "occurred_at": ago(town, hours=4)}, expect=None
    )
    assert "before the comment was received" in refused(reply, "occurred_at")["detail"]


def test_an_editors_post_published_before_the_channel_was_registered_is_refused(town):
    response = town.post(
        f"/v1/channels/{town.channel_id}/posts",
        {"text": "Gammalt inlägg", "published_at": ago(town, days=30)},
        expect=None,
    )
    assert "before the channel was registered" in refused(response, "published_at")["detail"]


def test_a_capture_of_the_platforms_history_may_be_older_than_the_channels_registration(town):
    captured = town.post(
        f"/v1/channels/{town.channel_id}/captures/posts",
        a_capture(town, published_at=ago(town, days=3 * 365)),
        as_=town.capture,
        expect=201,
    )
    assert compliance(town, captured.json()["position"])["late_recordings"] == []


def test_nothing_is_captured_before_it_was_published_or_received(town):
    early = town.post(
        f"/v1/channels/{town.channel_id}/captures/posts",
        a_capture(town, published_at=ago(town, hours=1), captured_at=ago(town, hours=2)),
        as_=town.capture,
        expect=None,
    )
    refused(early, "captured_at")
    post = town.publish()
    comment = town.post(
        f"/v1/posts/{post['id']}/comments",
        {
            "platform_comment_id": "c-9",
            "author_name": "Kalle",
            "text": "Hej",
            "received_at": ago(town, hours=1),
            "captured_at": ago(town, hours=2),
        },
        as_=town.capture,
        expect=None,
    )
    refused(comment, "captured_at")


def test_nothing_happens_in_the_future_beyond_a_few_minutes_of_clock_skew(town):
    post = town.publish()
    later = (town.now() + timedelta(hours=1)).isoformat()
    refused(
        town.post(f"/v1/posts/{post['id']}/edit", {"text": "Sen", "occurred_at": later}, expect=None), "occurred_at"
    )
    refused(
        town.post(f"/v1/channels/{town.channel_id}/posts", {"text": "Sen", "published_at": later}, expect=None),
        "published_at",
    )
    skewed = (town.now() + timedelta(minutes=3)).isoformat()
    town.post(f"/v1/posts/{post['id']}/edit", {"text": "Klockan går före", "occurred_at": skewed})


def test_an_editors_recording_made_days_after_the_fact_is_listed_as_late_in_the_compliance_view(town):
    town.runtime.app.clock.advance(days=5)
    late = town.publish("Inlägg från i förrgår", published_at=ago(town, days=2))
    town.publish("Inlägg från i morse", published_at=ago(town, hours=3))
    edit = town.post(f"/v1/posts/{late['id']}/edit", {"text": "Rättat i går", "occurred_at": ago(town, hours=30)})
    town.post(
        f"/v1/channels/{town.channel_id}/captures/posts",
        a_capture(town, published_at=ago(town, days=4)),
        as_=town.capture,
        expect=201,
    )

    listed = compliance(town, edit.json()["position"])["late_recordings"]

    assert [(row["record_id"], row["version"], row["event_type"]) for row in listed] == [
        (late["id"], 1, "Post.Published"),
        (late["id"], 2, "Post.Edited"),
    ]
    assert [row["hours_late"] for row in listed] == [48.0, 30.0]
    assert {row["recorded_by_name"] for row in listed} == {"Erik Redaktör"}
    assert listed[0]["channel_name"] == "Valdemarsviks kommun"
