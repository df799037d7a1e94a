"""A capture client hands over a platform export in one request: every post and comment is
recorded once, whatever was captured before, and the rules of single captures still hold."""

from __future__ import annotations

from datetime import timedelta

from editorial_story import given_a_municipality_with_an_active_page


def export(town, posts: int, comments_per_post: int) -> dict:
    published = town.now() - timedelta(days=3)
    return {
        "posts": [
            {
                "platform_post_id": f"fb_{p}",
                "text": f"Inlägg {p}",
                "author_name": "Valdemarsviks kommun",
                "author_id": town.editor.id if p % 2 else None,
                "published_at": published.isoformat(),
                "captured_at": town.now().isoformat(),
            }
            for p in range(posts)
        ],
        "comments": [
            {
                "platform_comment_id": f"fb_{p}_{c}",
                "post_platform_id": f"fb_{p}",
                "author_name": f"Person {c}",
                "platform_author_id": f"u{c}",
                "text": f"Kommentar {p}/{c}",
                "received_at": (published + timedelta(hours=1)).isoformat(),
                "captured_at": town.now().isoformat(),
            }
            for p in range(posts)
            for c in range(comments_per_post)
        ],
    }


def test_a_platform_export_is_recorded_once_even_when_sent_again(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    single = town.post(
        f"/v1/channels/{town.channel_id}/captures/posts", export(town, 1, 0)["posts"][0], as_=town.capture, expect=201
    ).json()
    body = export(town, 600, 2)

    first = town.post(f"/v1/channels/{town.channel_id}/captures", body, as_=town.capture).json()
    again = town.post(f"/v1/channels/{town.channel_id}/captures", body, as_=town.capture).json()

    assert (first["received"], first["created"], first["duplicates"]) == (1800, 1799, 1)
    assert (again["created"], again["duplicates"]) == (0, 1800)
    posts = town.get(f"/v1/channels/{town.channel_id}/posts", wait=first["position"], limit=200).json()
    assert len(posts) == 200 and single["id"] in {
        p["post_id"] for p in town.get(f"/v1/channels/{town.channel_id}/posts", limit=200, offset=400).json()
    }
    comments = town.get(f"/v1/posts/{posts[0]['post_id']}/comments").json()
    assert len(comments) == 2
    compliance = town.get("/v1/compliance", as_=town.manager, wait=first["position"]).json()
    assert len(compliance["posts_without_assignment"]) == 300  # the even ones named no assigned editor


def test_a_comment_on_an_unknown_post_refuses_the_whole_export(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    body = export(town, 2, 1)
    body["comments"][1]["post_platform_id"] = "fb_nowhere"
    before = runtime.head()
    refused = town.post(f"/v1/channels/{town.channel_id}/captures", body, as_=town.capture, expect=422)
    assert refused.json()["errors"][0]["field"] == "comments.post_platform_id"
    assert runtime.head() == before
    editor = town.post(f"/v1/channels/{town.channel_id}/captures", export(town, 1, 0), expect=403)
    assert "capture_client" in editor.json()["detail"]


def test_a_large_export_with_long_texts_is_stored_in_chunks(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    body = export(town, 300, 0)
    for post in body["posts"]:
        post["text"] = "Lång text om kommunens verksamhet. " * 90  # about 3 kB each, 1 MB in all
    stored = town.post(f"/v1/channels/{town.channel_id}/captures", body, as_=town.capture).json()
    assert stored["created"] == 300
