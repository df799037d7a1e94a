"""OSL 5:5 from the first moment: a records officer who registers a record with secret content
marks it in the same request. The marking is part of the registration itself — one event, one
transaction — so no reading of the public diary, now or as of any past position, ever shows the
marked value."""

from __future__ import annotations

from datetime import timedelta

import orjson
from diary_story import every_public_output, given_a_municipality_with_a_diary
from eventsourcing.persistence import StoredEvent

from domain.diary_entry import DiaryEntry

NEUTRAL = "Sekretess enligt OSL 26 kap. 1 §"
SENDER = "Sara Förälder"
ABOUT = "Ansökan om stöd för sonen med diagnos"


def register_by_hand(town, expect: int = 201, **extra) -> dict:
    return town.post(
        "/v1/diary/entries",
        {
            "record_date": (town.now() - timedelta(days=1)).isoformat(),
            "direction": "received",
            "record_type": "other",
            "counterpart": SENDER,
            "description": ABOUT,
        }
        | extra,
        as_=town.officer,
        expect=expect,
    ).json()


def public_at(diary, position: int, as_=None) -> dict:
    """The public diary as it stood at ``position`` (a point-in-time read, for an auditor)."""
    response = diary.town.get(
        "/v1/organisations/valdemarsvik/diary", as_=as_ or diary.town.auditor, as_of_position=position
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_an_entry_marked_as_it_is_registered_never_shows_the_marked_fields_publicly(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    town = diary.town

    entry = register_by_hand(town, secrecy={"provision": "26:1", "fields": ["counterpart", "description"]})
    now = diary.public(wait=entry["position"])["entries"]
    then = public_at(diary, entry["position"])["entries"]
    seen = every_public_output(client, "valdemarsvik", "2026-01-01", "2026-12-31")
    record = diary.officers(entry["id"])

    assert [(e["counterpart"], e["description"], e["secrecy_marked"]) for e in now] == [(NEUTRAL, NEUTRAL, True)]
    assert [(e["counterpart"], e["description"]) for e in then] == [(NEUTRAL, NEUTRAL)]
    assert SENDER not in seen and "diagnos" not in seen
    assert runtime.app.get_diary_entry(entry["id"]).version == 1  # registered and marked in one event
    assert (record["counterpart"], record["description"]) == (SENDER, ABOUT)
    assert record["secrecy"]["provision"] == "OSL 26 kap. 1 §"
    assert record["secrecy"]["marked_by_name"] == "Rita Registrator"
    assert [(m["action"], m["provision"], m["fields"]) for m in record["markings"]] == [
        ("marked", "OSL 26 kap. 1 §", ["counterpart", "description"])
    ]


def test_the_one_step_registrations_take_the_marking_in_the_same_request(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    town = diary.town
    diary.publish_names()  # names are published: only the marking hides the sender
    comment = diary.comment(text="Min son har diagnosen X", author=SENDER)
    post = town.publish("Information om stödinsatser")
    removed = diary.comment(text="Uppgifter om en elev")
    decision = town.post(
        f"/v1/comments/{removed['id']}/moderation",
        {
            "action": "remove",
            "ground": "secrecy",
            "provision": "OSL 23 kap. 2 §",
            "justification": "Uppgifter om en elev",
        },
        as_=town.officer,
    ).json()
    case_comment = diary.comment(text="Klagomål om min mammas hemtjänst", author="Lisa Dotter")
    town.post(f"/v1/comments/{case_comment['id']}/case-transfer", {"note": "Nytt ärende"})
    marking = {"provision": "OSL 26 kap. 1 §", "fields": ["description"]}

    answers = [
        town.post(
            f"/v1/comments/{comment['id']}/registration",
            {
                "description": "Begäran om stöd för sonen med diagnos",
                "secrecy": marking | {"fields": ["counterpart", "description"]},
            },
            as_=town.officer,
            expect=201,
        ).json(),
        town.post(
            f"/v1/posts/{post['id']}/registration",
            {"description": "Stöd till familjen med diagnos", "secrecy": marking},
            as_=town.officer,
            expect=201,
        ).json(),
        town.post(
            f"/v1/comments/{removed['id']}/moderation/{decision['id']}/registration",
            {"description": "Beslut om eleven med diagnos", "secrecy": marking},
            as_=town.officer,
            expect=201,
        ).json(),
        town.post(
            f"/v1/comments/{case_comment['id']}/diary-case",
            {
                "subject": "Klagomål på hemtjänsten",
                "responsible_unit": "Socialförvaltningen",
                "description": "Klagomål om hemtjänst för mamma med diagnos",
                "secrecy": marking,
            },
            as_=town.officer,
            expect=201,
        ).json(),
    ]
    for answer in answers:
        entries = public_at(diary, answer["position"])["entries"]
        registered = next(e for e in entries if e["entry_id"] == answer["id"])
        assert registered["description"] == NEUTRAL and registered["secrecy_marked"] is True
    seen = every_public_output(client, "valdemarsvik", "2026-01-01", "2026-12-31")

    assert "diagnos" not in seen and SENDER not in seen
    assert "Lisa Dotter" in seen  # only what was marked is hidden


def test_a_marking_at_registration_is_checked_like_a_later_one_and_nothing_is_registered(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    town = diary.town
    removed = diary.comment(text="Uppgifter om en elev")
    decision = town.post(
        f"/v1/comments/{removed['id']}/moderation",
        {
            "action": "remove",
            "ground": "secrecy",
            "provision": "OSL 23 kap. 2 §",
            "justification": "Uppgifter om en elev",
        },
        as_=town.officer,
    ).json()
    head = runtime.head()

    no_provision = register_by_hand(town, 422, secrecy={"provision": "sekretess", "fields": ["description"]})
    no_fields = register_by_hand(town, 422, secrecy={"provision": "26:1", "fields": []})
    no_sender = town.post(
        f"/v1/comments/{removed['id']}/moderation/{decision['id']}/registration",
        {"secrecy": {"provision": "26:1", "fields": ["counterpart"]}},
        as_=town.officer,
        expect=422,
    ).json()

    assert no_provision["errors"][0]["field"] == "secrecy.provision"
    assert no_fields["errors"][0]["field"] == "secrecy.fields"
    assert no_sender["errors"] == [
        {"field": "secrecy.fields", "message": "the entry names no sender or recipient to mark"}
    ]
    assert runtime.head() == head


def test_an_entry_registered_before_markings_at_registration_existed_reads_unmarked(client, runtime):
    diary = given_a_municipality_with_a_diary(client, runtime)
    entry = register_by_hand(diary.town)
    [stored] = runtime.app.recorder.select_events(entry["id"])
    state = orjson.loads(stored.state)
    for added in ("class_version", "secrecy_provision", "secret_fields"):
        state.pop(added)
    old = StoredEvent(
        originator_id=stored.originator_id,
        originator_version=1,
        topic="domain.diary:DiaryEntry.Registered",
        state=orjson.dumps(state),
    )

    event = runtime.app.mapper.to_domain_event(old)
    aggregate = event.mutate(None)

    assert isinstance(event, DiaryEntry.Registered)
    assert (event.secrecy_provision, event.secret_fields) == (None, [])
    assert aggregate.marking is None and aggregate.reading.counterpart == SENDER
