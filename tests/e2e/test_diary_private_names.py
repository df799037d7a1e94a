"""Issue 16, item 3: the web diary keeps private persons' names private. A commenter's name is
the sender of a registered comment in the diary; on the public diary page, in the public API,
its search and its extracts it reads "privatperson" until the organisation turns publication of
names on. Organisations and the body's own staff are shown; records officers always see names."""

from __future__ import annotations

from datetime import timedelta

import psycopg
from diary_story import every_public_output, given_a_municipality_with_a_diary

from kanalarkiv.readside.runner import Projector

NAME = "Kalle Medborgare"
PATH = "/v1/diary/name-publication"


def given_a_registered_comment_and_a_letter_from_an_authority(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    town = diary.town
    comment = diary.comment("När öppnar simhallen?", author=NAME)
    entry = diary.register_comment(comment["id"], description="Fråga om simhallens öppettider")
    letter = town.post(
        "/v1/diary/entries",
        {
            "record_date": (town.now() - timedelta(days=1)).isoformat(),
            "direction": "received",
            "record_type": "other",
            "counterpart": "Trafikverket",
            "description": "Remiss om busshållplatser",
        },
        as_=town.officer,
        expect=201,
    ).json()
    return diary, entry, letter


def public_counterparts(diary, wait: int | None = None, **params) -> dict[str, str | None]:
    page = diary.public(wait=wait, **params)
    return {e["diary_number"]: e["counterpart"] for e in page["entries"]}


def test_a_commenters_name_is_not_on_the_public_diary_page_nor_in_the_api_by_default(client, runtime):
    diary, entry, letter = given_a_registered_comment_and_a_letter_from_an_authority(client, runtime)
    town, day = diary.town, town_day(diary)

    shown = public_counterparts(diary, wait=letter["position"])
    found = diary.public(q="Medborgare")
    everything = every_public_output(client, "valdemarsvik", day(-5), day(1))
    officers = diary.officers(entry["id"])

    assert shown == {entry["diary_number"]: "privatperson", letter["diary_number"]: "Trafikverket"}
    assert found["total"] == 0, "the public search does not find an entry by a private person's name"
    assert NAME not in everything and "Medborgare" not in everything
    assert "privatperson" in client.get("/valdemarsvik/diarium").text
    assert (officers["counterpart"], officers["public_counterpart"]) == (NAME, "privatperson")
    by_officer = town.get("/v1/diary/entries", as_=town.officer, q="Medborgare").json()
    assert [e["counterpart"] for e in by_officer["entries"]] == [NAME], "the officers' view always shows names"


def town_day(diary):
    def day(offset: int) -> str:
        return (diary.town.now() + timedelta(days=offset)).date().isoformat()

    return day


def test_the_organisation_turns_publication_of_names_on_with_who_and_when(client, runtime):
    diary, entry, _ = given_a_registered_comment_and_a_letter_from_an_authority(client, runtime)
    town = diary.town

    by_editor = town.client.put(PATH, json={"published": True}, headers=town.editor.headers)
    not_a_flag = town.client.put(PATH, json={"published": "kanske"}, headers=town.officer.headers)
    turned_on = town.client.put(PATH, json={"published": True}, headers=town.officer.headers)
    assert turned_on.status_code == 200, turned_on.text
    position = turned_on.json()["position"]

    setting = town.get(PATH, as_=town.manager, wait=position).json()
    shown = public_counterparts(diary)
    found = diary.public(q="Medborgare")
    page = client.get(f"/valdemarsvik/diarium/{entry['id']}").text
    trail = town.get("/v1/audit-trail", as_=town.auditor, wait=position, order="oldest").json()

    assert by_editor.status_code == 403
    assert not_a_flag.status_code == 422 and not_a_flag.json()["errors"][0]["field"] == "published"
    assert (setting["published"], setting["changed_by_name"], setting["changed_by_role"]) == (
        True,
        "Rita Registrator",
        "records_officer",
    )
    assert setting["changed_at"] is not None
    assert shown[entry["diary_number"]] == NAME and found["total"] == 1 and NAME in page
    changed = [e for e in trail if e["event_type"] == "NamePublicationChanged"]
    assert [(e["actor_name"], e["details"]["published"]) for e in changed] == [("Rita Registrator", True)]


def test_names_are_private_again_when_publication_is_turned_off_also_for_entries_registered_since(client, runtime):
    diary, entry, _ = given_a_registered_comment_and_a_letter_from_an_authority(client, runtime)
    town = diary.town
    town.client.put(PATH, json={"published": True}, headers=town.manager.headers).raise_for_status()
    later = diary.register_comment(diary.comment("Och badhuset?", author="Sara Förälder")["id"])
    assert public_counterparts(diary, wait=later["position"])[later["diary_number"]] == "Sara Förälder"

    again = town.client.put(PATH, json={"published": False}, headers=town.manager.headers)
    same = town.client.put(PATH, json={"published": False}, headers=town.manager.headers)

    shown = public_counterparts(diary, wait=again.json()["position"])
    assert shown[entry["diary_number"]] == shown[later["diary_number"]] == "privatperson"
    assert diary.public(q="Förälder")["total"] == 0
    assert same.status_code == 422 and same.json()["errors"][0]["field"] == "published"


def test_a_diary_view_made_before_this_rule_is_rebuilt_on_start_and_publishes_no_names(client, runtime):
    diary, entry, letter = given_a_registered_comment_and_a_letter_from_an_authority(client, runtime)
    runtime.views.wait_for("diary", letter["position"])
    runtime.supervisor.stop()
    with psycopg.connect(runtime.database_url) as conn:  # the entries' public columns as they were made before
        conn.execute("ALTER TABLE diary_entries DROP COLUMN names_published CASCADE")
        conn.execute(
            "ALTER TABLE diary_entries ADD COLUMN public_counterpart text GENERATED ALWAYS AS (counterpart) STORED"
        )
        conn.execute(
            "ALTER TABLE diary_entries ADD COLUMN public_search tsvector"
            " GENERATED ALWAYS AS (to_tsvector('swedish', coalesce(counterpart, ''))) STORED"
        )
    assert public_counterparts(diary)[entry["diary_number"]] == NAME, "as the web published it before"

    runtime.views.view("diary").create_table()  # as the service does on start
    Projector(runtime.app, runtime.views.projection("diary"), batch_size=100).catch_up()

    assert public_counterparts(diary) == {entry["diary_number"]: "privatperson", letter["diary_number"]: "Trafikverket"}
    assert diary.public(q="Medborgare")["total"] == 0
    assert diary.officers(entry["id"])["counterpart"] == NAME
