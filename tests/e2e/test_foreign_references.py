"""A command that names other records — a hold's channel, record or case, a diary entry's
channel and snapshot, a disposal's records — names the organisation's own. An id of another
organisation's record is refused like an id of no record at all: 422 naming the field, the same
message either way, and nothing recorded."""

from __future__ import annotations

from uuid import uuid4

from conftest import FACEBOOK_PAGE, register_organisation, staff
from editorial_story import given_a_municipality_with_an_active_page
from snapshot_story import tiny_png, upload

from api.schemas.retention import EXAMPLE_PLAN


def given_two_towns(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    post = town.publish()
    snapshot = upload(town, staff(runtime, role="webmaster", name="Wilma Webb"), tiny_png()).json()
    register_organisation(runtime, "granby", "Granby kommun", "212000-0530")
    granby = staff(runtime, "granby", "records_officer", "Granbys registrator")
    granby_manager = staff(runtime, "granby", "manager", "Granbys chef")
    own_channel = client.post(
        "/v1/channels",
        json=FACEBOOK_PAGE | {"name": "Granby kommun", "url": "https://www.facebook.com/granby"},
        headers=granby_manager.headers,
    ).json()
    client.put("/v1/diary", json={"series_prefix": "KS"}, headers=granby.headers)
    return town, post, snapshot, granby, own_channel


def refused(town, path: str, body: dict, as_) -> dict:
    head = town.runtime.head()
    answer = town.post(path, body, as_=as_, expect=422).json()
    assert town.runtime.head() == head
    [error] = answer["errors"]
    return error


def test_a_hold_names_the_organisations_own_channel_record_or_case(client, runtime):
    town, post, _snapshot, granby, own_channel = given_two_towns(client, runtime)
    hold, nowhere = {"reason": "JO:s utredning"}, str(uuid4())

    errors = [
        refused(town, "/v1/retention/holds", hold | body, granby)
        for body in (
            {"scope": "channel", "target": town.channel_id},
            {"scope": "channel", "target": nowhere},
            {"scope": "channel", "target": "inte-ett-id"},
            {"scope": "record", "target": post["id"]},
            {"scope": "record", "target": nowhere},
            {"scope": "case", "target": "KS 2026/0001"},
            {"scope": "query", "query": {"channel_id": town.channel_id}},
        )
    ]
    own = town.post(
        "/v1/retention/holds", hold | {"scope": "channel", "target": own_channel["id"]}, as_=granby, expect=201
    )

    assert [e["field"] for e in errors] == ["target"] * 6 + ["query.channel_id"]
    assert errors[0]["message"].replace(town.channel_id, "…") == errors[1]["message"].replace(nowhere, "…")
    assert errors[3]["message"].replace(post["id"], "…") == errors[4]["message"].replace(nowhere, "…")
    assert own.status_code == 201


def test_a_diary_entry_links_the_organisations_own_channel_and_snapshot(client, runtime):
    town, _post, snapshot, granby, own_channel = given_two_towns(client, runtime)
    entry = {
        "record_date": town.now().isoformat(),
        "direction": "drawn_up",
        "record_type": "snapshot",
        "description": "Halvårsskärmdump",
    }

    errors = [
        refused(town, "/v1/diary/entries", entry | links, granby)
        for links in (
            {"snapshot_id": snapshot["id"]},
            {"snapshot_id": str(uuid4())},
            {"channel_id": town.channel_id},
            {"channel_id": own_channel["id"], "snapshot_id": snapshot["id"]},
        )
    ]
    town.client.put("/v1/diary", json={"series_prefix": "KS"}, headers=town.officer.headers)
    mismatched = refused(
        town, "/v1/diary/entries", entry | {"snapshot_id": snapshot["id"], "channel_id": str(uuid4())}, town.officer
    )
    other_channel = town.post(
        "/v1/channels", FACEBOOK_PAGE | {"url": "https://www.facebook.com/vmvik-fritid"}, as_=town.manager, expect=201
    ).json()
    another_channels = refused(
        town,
        "/v1/diary/entries",
        entry | {"snapshot_id": snapshot["id"], "channel_id": other_channel["id"]},
        town.officer,
    )
    own = town.post(
        "/v1/diary/entries",
        entry | {"snapshot_id": snapshot["id"], "channel_id": town.channel_id},
        as_=town.officer,
        expect=201,
    )

    assert [e["field"] for e in errors] == ["snapshot_id", "snapshot_id", "channel_id", "snapshot_id"]
    assert mismatched["field"] == "channel_id"
    assert another_channels["field"] == "snapshot_id" and "not of" in another_channels["message"]
    assert own.status_code == 201


def test_a_disposal_names_the_organisations_own_records(client, runtime):
    town, post, _snapshot, granby, _own_channel = given_two_towns(client, runtime)
    town.client.post(
        "/v1/records-plan", json={"classes": EXAMPLE_PLAN, "decision_reference": "KS 2026/0012"}, headers=granby.headers
    )

    errors = [
        refused(town, "/v1/disposals", {"reference": "KS 2026/0201", "class_code": "post", "record_ids": ids}, granby)
        for ids in ([post["id"]], [str(uuid4())])
    ]

    assert [e["field"] for e in errors] == ["record_ids", "record_ids"]


def test_a_hold_on_a_case_of_the_diary_is_kept_under_the_number_as_the_diary_writes_it(client, runtime):
    town, _post, _snapshot, granby, _own_channel = given_two_towns(client, runtime)
    town.post("/v1/diary/cases", {"subject": "Bygglov", "responsible_unit": "Bygg"}, as_=granby, expect=201)

    hold = town.post(
        "/v1/retention/holds", {"scope": "case", "target": "ks 2026/1", "reason": "Överklagat"}, as_=granby, expect=201
    ).json()
    held = town.get("/v1/retention/holds", as_=granby, wait=hold["position"]).json()

    assert [(h["scope"], h["target"]) for h in held] == [("case", "KS 2026/0001")]
