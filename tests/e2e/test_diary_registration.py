"""Stories 5 and 10 and OSL 5:1-2: records are registered in the diary in one step from the
social-media record, cases are opened, extended and closed, and numbers run gap-free in a
series per year."""

from __future__ import annotations

from datetime import timedelta

from diary_story import given_a_municipality_with_a_diary


def test_a_comment_is_registered_like_a_phone_call(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    comment = diary.comment(text="När öppnar simhallen efter renoveringen?", received_ago=timedelta(days=2))

    done = diary.register_comment(
        comment["id"], note="Vidarebefordrad till fritidsförvaltningen.", description="Fråga om simhallens öppning"
    )
    public = diary.public(wait=done["position"])
    record = diary.officers(done["id"])
    the_comment = diary.town.get(f"/v1/comments/{comment['id']}", wait=runtime.head()).json()

    assert done["diary_number"] == "KS 2026/0001" and done["case_number"] is None
    [entry] = public["entries"]
    assert (entry["diary_number"], entry["record_date"], entry["direction_label"], entry["record_type_label"]) == (
        "KS 2026/0001",
        "2026-02-28",
        "Inkommen",
        "Kommentar i sociala medier",
    )
    assert (entry["counterpart"], entry["description"]) == ("privatperson", "Fråga om simhallens öppning")
    assert record["counterpart"] == "Kalle Medborgare"  # the diary holds the name; the web does not publish it
    assert entry["links"]["comment_id"] == comment["id"] and "note" not in entry
    assert record["note"] == "Vidarebefordrad till fritidsförvaltningen."
    assert record["registered_by_name"] == "Rita Registrator"
    assert the_comment["text"] == "När öppnar simhallen efter renoveringen?"  # the comment stays the record


def test_a_record_is_registered_once(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    comment = diary.comment()
    diary.register_comment(comment["id"])
    head = runtime.head()

    again = diary.register_comment(comment["id"], expect=409)

    assert again["detail"] == "the comment is already registered as KS 2026/0001"
    assert runtime.head() == head


def test_a_comment_moved_to_a_new_case_opens_the_case_and_both_are_in_the_diary(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    town = diary.town
    comment = diary.comment(text="Jag vill klaga på hemtjänsten för min mamma", author="Lisa Dotter")
    town.post(f"/v1/comments/{comment['id']}/case-transfer", {"note": "Klagomål, nytt ärende"})
    queue = town.get("/v1/diary/transfers", as_=town.officer, wait=runtime.head()).json()
    not_yet = diary.register_comment(comment["id"], expect=409)

    opened = town.post(
        f"/v1/comments/{comment['id']}/diary-case",
        {
            "subject": "Klagomål på hemtjänsten",
            "responsible_unit": "Socialförvaltningen",
            "description": "Klagomål på hemtjänsten framfört i kommentar",
        },
        as_=town.officer,
        expect=201,
    ).json()
    public = diary.public(wait=opened["position"])
    case = town.get(f"/v1/organisations/valdemarsvik/diary/cases/{opened['case_id']}").json()
    queue_after = town.get("/v1/diary/transfers", as_=town.officer).json()

    assert [(q["comment_id"], q["new_case"]) for q in queue] == [(comment["id"], True)]
    assert "open the case and register the comment" in not_yet["detail"]
    assert (opened["case_number"], opened["diary_number"]) == ("KS 2026/0001", "KS 2026/0001-1")
    assert [(e["diary_number"], e["case_number"], e["case_subject"]) for e in public["entries"]] == [
        ("KS 2026/0001-1", "KS 2026/0001", "Klagomål på hemtjänsten")
    ]
    assert (case["diary_number"], case["status"], [e["diary_number"] for e in case["entries"]]) == (
        "KS 2026/0001",
        "open",
        ["KS 2026/0001-1"],
    )
    assert queue_after == []


def test_a_comment_moved_to_an_existing_case_is_registered_in_that_case(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    town = diary.town
    case = town.post(
        "/v1/diary/cases",
        {"subject": "Bygglov Storgatan 3", "responsible_unit": "Bygglovsenheten"},
        as_=town.officer,
        expect=201,
    ).json()
    first = diary.comment(text="Varför dröjer mitt bygglov?")
    second = diary.comment(text="Har ni fått mina ritningar?")
    for comment in (first, second):
        town.post(
            f"/v1/comments/{comment['id']}/case-transfer",
            {"diary_number": case["diary_number"], "note": "Besvaras i bygglovsärendet"},
        )

    numbers = [diary.register_comment(c["id"])["diary_number"] for c in (first, second)]
    own = diary.register_comment(diary.comment()["id"])
    in_case = diary.public(wait=runtime.head(), case="KS 2026/0001")

    assert case["diary_number"] == "KS 2026/0001"
    assert numbers == ["KS 2026/0001-1", "KS 2026/0001-2"]
    assert own["diary_number"] == "KS 2026/0002"  # a record of its own takes the series' next number
    assert [e["diary_number"] for e in in_case["entries"]] == ["KS 2026/0001-2", "KS 2026/0001-1"]


def test_a_comment_is_registered_only_in_a_case_the_diary_holds(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    comment = diary.comment()

    refused = diary.register_comment(comment["id"], expect=422, case_number="SBN 2026/0042")

    assert refused["errors"] == [
        {
            "field": "case_number",
            "message": "there is no case SBN 2026/0042 in the "
            "organisation's diary: open it first, or name a case that exists",
        }
    ]


def test_a_post_is_drawn_up_when_published_and_a_removal_decision_when_made(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    town = diary.town
    town.runtime.app.clock.advance(days=5)  # the page was registered before the post was published
    published = (town.now() - timedelta(days=3)).isoformat()
    post = town.publish("Nu öppnar badplatserna! /Kommunikationsenheten", published_at=published)
    comment = town.capture_comment(post["id"], "c-9", text="Grannen är en tjuv", received_ago=timedelta(hours=2))
    removal = town.post(
        f"/v1/comments/{comment['id']}/moderation",
        {"action": "remove", "ground": "offensive_personal_data", "justification": "Pekar ut en person"},
    ).json()

    as_post = town.post(f"/v1/posts/{post['id']}/registration", {}, as_=town.officer, expect=201).json()
    as_decision = town.post(
        f"/v1/comments/{comment['id']}/moderation/{removal['id']}/registration", {}, as_=town.officer, expect=201
    ).json()
    entries = {e["diary_number"]: e for e in diary.public(wait=runtime.head())["entries"]}

    post_entry, decision_entry = entries[as_post["diary_number"]], entries[as_decision["diary_number"]]
    assert (post_entry["direction"], post_entry["record_type"], post_entry["record_date"]) == (
        "drawn_up",
        "post",
        "2026-03-04",
    )
    assert post_entry["counterpart"] == "Allmänheten via Valdemarsviks kommun (Facebook)"
    assert decision_entry["description"] == "Beslut att ta bort en kommentar på Facebook: Kränkande personuppgifter"
    assert decision_entry["links"]["decision_id"] == removal["id"] and decision_entry["counterpart"] is None


def test_numbers_run_gap_free_per_series_and_year(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    town = diary.town
    first = [diary.register_comment(diary.comment()["id"])["diary_number"] for _ in range(3)]
    changed = town.client.put(
        "/v1/diary", json={"series_prefix": "KF", "reason": "Kommunfullmäktiges diarium"}, headers=town.officer.headers
    )
    in_new_series = diary.register_comment(diary.comment()["id"])["diary_number"]
    runtime.app.clock.advance(days=305)  # into 2027, Swedish time
    next_year = diary.register_comment(diary.comment(received_ago=timedelta(days=1))["id"])["diary_number"]

    assert first == ["KS 2026/0001", "KS 2026/0002", "KS 2026/0003"]
    assert changed.status_code == 200 and in_new_series == "KF 2026/0001"
    assert next_year == "KF 2027/0001"


def test_a_closed_case_takes_no_records_until_reopened(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    town = diary.town
    case = town.post(
        "/v1/diary/cases", {"subject": "Synpunkter", "responsible_unit": "Kommunikation"}, as_=town.officer, expect=201
    ).json()
    town.post(f"/v1/diary/cases/{case['id']}/close", {"note": "Besvarat"}, as_=town.officer)
    comment = diary.comment()

    refused = diary.register_comment(comment["id"], case_number=case["diary_number"], expect=409)
    town.post(f"/v1/diary/cases/{case['id']}/reopen", {"reason": "Ny synpunkt"}, as_=town.officer)
    taken = diary.register_comment(comment["id"], case_number=case["diary_number"])

    assert refused["detail"] == "case KS 2026/0001 is closed; reopen it before adding records"
    assert taken["diary_number"] == "KS 2026/0001-1"


def test_only_records_officers_keep_the_diary_and_auditors_read_it(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    town = diary.town
    comment = diary.comment()
    by_editor = town.post(f"/v1/comments/{comment['id']}/registration", {}, as_=town.editor, expect=403).json()
    done = diary.register_comment(comment["id"])

    as_auditor = town.get(f"/v1/diary/entries/{done['id']}", as_=town.auditor, wait=done["position"])
    as_manager = town.get(f"/v1/diary/entries/{done['id']}", as_=town.manager)
    listing_as_manager = town.get("/v1/diary/entries", as_=town.manager)

    assert by_editor["detail"].startswith("registering a record in the diary requires the role records_officer")
    assert as_auditor.status_code == 200 and as_auditor.json()["diary_number"] == "KS 2026/0001"
    assert as_manager.status_code == 403 and listing_as_manager.status_code == 403


def test_bad_input_names_the_field_and_records_nothing(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    town = diary.town
    comment = diary.comment()
    head = runtime.head()

    def field_of(response) -> str:
        return response.json()["errors"][0]["field"]

    officer = town.officer
    bad = {
        "case_number": town.post(
            f"/v1/comments/{comment['id']}/registration", {"case_number": "KS-42"}, as_=officer, expect=422
        ),
        "series_prefix": town.client.put("/v1/diary", json={"series_prefix": "K5"}, headers=officer.headers),
        "record_date": town.post(
            "/v1/diary/entries",
            {
                "record_date": (town.now() + timedelta(days=2)).isoformat(),
                "direction": "received",
                "record_type": "other",
                "description": "Brev",
            },
            as_=officer,
            expect=422,
        ),
        "direction": town.post(
            "/v1/diary/entries",
            {
                "record_date": town.now().isoformat(),
                "direction": "sideways",
                "record_type": "other",
                "description": "Brev",
            },
            as_=officer,
            expect=422,
        ),
        "from": town.client.get("/v1/organisations/valdemarsvik/diary", params={"from": "igår"}),
        "to": town.client.get(
            "/v1/organisations/valdemarsvik/diary", params={"from": "2026-03-02", "to": "2026-03-01"}
        ),
        "diary_number": town.client.get("/v1/organisations/valdemarsvik/diary", params={"diary_number": "42"}),
        "limit": town.client.get("/v1/organisations/valdemarsvik/diary", params={"limit": 0}),
    }

    assert {name: (r.status_code, field_of(r)) for name, r in bad.items()} == {name: (422, name) for name in bad}
    assert runtime.head() == head
    assert (
        town.post("/v1/diary/cases", {"subject": "", "responsible_unit": "X"}, as_=officer, expect=422).json()[
            "errors"
        ][0]["field"]
        == "subject"
    )
    assert town.post(
        f"/v1/comments/{comment['id']}/registration",
        {},
        as_=officer,
        headers={"Authorization": "Bearer nope"},
        expect=401,
    )
    assert runtime.head() == head


def test_registering_before_the_diary_is_set_up_says_how_to_set_it_up(client, runtime):
    from editorial_story import given_a_municipality_with_an_active_page

    town = given_a_municipality_with_an_active_page(client, runtime)
    comment = town.capture_comment(town.publish()["id"], "c-1")

    refused = town.post(f"/v1/comments/{comment['id']}/registration", {}, as_=town.officer, expect=409).json()

    assert refused["detail"] == (
        "the diary is not set up: a records officer first sets its series prefix (PUT /v1/diary)"
    )
