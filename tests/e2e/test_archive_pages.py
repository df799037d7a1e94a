"""Issue 16, item 2: a channel's public archive. Anyone reads the channel's posts by month and each
post with its public comments and replies; an edited post shows its versions compared word by
word (also in the API); a deleted post and a removed comment are shown as such, never their
content; a comment moved to a case names the case."""

from __future__ import annotations

import re
from html import unescape

from archive_story import SECRET, given_a_channel_with_history
from editorial_story import given_a_municipality_with_an_active_page


def text_of(page: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_public_reads_a_channels_archive_by_month_without_deleted_content(client, runtime):
    town, _kept, _gone, position = given_a_channel_with_history(client, runtime)
    runtime.views.wait_for("channel_content", position)

    page = client.get(f"/valdemarsvik/sociala-medier/{town.channel_id}")
    searched = client.get(f"/valdemarsvik/sociala-medier/{town.channel_id}", params={"q": "biblioteket"})
    nothing = client.get(f"/valdemarsvik/sociala-medier/{town.channel_id}", params={"q": "kommunfullmäktige"})

    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    shown = text_of(page.text)
    month = runtime.app.clock.now.strftime("%m")
    assert ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
            "november", "december"][int(month) - 1].capitalize() in shown  # fmt: skip
    assert "Öppet hus på biblioteket kl. 15 på söndag." in shown and "(redigerat 1 gång)" in shown
    assert "Inlägget är raderat." in shown and "Fel datum för kommunfullmäktige" not in page.text
    assert "2 inlägg" in shown
    assert "1 inlägg" in text_of(searched.text) and "Inga inlägg matchar sökningen" in text_of(nothing.text)


def test_a_posts_page_shows_its_versions_compared_and_its_comments_as_published(client, runtime):
    town, kept, gone, position = given_a_channel_with_history(client, runtime)
    runtime.views.wait_for("channel_content", position)

    page = client.get(f"/valdemarsvik/sociala-medier/{town.channel_id}/inlagg/{kept['id']}")
    deleted = client.get(f"/valdemarsvik/sociala-medier/{town.channel_id}/inlagg/{gone['id']}")

    assert page.status_code == 200
    assert "<del>14</del><ins>15</ins>" in page.text and "<del>lördag</del><ins>söndag</ins>" in page.text
    shown = text_of(page.text)
    assert "Karin Kommenterare" in shown and "Finns det parkering?" in shown and "Ja, vid stationen." in shown
    assert "har tagits bort (Kränkande personuppgifter)" in shown
    assert SECRET not in page.text and "Arg Granne" not in page.text
    assert deleted.status_code == 200 and "Inlägget är raderat." in text_of(deleted.text)
    assert "Fel datum för kommunfullmäktige" not in deleted.text


def test_the_api_compares_two_versions_and_keeps_a_deleted_posts_versions_from_the_public(client, runtime):
    town, kept, gone, position = given_a_channel_with_history(client, runtime)

    compared = town.get(f"/v1/posts/{kept['id']}/versions/compare", wait=position).json()
    refused = town.get(f"/v1/posts/{gone['id']}/versions/compare")
    as_officer = town.get(f"/v1/posts/{gone['id']}/versions/compare", as_=town.officer)
    no_such = town.get(f"/v1/posts/{kept['id']}/versions/compare", from_version=7)

    assert (compared["from_version"], compared["to_version"]) == (1, 2)
    assert [c for c in compared["changes"] if c["kind"] != "same"] == [
        {"kind": "removed", "text": "14"},
        {"kind": "added", "text": "15"},
        {"kind": "removed", "text": "lördag"},
        {"kind": "added", "text": "söndag"},
    ]
    assert refused.status_code == 403 and as_officer.status_code == 200
    assert no_such.status_code == 422 and no_such.json()["errors"][0]["field"] == "from_version"


def test_a_channel_of_another_organisation_or_not_yet_active_has_no_archive_here(client, runtime):
    town, _kept, _gone, position = given_a_channel_with_history(client, runtime)
    runtime.views.wait_for("channel_content", position)

    unknown = client.get("/valdemarsvik/sociala-medier/5277c9a7-6080-454f-9a8c-a4e324ef5900")
    wrong_post = client.get(
        f"/valdemarsvik/sociala-medier/{town.channel_id}/inlagg/5277c9a7-6080-454f-9a8c-a4e324ef5900"
    )

    assert unknown.status_code == 404 and unknown.headers["content-type"].startswith("text/html")
    assert wrong_post.status_code == 404


def test_a_long_archive_is_paged_newest_first_and_narrowed_by_dates(client, runtime, clock):
    town = given_a_municipality_with_an_active_page(client, runtime)
    for day in range(27):  # one post a day for 27 days: more than a page of 25
        clock.advance(days=1)
        last = town.publish(f"Dagens information nummer {day + 1}.")
    runtime.views.wait_for("channel_content", last["position"])
    archive = f"/valdemarsvik/sociala-medier/{town.channel_id}"

    first, second = client.get(archive), client.get(archive, params={"sida": 2})
    narrowed = client.get(archive, params={"fran": "2026-03-04", "till": "2026-03-05"})

    assert "27 inlägg, sida 1 av 2" in text_of(first.text) and "Nästa sida" in first.text
    assert "nummer 27." in text_of(first.text) and "nummer 2." not in text_of(first.text)
    assert "sida 2 av 2" in text_of(second.text) and "Föregående sida" in second.text
    assert "nummer 1." in text_of(second.text) and "nummer 2." in text_of(second.text)
    assert "2 inlägg" in text_of(narrowed.text)
    assert "nummer 2." in text_of(narrowed.text) and "nummer 3." in text_of(narrowed.text)
