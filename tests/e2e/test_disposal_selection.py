"""A disposal of every due record of a class: what it selects, and why it is refused. When holds
cover every record that would be due, the answer is 409 naming the holds — as for records named
one by one — and not "matches no record", which would send the records officer looking for a
mistake in the selection."""

from __future__ import annotations

from retention_story import given_an_aged_channel_under_a_plan


def test_a_class_wide_disposal_whose_records_are_all_held_names_every_hold(client, runtime):
    town, _old_post, _new_post, comment, _ = given_an_aged_channel_under_a_plan(client, runtime)
    by_record = town.post(
        "/v1/retention/holds",
        {"scope": "record", "target": comment["id"], "reason": "Begäran om allmän handling"},
        as_=town.officer,
        expect=201,
    ).json()
    by_query = town.post(
        "/v1/retention/holds",
        {"scope": "query", "query": {"class_code": "comment"}, "reason": "JO:s utredning dnr 1234-2026"},
        as_=town.auditor,
        expect=201,
    ).json()
    head = runtime.head()

    refused = town.post(
        "/v1/disposals",
        {"reference": "KS 2026/0201", "class_code": "comment", "assessment": "Inaktuella"},
        as_=town.officer,
        expect=409,
        params={"wait_for_position": head},
    ).json()

    assert "every due record of class comment is held" in refused["detail"]
    assert f"hold {by_record['id']}: Begäran om allmän handling" in refused["detail"]
    assert f"hold {by_query['id']}: JO:s utredning dnr 1234-2026" in refused["detail"]
    assert runtime.head() == head


def test_a_class_wide_disposal_that_matches_no_record_and_no_held_one_says_so(client, runtime):
    town, *_ = given_an_aged_channel_under_a_plan(client, runtime)

    refused = town.post(
        "/v1/disposals", {"reference": "KS 2026/0201", "class_code": "reply"}, as_=town.officer, expect=422
    ).json()

    assert refused["errors"][0]["field"] == "records"
