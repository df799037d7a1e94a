"""The hot public reads (a channel's posts, the public diary) are serialised straight from the
view's rows with orjson; a website reading them gets byte for byte what their documented models
(``list[PostPublic]``, ``DiaryPage``) serialise to, as FastAPI answered when it built the models."""

from __future__ import annotations

from datetime import timedelta

from diary_story import given_a_municipality_with_a_diary
from editorial_story import given_a_municipality_with_an_active_page
from pydantic import TypeAdapter

from api.diary_answers import diary_query, entry_public
from api.routes.posts import public_post
from api.schemas.diary_reads import DiaryPage
from api.schemas.editorial import PostPublic

POSTS = TypeAdapter(list[PostPublic])


def test_a_channels_posts_answer_exactly_what_their_documented_schema_serialises_to(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    plain = town.publish('Nu öppnar badplatserna! "Välkomna" <b>&</b> \\ / ✓\nRad två\ttabb')
    edited = town.publish("Regionen stänger akutmottagningen i Lycksele i sommar.")
    town.post(f"/v1/posts/{edited['id']}/edit", {"text": "Regionen utreder akutmottagningen i Lycksele."})
    deleted = town.publish("Fel text")
    runtime.app.clock.advance(hours=3)
    done = town.post(f"/v1/posts/{deleted['id']}/delete", {"ground": "published_by_mistake", "reason": "Fel"}).json()

    response = town.get(f"/v1/channels/{town.channel_id}/posts", wait=done["position"])
    rows = runtime.views.channel_content.posts_of(town.channel_id, 50, 0, None)

    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    assert response.content == POSTS.dump_json([public_post(row) for row in rows])  # as the models answered
    assert response.content == POSTS.dump_json(POSTS.validate_json(response.content))
    by_id = {p["post_id"]: p for p in response.json()}
    assert (by_id[deleted["id"]]["text"], by_id[deleted["id"]]["deleted"]) == (None, True)  # not what it said
    assert (by_id[edited["id"]]["edited"], by_id[edited["id"]]["text"]) == (
        True,
        "Regionen utreder akutmottagningen i Lycksele.",
    )
    assert by_id[plain["id"]]["text"].startswith("Nu öppnar badplatserna!")
    assert by_id[plain["id"]]["published_at"].endswith("Z")
    paged = town.get(f"/v1/channels/{town.channel_id}/posts", limit=1, offset=1).json()
    assert [p["post_id"] for p in paged] == [p["post_id"] for p in response.json()][1:2]
    assert town.get("/v1/channels/6d0d2b1c-3c55-4d7a-9a55-1b2f3a4c5d6e/posts").json() == []
    bad = town.get(f"/v1/channels/{town.channel_id}/posts", limit=0)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "limit"


def test_the_public_diary_answers_exactly_what_its_documented_schema_serialises_to(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    town = diary.town
    plain = diary.register_comment(
        diary.comment(
            text="Åsa Öberg undrar över snöröjningen", author='Åsa "Snö" Öberg', received_ago=timedelta(days=20)
        )["id"],
        description="Klagomål på snöröjningen — åäö ÅÄÖ <b>&</b>",
    )
    marked = diary.register_comment(
        diary.comment(text="Min son har diagnosen X", author="Sara Förälder")["id"],
        description="Begäran om stöd för sonen med diagnos",
    )
    town.post(
        f"/v1/diary/entries/{marked['id']}/secrecy",
        {"provision": "26:1", "fields": ["counterpart", "description"]},
        as_=town.officer,
    )
    case, in_case = diary.case_with_a_snapshot()
    wrong = diary.register_comment(diary.comment()["id"], description="Registrerad i fel diarium")
    annulled = town.post(
        f"/v1/diary/entries/{wrong['id']}/annulment", {"reason": "Av misstag"}, as_=town.officer
    ).json()
    runtime.views.wait_for("diary", annulled["position"])

    organisation = runtime.views.channel_register.organisation_by_slug("valdemarsvik")
    for params in ({}, {"q": "snöröjningen"}, {"limit": 2, "offset": 1}):
        response = town.get("/v1/organisations/valdemarsvik/diary", **params)
        query = diary_query(
            params.get("q"), None, None, None, None, None, params.get("limit", 50), params.get("offset", 0)
        )
        rows, total = runtime.views.diary.public_entries(organisation["org_id"], query)
        documented = DiaryPage(
            organisation=organisation["name"],
            organisation_slug="valdemarsvik",
            total=total,
            limit=query.limit,
            offset=query.offset,
            entries=[entry_public("valdemarsvik", row) for row in rows],
        )

        assert response.status_code == 200 and response.headers["content-type"] == "application/json"
        assert response.content == documented.model_dump_json().encode()  # as the model answered
        assert response.content == DiaryPage.model_validate_json(response.content).model_dump_json().encode()

    page = town.get("/v1/organisations/valdemarsvik/diary").json()
    by_id = {e["entry_id"]: e for e in page["entries"]}
    assert page["total"] == 4 and len(by_id) == 4
    assert (by_id[marked["id"]]["secrecy_marked"], by_id[marked["id"]]["links"]) == (True, None)
    assert "Sara Förälder" not in str(page) and "diagnos" not in str(page)
    assert by_id[in_case["id"]]["case_number"] == case["diary_number"]
    assert by_id[in_case["id"]]["links"]["channel_id"] == town.channel_id
    assert by_id[wrong["id"]]["status"] == "annulled" and by_id[wrong["id"]]["annulled_on"] is not None
    assert by_id[plain["id"]]["description"] == "Klagomål på snöröjningen — åäö ÅÄÖ <b>&</b>"
    assert by_id[plain["id"]]["record_date"].count("-") == 2  # a date, in Swedish time
    searched = town.get("/v1/organisations/valdemarsvik/diary", q="snöröjningen").json()
    assert [e["entry_id"] for e in searched["entries"]] == [plain["id"]] and searched["total"] == 1
    assert town.get("/v1/organisations/nowhere/diary").status_code == 404
    bad = town.get("/v1/organisations/valdemarsvik/diary", to="2026-01-01", **{"from": "2026-02-01"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "to"
