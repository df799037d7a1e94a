"""A capture is authorised before anything else is asked: whoever may not record a platform's
post or comment on a channel is refused the same way whether or not that platform id was
captured before, so a refusal tells nothing about what the organisation holds. Only a capture
client (and, for comments, a records officer) of the channel's own organisation hears that a
platform id is already recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import register_organisation, staff
from editorial_story import given_a_municipality_with_an_active_page


def given_a_town_with_captures_and_a_neighbour(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    post = town.post(
        f"/v1/channels/{town.channel_id}/captures/posts", post_capture(town, "fb-p-1"), as_=town.capture, expect=201
    ).json()
    comment = town.post(
        f"/v1/posts/{post['id']}/comments", comment_capture(town, "fb-c-1"), as_=town.capture, expect=201
    ).json()
    register_organisation(runtime, "granby", "Granby kommun", "212000-0530")
    return town, post, comment


def post_capture(town, platform_id: str) -> dict:
    return {
        "platform_post_id": platform_id,
        "text": "Nu öppnar badplatserna!",
        "author_name": "Valdemarsviks kommun",
        "published_at": (town.now() - timedelta(hours=2)).isoformat(),
        "captured_at": town.now().isoformat(),
    }


def comment_capture(town, platform_id: str) -> dict:
    return {
        "platform_comment_id": platform_id,
        "author_name": "Kalle Medborgare",
        "platform_author_id": "fb-kalle",
        "text": "När öppnar simhallen?",
        "received_at": (town.now() - timedelta(hours=1)).isoformat(),
        "captured_at": town.now().isoformat(),
    }


def bulk(town, post_id: str, comment_id: str) -> dict:
    return {
        "posts": [post_capture(town, post_id)],
        "comments": [comment_capture(town, comment_id) | {"post_platform_id": post_id}],
    }


def refusals(town, as_, path: str, existing: dict, new: dict) -> tuple:
    head = town.runtime.head()
    known = town.post(path, existing, as_=as_, expect=None)
    unknown = town.post(path, new, as_=as_, expect=None)
    assert town.runtime.head() == head  # nothing recorded either way
    return known, unknown


def assert_alike(known, unknown, status: int) -> None:
    assert (known.status_code, unknown.status_code) == (status, status)
    assert known.headers["content-type"] == unknown.headers["content-type"] == "application/problem+json"
    assert known.json() == unknown.json()
    assert "id" not in known.json() and "version" not in known.json()


@pytest.mark.parametrize("role", ["capture_client", "editor", "records_officer"])
def test_another_organisations_staff_cannot_tell_a_captured_comment_from_a_new_one(client, runtime, role):
    town, post, _comment = given_a_town_with_captures_and_a_neighbour(client, runtime)
    neighbour = staff(runtime, "granby", role, "Grannen")

    known, unknown = refusals(
        town,
        neighbour,
        f"/v1/posts/{post['id']}/comments",
        comment_capture(town, "fb-c-1"),
        comment_capture(town, "fb-c-2"),
    )

    assert_alike(known, unknown, 403)


@pytest.mark.parametrize("role", ["capture_client", "editor"])
def test_another_organisations_staff_cannot_tell_a_captured_post_from_a_new_one(client, runtime, role):
    town, _post, _comment = given_a_town_with_captures_and_a_neighbour(client, runtime)
    neighbour = staff(runtime, "granby", role, "Grannen")

    known, unknown = refusals(
        town,
        neighbour,
        f"/v1/channels/{town.channel_id}/captures/posts",
        post_capture(town, "fb-p-1"),
        post_capture(town, "fb-p-2"),
    )

    assert_alike(known, unknown, 403)


def test_another_organisations_capture_client_cannot_tell_a_captured_export_from_a_new_one(client, runtime):
    town, _post, _comment = given_a_town_with_captures_and_a_neighbour(client, runtime)
    neighbour = staff(runtime, "granby", "capture_client", "Granbys insamlare")

    known, unknown = refusals(
        town,
        neighbour,
        f"/v1/channels/{town.channel_id}/captures",
        bulk(town, "fb-p-1", "fb-c-1"),
        bulk(town, "fb-p-9", "fb-c-9"),
    )

    assert_alike(known, unknown, 403)


@pytest.mark.parametrize("role", ["webmaster", "auditor"])
def test_a_role_that_may_not_capture_is_refused_alike_for_known_and_new_platform_ids(client, runtime, role):
    town, post, _comment = given_a_town_with_captures_and_a_neighbour(client, runtime)
    colleague = staff(runtime, role=role, name="Kollegan")

    comments = refusals(
        town,
        colleague,
        f"/v1/posts/{post['id']}/comments",
        comment_capture(town, "fb-c-1"),
        comment_capture(town, "fb-c-2"),
    )
    posts = refusals(
        town,
        colleague,
        f"/v1/channels/{town.channel_id}/captures/posts",
        post_capture(town, "fb-p-1"),
        post_capture(town, "fb-p-2"),
    )
    exports = refusals(
        town,
        colleague,
        f"/v1/channels/{town.channel_id}/captures",
        bulk(town, "fb-p-1", "fb-c-1"),
        bulk(town, "fb-p-9", "fb-c-9"),
    )

    for known, unknown in (comments, posts, exports):
        assert_alike(known, unknown, 403)


def test_the_organisations_own_capture_client_still_hears_that_a_platform_id_is_recorded(client, runtime):
    town, post, comment = given_a_town_with_captures_and_a_neighbour(client, runtime)

    again = town.post(f"/v1/posts/{post['id']}/comments", comment_capture(town, "fb-c-1"), as_=town.capture).json()
    export = town.post(
        f"/v1/channels/{town.channel_id}/captures", bulk(town, "fb-p-1", "fb-c-1"), as_=town.capture
    ).json()
    by_officer = town.post(f"/v1/posts/{post['id']}/comments", comment_capture(town, "fb-c-1"), as_=town.officer).json()

    assert (again["id"], again["created"]) == (comment["id"], False)
    assert (export["created"], export["duplicates"]) == (0, 2)
    assert (by_officer["id"], by_officer["created"]) == (comment["id"], False)
