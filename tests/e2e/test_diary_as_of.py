"""The public diary as it stood at a past instant (issue 6): an auditor reads each entry as it
read then — with the secrecy marking in force then — and not the entries registered later."""

from __future__ import annotations

from diary_story import given_a_municipality_with_a_diary


def test_an_auditor_reads_the_public_diary_as_it_stood(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    town = diary.town
    first = diary.register_comment(diary.comment()["id"], description="Fråga om elevens frånvaro")
    public_then = diary.public(wait=first["position"])
    position_then = runtime.head()

    town.post(
        f"/v1/diary/entries/{first['id']}/secrecy",
        {"provision": "OSL 23 kap. 2 §", "fields": ["description"]},
        as_=town.officer,
    )
    later = diary.register_comment(diary.comment(text="Ny fråga")["id"], description="Fråga om bygglov")
    marked_position = runtime.head()
    public_now = diary.public(wait=later["position"])

    as_then = town.get("/v1/organisations/valdemarsvik/diary", as_=town.auditor, as_of_position=position_then).json()
    as_marked = town.get(
        "/v1/organisations/valdemarsvik/diary", as_=town.auditor, as_of_position=marked_position
    ).json()
    officers_then = town.get("/v1/diary/entries", as_=town.auditor, as_of_position=position_then).json()
    anonymous = town.get("/v1/organisations/valdemarsvik/diary", as_of_position=position_then)

    assert as_then == public_then and as_marked == public_now
    assert [e["description"] for e in public_now["entries"]] == ["Fråga om bygglov", "Sekretess enligt OSL 23 kap. 2 §"]
    assert [e["description"] for e in officers_then["entries"]] == ["Fråga om elevens frånvaro"]
    assert anonymous.status_code == 401
