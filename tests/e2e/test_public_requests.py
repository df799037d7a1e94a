"""Requests for public records (begäran om allmän handling, TF 2:15–16), through HTTP: anyone asks
without a token or a name and gets a receipt at once; the records officer's queue shows the age in
working hours and lateness; each record is assessed, masked or refused under its provision; the
refusal's written decision carries the appeal instructions; paper copies cost by the schedule;
a record named by an open request cannot be disposed of."""

from __future__ import annotations

from request_story import REQUESTS, given_a_registered_comment, pdf_pages, pdf_text

from api.schemas.retention import EXAMPLE_PLAN


def test_anyone_asks_without_a_token_or_a_name_and_gets_a_numbered_receipt(client, runtime):
    world = given_a_registered_comment(client, runtime)

    receipt = world.ask(diary_numbers=[world.entry["diary_number"]])

    assert receipt["number"] == "BEG 2026/0001"
    assert receipt["named"] == [world.entry["diary_number"]]
    second = world.ask(description="Protokollet om simhallen")
    assert second["number"] == "BEG 2026/0002"
    trail = world.town.get("/v1/audit-trail", as_=world.town.auditor, wait=second["position"]).json()
    received = [e for e in trail if e["entity_type"] == "PublicRecordRequest"]
    assert len(received) == 2 and {(e["actor_role"], e["actor_name"]) for e in received} == {("public", "allmänheten")}
    assert "a@example.se" not in str(trail)


def test_a_request_has_no_field_for_a_name_and_no_attachment(client, runtime):
    world = given_a_registered_comment(client, runtime)

    named = client.post(REQUESTS, json={"form": "on_site", "description": "Protokollet", "name": "Kalle"})
    attached = client.post(REQUESTS, files={"file": ("a.pdf", b"%PDF-1.4", "application/pdf")})

    assert named.status_code == 422 and named.json()["errors"][0]["field"] == "name"
    assert attached.status_code in (400, 422)
    assert world.queue(wait=runtime.head()) == []


def test_the_receipt_reads_the_same_for_a_secret_record_and_for_one_that_does_not_exist(client, runtime):
    world = given_a_registered_comment(client, runtime)
    world.town.post(
        f"/v1/diary/entries/{world.entry['id']}/secrecy",
        {"provision": "OSL 26 kap. 1 §", "fields": ["counterpart"]},
        as_=world.town.officer,
    )

    secret = world.ask(diary_numbers=[world.entry["diary_number"]])
    unknown = world.ask(diary_numbers=["KS 2026/0999"])

    assert set(secret) == set(unknown)
    assert {k: v for k, v in secret.items() if k not in ("number", "named", "received_at", "position")} == {
        k: v for k, v in unknown.items() if k not in ("number", "named", "received_at", "position")
    }
    queue = {r["number"]: r for r in world.queue(wait=unknown["position"])}
    assert queue[unknown["number"]]["items"][0]["kind"] == "unresolved"  # the officer resolves it
    detail = world.town.get(f"/v1/requests/{queue[secret['number']]['id']}", as_=world.town.officer).json()
    assert detail["items"][0]["secrecy_marking"] == "OSL 26 kap. 1 §"  # a reason to assess
    assert detail["items"][0]["outcome"] is None  # never a decision


def test_the_queue_shows_age_in_working_hours_and_a_request_open_past_the_next_working_day_as_late(client, runtime):
    world = given_a_registered_comment(client, runtime)  # the clock: Monday 2 March 2026, 10:00 Swedish time
    receipt = world.ask(diary_numbers=[world.entry["diary_number"]])

    fresh = world.queue(wait=receipt["position"])[0]
    runtime.app.clock.advance(days=1, hours=8)  # Tuesday 18:00: past the end of the next working day

    late = world.queue()[0]
    assert fresh["late"] is False and fresh["age_working_hours"] == 0.0
    assert late["late"] is True and late["age_working_hours"] == 16.0
    assert late["answer_due"] == "2026-03-03T17:00:00+01:00"


def test_a_release_with_masking_leaves_the_masked_text_out_of_the_copy_and_the_record_unchanged(client, runtime):
    world = given_a_registered_comment(client, runtime, text="Min granne Per Persson har inte fått svar om bygglovet.")
    receipt = world.ask(comment_ids=[world.comment["id"]])
    request_id = world.request_id(receipt["number"], receipt["position"])

    world.assess(request_id, 0, outcome="release_masked", provision="21:7", masked_passages=["Per Persson"])
    answered = world.answer(request_id)
    copy = client.get(answered["copy_url"], headers=world.town.officer.headers)

    assert copy.status_code == 200 and copy.headers["content-type"] == "application/pdf"
    text = pdf_text(copy.content)
    assert "Per Persson" not in text and "Kalle Medborgare" in text
    assert "maskerat enligt OSL 21 kap. 7 §" in text and "har inte fått svar om bygglovet" in text
    original = world.town.get(f"/v1/comments/{world.comment['id']}", as_=world.town.officer).json()
    assert "Per Persson" in original["text"]
    assert answered["fee_kr"] == 0  # by e-mail


def test_a_refusal_says_a_written_decision_may_be_asked_for_and_the_decision_carries_the_appeal(client, runtime):
    world = given_a_registered_comment(client, runtime)
    receipt = world.ask(
        form="paper", postal_address="Storgatan 1, 615 30 Valdemarsvik", diary_numbers=[world.entry["diary_number"]]
    )
    request_id = world.request_id(receipt["number"], receipt["position"])

    world.assess(request_id, 0, outcome="refuse", provision="OSL 26 kap. 1 §", reason="Uppgifter om en enskilds hälsa.")
    answered = world.answer(request_id)
    before = client.get(f"/v1/requests/{request_id}/decision", headers=world.town.officer.headers)
    world.town.post(
        f"/v1/requests/{request_id}/decision",
        {"reasons": "Handlingen innehåller uppgifter om en enskilds hälsa som omfattas av sekretess."},
        as_=world.town.officer,
        expect=201,
    )
    decision = client.get(f"/v1/requests/{request_id}/decision", headers=world.town.officer.headers)

    assert "skriftligt beslut" in pdf_text(client.get(answered["copy_url"], headers=world.town.officer.headers).content)
    assert before.status_code == 404
    text = " ".join(pdf_text(decision.content).split())
    assert "OSL 26 kap. 1 §" in text and "enskilds hälsa" in text
    assert "kammarrätten" in text and "inom tre veckor" in text


def test_a_paper_copy_of_eleven_pages_costs_52_kronor(client, runtime):
    world = given_a_registered_comment(client, runtime)
    posts = [world.town.publish(f"Inlägg nummer {n} om badplatserna.") for n in range(11)]
    receipt = world.ask(form="paper", collect=True, post_ids=[p["id"] for p in posts])
    request_id = world.request_id(receipt["number"], receipt["position"])
    for item in range(11):
        world.assess(request_id, item, outcome="release")

    answered = world.answer(request_id)
    copy = client.get(answered["copy_url"], headers=world.town.officer.headers)

    assert answered["pages"] == 11  # one page for each record copied
    assert pdf_pages(copy.content) == 12  # and the answer's letter, which is no copy
    assert answered["fee_kr"] == 52
    row = next(r for r in world.queue("all", wait=answered["position"]) if r["id"] == request_id)
    assert (row["status"], row["pages"], row["fee_kr"]) == ("answered", 11, 52)


def test_a_record_named_by_an_open_request_is_not_disposed_of_until_the_request_is_answered(client, runtime):
    world = given_a_registered_comment(client, runtime)
    town = world.town
    town.post(
        "/v1/records-plan",
        {"classes": EXAMPLE_PLAN, "decision_reference": "KS 2026/0012 § 14"},
        as_=town.officer,
        expect=201,
    )
    receipt = world.ask(post_ids=[world.comment["post_id"]])
    runtime.app.clock.advance(days=2 * 366)
    runtime.views.wait_for("retention", runtime.head())
    disposal = {"reference": "G 2028/1", "class_code": "post", "record_ids": [world.comment["post_id"]]}

    refused = town.post("/v1/disposals", disposal, as_=town.officer, expect=None)
    request_id = world.request_id(receipt["number"], receipt["position"])
    world.assess(request_id, 0, outcome="release")
    answered = world.answer(request_id)
    runtime.views.wait_for("retention", answered["position"])
    allowed = town.post("/v1/disposals", disposal, as_=town.officer, expect=None)

    assert refused.status_code == 409, refused.text
    assert receipt["number"] in refused.json()["detail"]
    assert allowed.status_code == 201, allowed.text


def test_delivery_is_recorded_once_with_its_form(client, runtime):
    world = given_a_registered_comment(client, runtime)
    receipt = world.ask(comment_ids=[world.comment["id"]])
    request_id = world.request_id(receipt["number"], receipt["position"])
    world.assess(request_id, 0, outcome="release")
    world.answer(request_id)

    delivered = world.town.post(f"/v1/requests/{request_id}/delivery", {}, as_=world.town.officer).json()
    again = world.town.post(f"/v1/requests/{request_id}/delivery", {}, as_=world.town.officer, expect=409)

    row = next(r for r in world.queue("all", wait=delivered["position"]) if r["id"] == request_id)
    assert row["delivered_at"] is not None and again.json()["status"] == 409


def test_only_the_organisations_records_officer_handles_its_requests(client, runtime):
    world = given_a_registered_comment(client, runtime)
    receipt = world.ask(comment_ids=[world.comment["id"]])
    request_id = world.request_id(receipt["number"], receipt["position"])

    by_editor = world.town.post(f"/v1/requests/{request_id}/items/0/assessment", {"outcome": "release"}, expect=403)
    queue_by_editor = world.town.get("/v1/requests", as_=world.town.editor)

    assert by_editor.status_code == 403 and queue_by_editor.status_code == 403
    assert client.get("/v1/requests").status_code == 401


def test_too_many_requests_from_one_address_are_refused_with_retry_after(client, runtime):
    world = given_a_registered_comment(client, runtime)
    limiter = client.app.state.request_limiter
    for _ in range(limiter.limit):
        world.ask(description="Protokollet")

    refused = client.post(REQUESTS, json={"form": "on_site", "description": "Protokollet"})
    too_long = client.post(REQUESTS, content=b"{" + b" " * 20_000 + b"}", headers={"content-type": "application/json"})

    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert int(refused.headers["Retry-After"]) > 0
    assert too_long.status_code == 413


def test_a_request_is_disposed_of_by_its_class_and_its_contact_details_are_gone(client, runtime):
    world = given_a_registered_comment(client, runtime)
    town = world.town
    town.post(
        "/v1/records-plan",
        {"classes": EXAMPLE_PLAN, "decision_reference": "KS 2026/0012 § 14"},
        as_=town.officer,
        expect=201,
    )
    receipt = world.ask(email="begarare@example.se", description="Alla inlägg om simhallen")
    request_id = world.request_id(receipt["number"], receipt["position"])
    runtime.app.clock.advance(days=2 * 366 + 1)
    runtime.views.wait_for("retention", runtime.head())

    town.post(
        "/v1/disposals",
        {"reference": "G 2028/2", "class_code": "public_request", "record_ids": [request_id]},
        as_=town.officer,
        expect=201,
    )
    detail = town.get(f"/v1/requests/{request_id}", as_=town.officer).json()

    assert "begarare@example.se" not in str(detail)
    assert detail["email"].startswith("[Gallrad enligt beslut G 2028/2")
    assert detail["number"] == receipt["number"]  # that a request came in stays on record


def test_the_organisation_sets_its_own_fees_and_the_answer_charges_by_them(client, runtime):
    world = given_a_registered_comment(client, runtime)
    state = client.get("/v1/organisations/valdemarsvik/request-fees").json()
    world.town.client.put(
        "/v1/request-fees",
        json={"free_pages": 0, "first_charged_page_kr": 10, "further_page_kr": 1, "decision_reference": "KS 2026/7"},
        headers=world.town.officer.headers,
    ).raise_for_status()
    receipt = world.ask(form="paper", collect=True, comment_ids=[world.comment["id"]])
    request_id = world.request_id(receipt["number"], receipt["position"])
    world.assess(request_id, 0, outcome="release")

    answered = world.answer(request_id)

    assert state == {"free_pages": 9, "first_charged_page_kr": 50, "further_page_kr": 2}
    assert (answered["pages"], answered["fee_kr"]) == (1, 10)


def test_the_officer_finds_the_records_a_description_meant_and_an_unknown_number_meant(client, runtime):
    world = given_a_registered_comment(client, runtime, text="Fråga om bygglovet på Storgatan.")
    described = world.ask(description="Kommentaren om bygglovet förra veckan")
    numbered = world.ask(diary_numbers=["KS 2026/99"])
    by_description = world.request_id(described["number"], numbered["position"])
    by_number = world.request_id(numbered["number"], numbered["position"])
    found = {"kind": "comment", "reference": world.comment["id"]}

    world.town.post(f"/v1/requests/{by_description}/items/0/resolution", found, as_=world.town.officer)
    world.town.post(
        f"/v1/requests/{by_number}/items/0/resolution",
        {"kind": "diary_entry", "reference": world.entry["diary_number"]},
        as_=world.town.officer,
    )
    unknown = world.town.post(
        f"/v1/requests/{by_number}/items/0/resolution",
        found | {"reference": "KS 2026/0404"},
        as_=world.town.officer,
        expect=None,
    )
    world.assess(by_description, 0, outcome="release")
    copy = world.answer(by_description)["copy_url"]

    assert "Fråga om bygglovet på Storgatan." in pdf_text(client.get(copy, headers=world.town.officer.headers).content)
    items = {r["number"]: r["items"] for r in world.queue("all", wait=runtime.head())}
    assert items[described["number"]][0]["reference"] == "(enligt beskrivningen)"
    assert (items[numbered["number"]][0]["kind"], items[numbered["number"]][0]["reference"]) == (
        "diary_entry",
        "KS 2026/99",
    )
    assert unknown.status_code in (409, 422)
