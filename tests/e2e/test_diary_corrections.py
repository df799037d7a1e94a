"""JO: diary entries are never rewritten. A correction or an annulment is a later event that
names its reason; the public diary shows the current reading, the records officers' view keeps
every reading, and an annulled entry stays in the diary with its number."""

from __future__ import annotations

from diary_story import every_public_output, given_a_municipality_with_a_diary


def test_a_correction_keeps_both_readings_for_officers_and_shows_only_the_current_one_publicly(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    town = diary.town
    diary.publish_names()  # so that the public shows the sender's name, as corrected
    done = diary.register_comment(diary.comment(author="Karin Svenson")["id"], description="Fråga om snöröjning")

    corrected = town.post(
        f"/v1/diary/entries/{done['id']}/corrections",
        {
            "counterpart": "Karin Svensson",
            "description": "Fråga om snöröjning på Storgatan",
            "reason": "Namnet felstavat och beskrivningen för kort",
        },
        as_=town.officer,
        headers={"If-Match": '"1"'},
    ).json()
    runtime.views.wait_for("diary", corrected["position"])
    public = every_public_output(client, "valdemarsvik", "2026-01-01", "2026-12-31")
    [entry] = diary.public()["entries"]
    record = diary.officers(done["id"])

    assert (entry["counterpart"], entry["description"], entry["corrected"]) == (
        "Karin Svensson",
        "Fråga om snöröjning på Storgatan",
        True,
    )
    assert "Karin Svenson;" not in public and "Karin Svenson<" not in public and '"Karin Svenson"' not in public
    assert [(r["event_type"], r["counterpart"], r["description"]) for r in record["readings"]] == [
        ("Registered", "Karin Svenson", "Fråga om snöröjning"),
        ("Corrected", "Karin Svensson", "Fråga om snöröjning på Storgatan"),
    ]
    assert record["readings"][1]["corrected_fields"] == ["counterpart", "description"]
    assert record["readings"][1]["reason"] == "Namnet felstavat och beskrivningen för kort"
    assert (record["corrections"], record["version"]) == (1, 2)


def test_a_correction_names_a_change_and_its_reason(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    town = diary.town
    done = diary.register_comment(diary.comment()["id"], description="Fråga om snöröjning")
    head = runtime.head()
    url = f"/v1/diary/entries/{done['id']}/corrections"

    nothing = town.post(url, {"reason": "Fel"}, as_=town.officer, expect=422).json()
    same = town.post(url, {"description": "Fråga om snöröjning", "reason": "Fel"}, as_=town.officer, expect=422)
    no_reason = town.post(url, {"description": "Ny"}, as_=town.officer, expect=422).json()
    stale = town.post(
        url, {"description": "Ny", "reason": "Fel"}, as_=town.officer, headers={"If-Match": '"7"'}, expect=409
    ).json()

    assert nothing["detail"] == "reason: name at least one field to correct besides the reason"
    assert same.json()["errors"] == [{"field": "description", "message": "is the same as the entry's current reading"}]
    assert no_reason["errors"][0]["field"] == "reason"
    assert stale["current_version"] == 1
    assert runtime.head() == head


def test_an_annulled_entry_stays_in_the_diary_and_its_record_can_be_registered_anew(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    town = diary.town
    comment = diary.comment()
    wrong = diary.register_comment(comment["id"], description="Registrerad i fel diarium")

    annulled = town.post(
        f"/v1/diary/entries/{wrong['id']}/annulment", {"reason": "Registrerad av misstag"}, as_=town.officer
    ).json()
    again = diary.register_comment(comment["id"], description="Fråga om simhallen")
    refused = town.post(
        f"/v1/diary/entries/{wrong['id']}/corrections",
        {"description": "X", "reason": "Y"},
        as_=town.officer,
        expect=409,
    ).json()
    entries = diary.public(wait=runtime.head())["entries"]
    page = client.get(f"/valdemarsvik/diarium/{wrong['id']}").text
    record = diary.officers(wrong["id"])

    assert annulled["version"] == 2
    assert [(e["diary_number"], e["status"]) for e in entries] == [
        ("KS 2026/0002", "registered"),
        ("KS 2026/0001", "annulled"),
    ]
    assert "Makulerad 2026-03-02" in page
    assert record["annul_reason"] == "Registrerad av misstag" and "annul_reason" not in entries[1]
    assert again["diary_number"] == "KS 2026/0002"  # the annulled number is never reused
    assert refused["detail"] == "entry KS 2026/0001 is annulled; register the record anew instead"
