"""Story 5: a comment about an individual's case is moved to that case — a case the
organisation's diary holds — or to a new case the records officer will open. A number the diary
does not hold as a case is refused, naming the field, and nothing is recorded."""

from __future__ import annotations

from conftest import register_organisation, staff
from diary_story import given_a_municipality_with_a_diary


def transfer(diary, comment: dict, as_=None, expect: int | None = 200, **body):
    return diary.town.post(
        f"/v1/comments/{comment['id']}/case-transfer", {"note": "Besvaras i ärendet"} | body, as_=as_, expect=expect
    )


def test_a_comment_cannot_be_moved_to_a_case_the_diary_does_not_hold(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    comment = diary.comment(text="Varför har mitt bygglov inte beslutats?")
    head = runtime.head()

    refused = transfer(diary, comment, diary_number="BN 2026/9999", expect=422).json()
    public = diary.town.get(f"/v1/posts/{comment['post_id']}/comments", wait=head).json()

    assert refused["errors"][0]["field"] == "diary_number"
    assert "BN 2026/9999" in refused["errors"][0]["message"]
    assert runtime.head() == head
    assert [c["moved_to_case"] for c in public] == [None]


def test_a_comment_is_moved_to_a_case_the_diary_holds_under_its_number_as_the_diary_writes_it(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    town = diary.town
    case = town.post(
        "/v1/diary/cases",
        {"subject": "Bygglov Storgatan 3", "responsible_unit": "Bygglovsenheten"},
        as_=town.officer,
        expect=201,
    ).json()
    comment = diary.comment(text="Varför dröjer mitt bygglov?")

    moved = transfer(diary, comment, diary_number="ks 2026/1").json()
    public = town.get(f"/v1/posts/{comment['post_id']}/comments", wait=moved["position"]).json()

    assert case["diary_number"] == "KS 2026/0001"
    assert [c["moved_to_case"] for c in public] == ["dnr KS 2026/0001"]


def test_a_number_that_is_no_case_here_is_refused_a_record_in_a_case_an_entry_of_its_own_another_organisations(
    client, runtime
):
    diary = given_a_municipality_with_a_diary(client, runtime)
    town = diary.town
    town.post("/v1/diary/cases", {"subject": "Bygglov", "responsible_unit": "Bygg"}, as_=town.officer, expect=201)
    own = diary.register_comment(diary.comment()["id"])  # KS 2026/0002, a record of its own
    register_organisation(runtime, "granby", "Granby kommun", "212000-0530")
    granby = staff(runtime, "granby", "records_officer", "Granbys registrator")
    client.put("/v1/diary", json={"series_prefix": "BN"}, headers=granby.headers)
    client.post(
        "/v1/diary/cases", json={"subject": "Granbys ärende", "responsible_unit": "Bygg"}, headers=granby.headers
    )  # BN 2026/0001, in Granby's diary
    comment = diary.comment(text="Mitt ärende?")
    head = runtime.head()

    answers = [
        transfer(diary, comment, diary_number=number, expect=422).json()
        for number in ("KS 2026/0001-1", own["diary_number"], "BN 2026/0001", "inte ett nummer")
    ]

    assert own["diary_number"] == "KS 2026/0002"
    assert [a["errors"][0]["field"] for a in answers] == ["diary_number"] * 4
    assert runtime.head() == head


def test_a_comment_is_still_moved_to_a_new_case_without_a_number(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    comment = diary.comment(text="Jag vill klaga på hemtjänsten")

    moved = transfer(diary, comment).json()
    public = diary.town.get(f"/v1/posts/{comment['post_id']}/comments", wait=moved["position"]).json()

    assert [c["moved_to_case"] for c in public] == ["new case"]


def test_someone_who_may_not_move_the_comment_learns_nothing_of_the_diary_s_cases(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    town = diary.town
    town.post("/v1/diary/cases", {"subject": "Bygglov", "responsible_unit": "Bygg"}, as_=town.officer, expect=201)
    comment = diary.comment()
    webmaster = staff(runtime, role="webmaster", name="Wilma Webb")

    held = transfer(diary, comment, as_=webmaster, diary_number="KS 2026/0001", expect=403).json()
    not_held = transfer(diary, comment, as_=webmaster, diary_number="KS 2026/0099", expect=403).json()

    assert held == not_held
