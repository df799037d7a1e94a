"""Issue 17: a channel tells its users who provides it and what happens to what they write
(BBS-lagen 3 §), every version kept; a channel's response target counts Swedish working hours,
and managers get the share answered within it, the median and the 90th percentile per month."""

from __future__ import annotations

from datetime import timedelta

import pytest
from editorial_story import given_a_municipality_with_an_active_page
from supervision_story import given_a_page_with_comments_to_supervise

WRITTEN = {
    "provider": "Sidan drivs av Valdemarsviks kommun, Kommunledningskontoret.",
    "public_records": "Det du skriver blir en allmän handling och kan registreras.",
    "comment_rules": "Håll god ton. Skriv inga personnummer.",
    "removal": "Vi tar bort hot och hets mot folkgrupp (BBS-lagen 5 §) och sparar det som allmän handling.",
    "personal_data": "Vi behandlar personuppgifter enligt dataskyddsförordningen.",
    "contact": "kommun@valdemarsvik.se",
}


def test_the_user_information_as_it_stood_on_an_earlier_day(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    path = f"/v1/channels/{town.channel_id}/user-information"
    first_day = town.now().date()
    town.client.put(path, json=WRITTEN, headers=town.manager.headers).raise_for_status()
    runtime.app.clock.advance(days=10)
    changed = town.client.put(
        path,
        json=WRITTEN | {"comment_rules": "Håll god ton. Frågor om ditt ärende flyttas till ärendet."},
        headers=town.manager.headers,
    ).json()

    now = town.get(path, wait=changed["position"]).json()
    then = town.get(path, at=first_day.isoformat()).json()
    before = town.get(path, at=(first_day - timedelta(days=1)).isoformat()).json()

    assert (now["version"], now["comment_rules"]) == (3, "Håll god ton. Frågor om ditt ärende flyttas till ärendet.")
    assert (then["version"], then["comment_rules"], then["written_by_name"]) == (
        2,
        WRITTEN["comment_rules"],
        "Anna Chef",
    )
    assert before["is_default"] and "allmän handling" in before["public_records"]
    register_page = town.client.get("/valdemarsvik/sociala-medier").text
    archive_page = town.client.get(f"/valdemarsvik/sociala-medier/{town.channel_id}").text
    for page in (register_page, archive_page):
        assert "Frågor om ditt ärende flyttas till ärendet." in page and "Till dig som skriver på" in page
        assert WRITTEN["contact"] in page


def test_an_editor_cannot_write_the_user_information_and_an_empty_section_is_refused(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    path = f"/v1/channels/{town.channel_id}/user-information"

    refused = town.client.put(path, json=WRITTEN, headers=town.editor.headers)
    empty = town.client.put(path, json=WRITTEN | {"contact": ""}, headers=town.manager.headers)

    assert refused.status_code == 403
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "contact"


def test_comments_past_the_target_are_in_the_queue_and_managers_see_the_share_within_it(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    runtime.app.clock.advance(days=5)
    town.client.put(
        f"/v1/channels/{town.channel_id}/response-target", json={"working_hours": 8}, headers=town.manager.headers
    ).raise_for_status()
    post = town.publish()
    # The clock stands at Saturday 7 March 2026, 10:00 Swedish time.
    quick = town.capture_comment(post["id"], "q", received_ago=timedelta(days=4))  # Tuesday 10:00
    slow = town.capture_comment(post["id"], "s", received_ago=timedelta(days=3))  # Wednesday 10:00
    waiting = town.capture_comment(post["id"], "w", received_ago=timedelta(days=2))  # Thursday 10:00: due Friday
    town.post(
        f"/v1/comments/{quick['id']}/replies",
        {"text": "Svar", "occurred_at": (town.now() - timedelta(days=4) + timedelta(hours=2)).isoformat()},
        expect=201,
    )
    replied = town.post(
        f"/v1/comments/{slow['id']}/replies",
        {"text": "Svar", "occurred_at": (town.now() - timedelta(days=2) + timedelta(hours=3)).isoformat()},
        expect=201,
    ).json()

    late = town.get("/v1/supervision/queue", as_=town.editor, wait=replied["position"], past_target="true").json()
    figures = town.get(f"/v1/channels/{town.channel_id}/supervision/statistics", as_=town.manager).json()

    assert [item["comment_id"] for item in late] == [waiting["id"]]
    month = figures["months"][0]
    assert figures["target_working_hours"] == 8
    assert (month["comments"], month["answered"], month["answered_within_target"]) == (3, 2, 1)
    assert month["share_within_target"] == 0.3333 and month["unanswered_past_target"] == 1
    # 2 and 12 working hours (Wednesday 10–17 and Thursday 8–13)
    assert month["median_working_hours"] == pytest.approx(7.0, abs=0.01)
    assert month["p90_working_hours"] == pytest.approx(11.0, abs=0.01)


def test_lexicon_terms_are_words_not_patterns_and_their_limits_answer_422_naming_the_field(client, runtime):
    page = given_a_page_with_comments_to_supervise(client, runtime)
    town = page.town
    path = "/v1/supervision/lexicons/own_term/terms"

    pattern = town.post(path, {"terms": ["(a+)+$"]}, as_=town.manager, expect=422)
    too_many = town.post(path, {"terms": [f"ord{i}" for i in range(201)]}, as_=town.manager, expect=422)
    too_long = town.post(path, {"terms": ["x" * 61]}, as_=town.manager, expect=422)
    by_editor = town.post(path, {"terms": ["simhall"]}, as_=town.editor, expect=403)
    added = town.post(path, {"terms": ["simhall"]}, as_=town.manager, expect=201).json()

    for refused in (pattern, too_many, too_long):
        assert refused.json()["errors"][0]["field"] == "terms", refused.text
    assert by_editor.status_code == 403
    lexicons = town.get("/v1/supervision/lexicons", as_=town.editor, wait=added["position"]).json()
    own = next(lx for lx in lexicons["lexicons"] if lx["kind"] == "own_term")
    assert own["own_terms"] == ["simhall"] and lexicons["own_version"] == 2
