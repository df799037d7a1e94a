"""Issue 17, supervision (uppsikt): every comment is checked when it is recorded; flagged and
unanswered comments wait in the queue, oldest first, until an editor decides; a removal's notice
to the poster (or why none was sent) is recorded, and the compliance view lists removals without."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import psycopg
from conftest import FACEBOOK_PAGE
from editorial_story import a_capture
from pydantic import TypeAdapter
from retention_story import given_an_aged_channel_under_a_plan
from supervision_story import PERSONNUMMER, given_a_page_with_comments_to_supervise

from api.schemas.supervision import QueueItem
from domain.supervision.flags import MAX_FLAGS
from kanalarkiv.readside.runner import Projector

QUEUE = TypeAdapter(list[QueueItem])


def flagged(queue: list[dict]) -> dict[str, list[str]]:
    return {item["comment_id"]: [f["kind"] for f in item["flags"]] for item in queue if item["flags"]}


def test_a_personnummer_and_a_threat_are_flagged_and_an_invoice_or_luhn_invalid_number_is_not(client, runtime):
    page = given_a_page_with_comments_to_supervise(client, runtime)
    c = page.comments

    queue = page.queue()

    assert flagged(queue) == {c["personnummer"]: ["personal_identity_number"], c["threat"]: ["threat"]}
    assert [item["comment_id"] for item in queue] == list(c.values()), "all unanswered, oldest first"
    assert [i["comment_id"] for i in page.queue(kind="threat")] == [c["threat"]]
    flag = flagged_item(queue, c["personnummer"])["flags"][0]
    text = page.town.get(f"/v1/comments/{c['personnummer']}", as_=page.town.officer).json()["text"]
    assert text[flag["start"] : flag["end"]] == PERSONNUMMER
    assert PERSONNUMMER not in str(queue), "a flag points at the span; it copies nothing"


def flagged_item(queue: list[dict], comment_id: str) -> dict:
    return next(item for item in queue if item["comment_id"] == comment_id)


def test_answered_comments_without_flags_leave_the_queue_flagged_ones_stay_until_resolved(client, runtime):
    page = given_a_page_with_comments_to_supervise(client, runtime)
    town, c = page.town, page.comments
    for name in c:
        town.post(f"/v1/comments/{c[name]}/replies", {"text": "Tack, vi återkommer. /Erik"}, expect=201)

    assert [item["comment_id"] for item in page.queue()] == [c["personnummer"], c["threat"]]


def test_removal_with_a_notice_clears_the_flag_and_the_trail_shows_which_decision(client, runtime):
    page = given_a_page_with_comments_to_supervise(client, runtime)
    town, comment_id = page.town, page.comments["threat"]
    flag_id = flagged_item(page.queue(), comment_id)["flags"][0]["flag_id"]

    decision = town.post(
        f"/v1/supervision/flags/{flag_id}/resolution",
        {"decision": "removed", "ground": "unlawful_threat", "justification": "Olaga hot mot personalen."},
    ).json()
    notice = town.post(
        f"/v1/comments/{comment_id}/removal-notice",
        {
            "text": "Din kommentar har tagits bort eftersom den innehöll ett hot (BBS-lagen 5 §).",
            "notice_channel": "platform_message",
            "sent_at": town.now().isoformat(),
        },
        expect=201,
    ).json()

    assert comment_id not in [item["comment_id"] for item in page.queue()]
    flags = town.get(f"/v1/comments/{comment_id}/flags", as_=town.manager, wait=notice["position"]).json()
    assert [(f["resolution"], f["decision_id"], f["resolved_by_name"]) for f in flags] == [
        ("removed", decision["id"], "Erik Redaktör")
    ]
    trail = town.get("/v1/audit-trail", as_=town.auditor, wait=notice["position"], order="oldest").json()
    resolved = next(e for e in trail if e["event_type"] == "FlagsResolved")
    assert resolved["details"]["decision_id"] == decision["id"] and resolved["details"]["flag_ids"] == [flag_id]
    assert resolved["summary"] == f"Flags of comment {comment_id} resolved by decision {decision['id']} (removed)"
    moderated = next(e for e in trail if e["event_type"] == "Moderated")
    assert moderated["details"]["decision_id"] == decision["id"], "the decision the resolution names"
    assert any(e["event_type"] == "RemovalNoticeRecorded" for e in trail)
    assert "hot (BBS" not in str(trail), "the notice's text is content, kept out of the trail"


def test_no_action_needed_is_a_decision_with_a_reason(client, runtime):
    page = given_a_page_with_comments_to_supervise(client, runtime)
    town, comment_id = page.town, page.comments["personnummer"]
    flag_id = flagged_item(page.queue(), comment_id)["flags"][0]["flag_id"]

    missing = town.post(f"/v1/supervision/flags/{flag_id}/resolution", {"decision": "no_action"}, expect=422)
    town.post(
        f"/v1/supervision/flags/{flag_id}/resolution",
        {"decision": "no_action", "reason": "Kommentaren besvaras i ärendet; personnumret är skribentens eget."},
    )

    assert missing.json()["errors"][0]["field"] == "reason"
    assert flagged(page.queue()) == {page.comments["threat"]: ["threat"]}


def test_the_compliance_view_lists_removals_without_a_notice_or_a_reason_for_none(client, runtime):
    page = given_a_page_with_comments_to_supervise(client, runtime)
    town = page.town
    for name in ("threat", "personnummer"):
        town.post(
            f"/v1/comments/{page.comments[name]}/moderation",
            {"action": "remove", "ground": "unlawful_threat", "justification": "Hot."},
        )
    last = town.post(
        f"/v1/comments/{page.comments['personnummer']}/removal-notice/withheld",
        {"reason": "Skribenten är anonym och kan inte nås."},
        expect=201,
    ).json()

    report = town.get("/v1/compliance", as_=town.manager, wait=last["position"]).json()

    assert [r["comment_id"] for r in report["removals_without_notice"]] == [page.comments["threat"]]


def test_a_rebuild_gives_the_same_flags_as_live(client, runtime):
    page = given_a_page_with_comments_to_supervise(client, runtime)
    town = page.town
    town.post("/v1/supervision/lexicons/own_term/terms", {"terms": ["badet"]}, as_=town.manager, expect=201)
    later = town.capture_comment(page.post_id, "c-later", text="Badet är stängt igen!")
    runtime.views.wait_for("supervision", runtime.head())
    live = flag_rows(runtime)
    runtime.supervisor.stop()

    runtime.views.view("supervision").reset(runtime.app.name)
    Projector(runtime.app, runtime.views.projection("supervision"), batch_size=3).catch_up()

    assert flag_rows(runtime) == live
    assert {r["comment_id"] for r in live if r["kind"] == "own_term"} == {UUID(later["id"])}, (
        "the term applies to comments recorded after it was added"
    )


def flag_rows(runtime) -> list[dict]:
    with psycopg.connect(runtime.database_url, row_factory=psycopg.rows.dict_row) as conn:
        return conn.execute("SELECT * FROM supervision_flags ORDER BY flag_id").fetchall()


def test_the_queue_filters_by_channel_and_by_age(client, runtime):
    page = given_a_page_with_comments_to_supervise(client, runtime)  # received 30, 29, 28 and 27 hours ago
    town, c = page.town, page.comments
    other = town.client.post(
        "/v1/channels", json=FACEBOOK_PAGE | {"name": "Valdemarsviks bibliotek"}, headers=town.manager.headers
    ).json()
    town.client.post(f"/v1/channels/{other['id']}/activate", headers=town.manager.headers).raise_for_status()
    library = town.post(
        f"/v1/channels/{other['id']}/captures/posts",
        a_capture(town, platform_post_id="lib"),
        as_=town.capture,
        expect=201,
    ).json()
    elsewhere = town.capture_comment(library["id"], "lib-1", text="Kan man boka?", received_ago=timedelta(hours=2))

    everything = [i["comment_id"] for i in page.queue()]
    on_the_page = [i["comment_id"] for i in page.queue(channel_id=town.channel_id)]
    in_the_library = [i["comment_id"] for i in page.queue(channel_id=other["id"])]
    old = [i["comment_id"] for i in page.queue(older_than_hours=28.5)]

    assert everything == [*c.values(), elsewhere["id"]], "oldest first, every channel"
    assert on_the_page == list(c.values()) and in_the_library == [elsewhere["id"]]
    assert old == [c["personnummer"], c["threat"]], "received at least 28.5 hours ago"


def test_the_queue_answers_exactly_what_its_documented_schema_serialises_to(client, runtime):
    page = given_a_page_with_comments_to_supervise(client, runtime)
    town = page.town

    response = town.get("/v1/supervision/queue", as_=town.editor, wait=runtime.head())
    org_id = runtime.views.channel_register.organisation_by_slug("valdemarsvik")["org_id"]
    rows = runtime.views.supervision.queue(org_id, runtime.app.clock())

    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    assert response.content == QUEUE.dump_json([QueueItem.model_validate(row) for row in rows])
    assert any(item["flags"] for item in response.json()), "flags serialised as FlagPublic, in its key order"


def test_hiding_a_comment_or_moving_it_to_a_case_resolves_its_flag_too(client, runtime):
    page = given_a_page_with_comments_to_supervise(client, runtime)
    town, c = page.town, page.comments
    queue = page.queue()
    number_flag = flagged_item(queue, c["personnummer"])["flags"][0]["flag_id"]
    threat_flag = flagged_item(queue, c["threat"])["flags"][0]["flag_id"]

    hidden = town.post(
        f"/v1/supervision/flags/{number_flag}/resolution",
        {"decision": "hidden", "ground": "offensive_personal_data", "justification": "Personnummer i klartext."},
    ).json()
    moved = town.post(
        f"/v1/supervision/flags/{threat_flag}/resolution",
        {"decision": "moved_to_case", "note": "Polisanmälan: nytt ärende"},
    ).json()

    left = [item["comment_id"] for item in page.queue()]
    assert c["personnummer"] not in left and c["threat"] not in left
    for comment_id, decision, resolution in (
        (c["personnummer"], hidden, "hidden"),
        (c["threat"], moved, "moved_to_case"),
    ):
        flags = town.get(f"/v1/comments/{comment_id}/flags", as_=town.manager, wait=moved["position"]).json()
        assert [(f["resolution"], f["decision_id"]) for f in flags] == [(resolution, decision["id"])]
    transfers = town.get("/v1/diary/transfers", as_=town.officer, wait=moved["position"]).json()
    assert [t["comment_id"] for t in transfers] == [c["threat"]], "the records officer's queue has the moved comment"


def test_a_reply_is_checked_too_and_keeps_its_comment_in_the_queue_until_resolved(client, runtime):
    page = given_a_page_with_comments_to_supervise(client, runtime)
    town, comment_id = page.town, page.comments["invoice"]
    reply = town.post(
        f"/v1/comments/{comment_id}/replies",
        {"text": "Ring kundtjänst på 070-123 45 67 så reder vi ut det."},
        expect=201,
    ).json()

    [item] = [i for i in page.queue() if i["comment_id"] == comment_id]

    replies = town.get(f"/v1/comments/{comment_id}", as_=town.editor, wait=reply["position"]).json()["replies"]
    assert item["answered"] is True
    assert [(f["kind"], f["reply_id"]) for f in item["flags"]] == [("phone_number", replies[0]["reply_id"])]


def test_a_100_kb_comment_full_of_matches_is_flagged_and_the_next_comment_still_is(client, runtime):
    page = given_a_page_with_comments_to_supervise(client, runtime)
    town = page.town
    unit = f"jag ska mörda dig {PERSONNUMMER} ring 070-123 45 67 "
    huge = town.capture_comment(page.post_id, "c-huge", text=(unit * (100_000 // len(unit)))[:100_000])
    after = town.capture_comment(page.post_id, "c-after", text="Vi vet var du bor.")
    assert "id" in huge and "id" in after, (huge, after)

    flagged_now = flagged(page.queue())

    assert len(flagged_now[huge["id"]]) == MAX_FLAGS, "flagged all the same, a bounded number of flags kept"
    assert set(flagged_now[huge["id"]]) == {"threat", "personal_identity_number", "phone_number"}
    assert flagged_now[after["id"]] == ["threat"]


def test_a_disposed_comments_flags_go_with_it_as_a_rebuild_would_find(client, runtime):
    town, old_post, _new, _comment, _ = given_an_aged_channel_under_a_plan(client, runtime)
    old = town.capture_comment(
        old_post["id"], "c-old", text=f"Mitt personnummer är {PERSONNUMMER}", received_ago=timedelta(days=800)
    )
    runtime.views.wait_for("supervision", old["position"])
    assert [r["kind"] for r in flag_rows(runtime) if r["comment_id"] == UUID(old["id"])] == ["personal_identity_number"]

    done = town.post(
        "/v1/disposals",
        {"reference": "KS 2026/0203", "class_code": "comment", "record_ids": [old["id"]], "assessment": "Inaktuell"},
        as_=town.officer,
        expect=201,
    ).json()
    runtime.views.wait_for("supervision", done["position"])
    live = flag_rows(runtime)
    runtime.supervisor.stop()
    runtime.views.view("supervision").reset(runtime.app.name)
    Projector(runtime.app, runtime.views.projection("supervision"), batch_size=5).catch_up()

    assert [r for r in live if r["comment_id"] == UUID(old["id"])] == []
    assert flag_rows(runtime) == live
