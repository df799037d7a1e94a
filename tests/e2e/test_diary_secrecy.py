"""OSL 5:5: a secrecy marking names its provision, when and by whom; the marked fields leave
every public view — page, JSON, search, extract — while the entry's number, date and record
type stay public, because that a record exists is public. Records officers see everything."""

from __future__ import annotations

import itertools
from datetime import timedelta

from diary_story import all_entries, every_public_output, given_a_municipality_with_a_diary
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.actors import Actor, Role
from kanalarkiv.application.context import acting_as

NEUTRAL = "Sekretess enligt OSL 26 kap. 1 §"


def test_a_marked_entry_stays_public_but_its_marked_fields_never_appear(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    town = diary.town
    comment = diary.comment(text="Min son har diagnosen X och behöver stöd", author="Sara Förälder")
    opened = town.post(
        f"/v1/comments/{comment['id']}/diary-case",
        {
            "subject": "Ansökan om stöd",
            "responsible_unit": "Socialförvaltningen",
            "description": "Begäran om stödinsats för sonen med diagnos",
        },
        as_=town.officer,
        expect=201,
    ).json()
    marked = town.post(
        f"/v1/diary/entries/{opened['id']}/secrecy",
        {"provision": "26:1", "fields": ["counterpart", "description"]},
        as_=town.officer,
    ).json()
    runtime.views.wait_for("diary", marked["position"])

    seen = every_public_output(client, "valdemarsvik", "2026-01-01", "2026-12-31")
    searched = diary.public(q="diagnos")
    by_sender = diary.public(q="Förälder")
    [entry] = diary.public()["entries"]
    page = client.get(f"/valdemarsvik/diarium/{opened['id']}").text
    record = diary.officers(opened["id"])

    assert "Sara Förälder" not in seen and "diagnos" not in seen and "Förälder" not in seen
    assert (entry["diary_number"], entry["record_date"], entry["record_type"]) == (
        "KS 2026/0001-1",
        "2026-02-28",
        "comment",
    )
    assert (entry["counterpart"], entry["description"], entry["secrecy_marked"], entry["links"]) == (
        NEUTRAL,
        NEUTRAL,
        True,
        None,
    )
    assert searched["total"] == 0 and by_sender["total"] == 0  # a search cannot tell which entry holds it
    assert "KS 2026/0001-1" in page and NEUTRAL in page and "Kommentar i sociala medier" in page
    assert (record["counterpart"], record["description"]) == (
        "Sara Förälder",
        "Begäran om stödinsats för sonen med diagnos",
    )
    assert record["secrecy"] | {"marked_at": None} == {
        "provision": "OSL 26 kap. 1 §",
        "fields": ["counterpart", "description"],
        "marked_at": None,
        "marked_by_name": "Rita Registrator",
    }
    assert record["public_counterpart"] == NEUTRAL


def test_a_marking_is_lifted_by_a_later_event_and_both_stay_on_record(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    town = diary.town
    done = diary.register_comment(diary.comment()["id"], description="Fråga om elevens frånvaro")
    town.post(
        f"/v1/diary/entries/{done['id']}/secrecy",
        {"provision": "OSL 23 kap. 2 §", "fields": ["description"]},
        as_=town.officer,
    )
    while_marked = diary.public(wait=runtime.head())["entries"][0]
    lifted = town.post(
        f"/v1/diary/entries/{done['id']}/secrecy/lift",
        {"reason": "Uppgiften lämnades ut efter sekretessprövning"},
        as_=town.officer,
    ).json()
    after = diary.public(wait=lifted["position"])["entries"][0]
    record = diary.officers(done["id"])
    trail = town.get(
        "/v1/audit-trail", as_=town.auditor, entity_id=done["id"], order="oldest", wait=runtime.head()
    ).json()

    assert (while_marked["counterpart"], while_marked["description"]) == (
        "privatperson",
        "Sekretess enligt OSL 23 kap. 2 §",
    )
    assert after["description"] == "Fråga om elevens frånvaro" and after["secrecy_marked"] is False
    assert [(m["action"], m["provision"], m["by_name"]) for m in record["markings"]] == [
        ("marked", "OSL 23 kap. 2 §", "Rita Registrator"),
        ("lifted", None, "Rita Registrator"),
    ]
    assert record["markings"][1]["reason"] == "Uppgiften lämnades ut efter sekretessprövning"
    assert [e["summary"] for e in trail][1:] == [
        "Diary entry marked for secrecy under OSL 23 kap. 2 §",
        "Secrecy marking lifted: Uppgiften lämnades ut efter sekretessprövning",
    ]


def test_a_marking_names_a_provision_and_the_fields(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    town = diary.town
    done = diary.register_comment(diary.comment()["id"])
    head = runtime.head()
    bad = [
        town.post(f"/v1/diary/entries/{done['id']}/secrecy", body, as_=town.officer, expect=422).json()
        for body in (
            {"provision": "sekretess", "fields": ["description"]},
            {"provision": "26:1", "fields": []},
            {"provision": "26:1", "fields": ["note"]},
        )
    ]
    assert [b["errors"][0]["field"] for b in bad] == ["provision", "fields", "fields.0"]
    assert runtime.head() == head


# The property: whatever is registered and marked, nothing marked reaches the public.

_words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40)
_marking = st.sampled_from([None, ("counterpart",), ("description",), ("counterpart", "description")])
_entry = st.tuples(_words, _words, _marking, st.booleans(), st.integers(0, 40))
_tokens = itertools.count(1)


def _token(kind: str) -> str:
    letters = "".join("abcdefghij"[int(d)] for d in f"{next(_tokens):08d}")
    return f"{kind}{letters}"


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(entries=st.lists(_entry, min_size=1, max_size=4), limit=st.integers(1, 7), search=st.booleans())
def test_no_marked_field_appears_in_any_public_response(client, runtime, entries, limit, search):
    """Generated senders and descriptions (any Unicode), markings, cases, page sizes and
    searches: every public output is searched for every marked value."""
    story = _story(client, runtime)
    for counterpart, description, marking, in_case, days_ago in entries:
        kinds = {f: ("hemligt" if marking and f in marking else "oppet") for f in ("counterpart", "description")}
        values = {
            f: " ".join(f"{_token(kinds[f])} {text}".split())
            for f, text in (("counterpart", counterpart), ("description", description))
        }
        with acting_as(story["officer"]):
            registered = runtime.app.register_record(
                story["org_id"],
                runtime.app.clock() - timedelta(days=days_ago),
                "received",
                "other",
                values["counterpart"],
                values["description"],
                case_number=story["case"] if in_case else None,
            )
            if marking:
                runtime.app.mark_diary_entry_secret(registered.recorded.id, "OSL 26 kap. 1 §", list(marking))
        story["secrets"] += [values[f] for f in marking or ()]
        story["public"] += [values[f] for f in ("counterpart", "description") if not marking or f not in marking]
    runtime.views.wait_for("diary", runtime.head())

    secret_tokens = [value.split(" ", 1)[0] for value in story["secrets"]]
    query = secret_tokens[-1] if search and secret_tokens else None
    seen = every_public_output(client, "valdemarsvik", "2025-01-01", "2027-12-31", limit=limit, q=query)
    public = all_entries(client, "/v1/organisations/valdemarsvik/diary")
    shown = {e[f] for e in public for f in ("counterpart", "description")}
    officers = all_entries(client, "/v1/diary/entries", story["officer_headers"])

    assert not [token for token in secret_tokens if token in seen]
    assert not set(story["secrets"]) & shown
    assert set(story["public"]) <= shown  # the check looks where the fields would be
    assert set(story["secrets"]) <= {e[f] for e in officers for f in ("counterpart", "description")}
    if query:
        assert client.get("/v1/organisations/valdemarsvik/diary", params={"q": query}).json()["total"] == 0


def _story(client, runtime) -> dict:
    """One municipality for all generated examples (they add to it; nothing is ever removed)."""
    story = getattr(runtime, "diary_property_story", None)
    if story is None:
        diary = given_a_municipality_with_a_diary(client, runtime)
        officer_row = runtime.views.access_tokens.fetch_one(
            "SELECT subject_id, org_id FROM access_tokens WHERE role = 'records_officer'"
        )
        officer = Actor(officer_row["subject_id"], "Rita Registrator", Role.RECORDS_OFFICER, officer_row["org_id"])
        with acting_as(officer):
            case = runtime.app.open_case(officer_row["org_id"], "Ärende för genererade handlingar", "Kansliet")
        story = {
            "org_id": officer_row["org_id"],
            "officer": officer,
            "case": case.number,
            "secrets": [],
            "public": [],
            "officer_headers": diary.town.officer.headers,
        }
        runtime.diary_property_story = story
    return story
