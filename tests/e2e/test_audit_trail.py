"""Story 8 for records officers and auditors: the audit trail, filtered, paged and exported."""

from __future__ import annotations

import csv
import io

import orjson
from conftest import FACEBOOK_PAGE, register_organisation, staff
from editorial_story import given_a_municipality_with_an_active_page


def given_some_history(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    post = town.publish()
    comment = town.capture_comment(post["id"], "c-1")
    town.post(f"/v1/comments/{comment['id']}/replies", {"text": "Tack!"}, expect=201)
    runtime.app.clock.advance(days=1)
    town.post(f"/v1/posts/{post['id']}/delete", {"ground": "own_decision", "reason": "Inaktuell"})
    runtime.views.wait_for("audit_trail", runtime.head())
    return town, post, comment


def test_every_event_carries_actor_role_and_both_times(client, runtime):
    town, post, _ = given_some_history(client, runtime)
    trail = town.get("/v1/audit-trail", as_=town.officer, entity_id=post["id"], order="oldest").json()
    assert [(e["event_type"], e["actor_name"], e["actor_role"]) for e in trail] == [
        ("Published", "Erik Redaktör", "editor"),
        ("Deleted", "Erik Redaktör", "editor"),
    ]
    assert all(e["recorded_at"] and e["occurred_at"] and e["summary"] for e in trail)
    assert trail[1]["summary"] == "Post deleted on ground own_decision: Inaktuell"


def test_filters_by_actor_type_channel_and_time(client, runtime):
    town, _post, comment = given_some_history(client, runtime)
    by_capture = town.get("/v1/audit-trail", as_=town.auditor, actor_id=town.capture.id).json()
    replies = town.get("/v1/audit-trail", as_=town.auditor, event_type="ReplyPosted").json()
    on_channel = town.get("/v1/audit-trail", as_=town.auditor, channel_id=town.channel_id).json()
    last_day = town.get(
        "/v1/audit-trail", as_=town.auditor, recorded_from=(town.now().replace(microsecond=0)).isoformat()
    ).json()

    assert [(e["entity_type"], e["event_type"]) for e in by_capture] == [("Comment", "Received")]
    assert [e["entity_id"] for e in replies] == [comment["id"]]
    assert {e["entity_type"] for e in on_channel} == {"Channel", "ChannelRoster", "Post", "Comment"}
    assert [e["event_type"] for e in last_day] == ["Deleted"]


def test_pages_newest_first_and_oldest_first(client, runtime):
    town, _, _ = given_some_history(client, runtime)
    everything = town.get("/v1/audit-trail", as_=town.auditor, order="oldest", limit=1000).json()
    first = town.get("/v1/audit-trail", as_=town.auditor, limit=4)
    second = town.get("/v1/audit-trail", as_=town.auditor, limit=4, after=first.headers["X-Next-After"])
    positions = [e["position"] for e in first.json() + second.json()]
    assert positions == sorted(positions, reverse=True) and len(set(positions)) == 8
    assert positions == [e["position"] for e in reversed(everything)][:8]


def test_exports_as_csv_and_json_lines(client, runtime):
    town, _, _ = given_some_history(client, runtime)
    expected = town.get("/v1/audit-trail", as_=town.officer, order="oldest", limit=1000).json()
    as_csv = town.get("/v1/audit-trail", as_=town.officer, order="oldest", format="csv")
    as_jsonl = town.get("/v1/audit-trail", as_=town.officer, order="oldest", format="jsonl")

    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    lines = [orjson.loads(line) for line in as_jsonl.text.splitlines()]
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert [int(r["position"]) for r in rows] == [e["position"] for e in expected]
    assert orjson.loads(rows[-1]["details"]) == expected[-1]["details"]
    assert lines == expected


def test_only_records_officers_and_auditors_of_the_organisation_read_it(client, runtime):
    town, _, _ = given_some_history(client, runtime)
    register_organisation(runtime, "soderkoping", "Söderköpings kommun", "212000-0530")
    outsider = staff(runtime, "soderkoping", "auditor", "Olle Utomstående")
    other = client.post(
        "/v1/channels", json=FACEBOOK_PAGE, headers=staff(runtime, "soderkoping", "manager", "Sune").headers
    ).json()
    runtime.views.wait_for("audit_trail", other["position"])

    theirs = {e["entity_id"] for e in town.get("/v1/audit-trail", as_=outsider, limit=1000).json()}
    ours = {e["entity_id"] for e in town.get("/v1/audit-trail", as_=town.auditor, limit=1000).json()}
    assert town.get("/v1/audit-trail", as_=town.editor).status_code == 403
    assert town.get("/v1/audit-trail", as_=town.manager).status_code == 403
    assert other["id"] in theirs and town.channel_id in ours
    assert not theirs & ours
