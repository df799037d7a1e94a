"""Stories 3, 4, 5, 9 and 10: comments are answered and supervised, unlawful content is removed
on a ground (and kept as a record), individuals' cases move to the case, and commenters are
protected: no search by author, every look at an identity recorded."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from editorial_story import given_a_municipality_with_an_active_page


def test_response_times_per_month_show_share_answered_median_and_p90(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    runtime.app.clock.advance(days=5)  # the page was registered before the comments came in and were answered
    post = town.publish()
    waits = [1, 2, 3, 4, None]  # hours until the first reply; the last one is never answered
    for n, hours in enumerate(waits):
        comment = town.capture_comment(post["id"], f"c-{n}", received_ago=timedelta(hours=100))
        if hours is not None:
            replied_at = town.now() - timedelta(hours=100 - hours)
            town.post(
                f"/v1/comments/{comment['id']}/replies",
                {"text": "Tack för frågan!", "occurred_at": replied_at.isoformat()},
                expect=201,
            )

    stats = town.get(
        f"/v1/channels/{town.channel_id}/response-times", as_=town.manager, wait=runtime.head(), threshold_hours=48
    ).json()

    assert len(stats) == 1
    month = stats[0]
    assert (month["comments"], month["answered"], month["share_answered"]) == (5, 4, 0.8)
    assert month["median_seconds"] == pytest.approx(2.5 * 3600, abs=1)
    assert month["p90_seconds"] == pytest.approx(3.7 * 3600, abs=1)
    assert month["unanswered_past_threshold"] == 1


def test_an_editor_without_assignment_cannot_reply(client, runtime):
    from conftest import staff

    town = given_a_municipality_with_an_active_page(client, runtime)
    comment = town.capture_comment(town.publish()["id"], "c-1")
    stranger = staff(runtime, role="editor", name="Nils Nyanställd")
    refused = town.post(f"/v1/comments/{comment['id']}/replies", {"text": "Hej"}, as_=stranger, expect=403)
    assert "Nils Nyanställd holds no valid editor's assignment" in refused.json()["detail"]


def test_removed_content_is_kept_for_records_officers_and_never_shown_publicly(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    post = town.publish()
    comment = town.capture_comment(
        post["id"], "c-1", text="Grannen Per Persson på Storgatan 3 är en tjuv", author="Arg Granne"
    )
    done = town.post(
        f"/v1/comments/{comment['id']}/moderation",
        {
            "action": "remove",
            "ground": "offensive_personal_data",
            "justification": "Pekar ut en namngiven person som brottslig.",
        },
    ).json()

    public = town.get(f"/v1/posts/{post['id']}/comments", wait=done["position"]).json()
    public_one = town.get(f"/v1/comments/{comment['id']}")
    as_officer = town.get(f"/v1/posts/{post['id']}/comments", as_=town.officer).json()

    assert public == [] and public_one.status_code == 404
    [kept] = as_officer
    assert kept["text"] == "Grannen Per Persson på Storgatan 3 är en tjuv"
    assert (kept["visibility"], kept["moderation_ground"], kept["moderated_by_name"]) == (
        "removed",
        "offensive_personal_data",
        "Erik Redaktör",
    )
    assert "author_name" not in kept and "platform_author_id" not in kept


def test_a_removal_is_reversed_by_a_later_decision_never_by_editing_it(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    post = town.publish()
    comment = town.capture_comment(post["id"], "c-1", text="Ni ljuger!")
    removal = town.post(
        f"/v1/comments/{comment['id']}/moderation",
        {"action": "hide", "ground": "etiquette", "justification": "Osaklig ton"},
    ).json()
    reversal = town.post(
        f"/v1/comments/{comment['id']}/moderation/reverse",
        {"justification": "Kritik av myndigheten ska få stå kvar"},
        as_=town.manager,
    ).json()

    public = town.get(f"/v1/posts/{post['id']}/comments", wait=reversal["position"]).json()
    trail = town.get(
        "/v1/audit-trail", as_=town.auditor, entity_id=comment["id"], order="oldest", wait=reversal["position"]
    ).json()

    assert [c["text"] for c in public] == ["Ni ljuger!"]
    assert [e["event_type"] for e in trail] == ["Received", "Moderated", "ModerationReversed"]
    assert trail[1]["details"]["decision_id"] == removal["id"]
    assert trail[2]["details"]["reverses"] == removal["id"]
    assert trail[1]["details"]["action"] == "hide"  # the first decision stands as it was made


def test_secrecy_names_its_osl_provision(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    comment = town.capture_comment(town.publish()["id"], "c-1", text="Elevens diagnos är ...")
    missing = town.post(
        f"/v1/comments/{comment['id']}/moderation",
        {"action": "remove", "ground": "secrecy", "justification": "Sekretessbelagda uppgifter"},
        expect=422,
    )
    done = town.post(
        f"/v1/comments/{comment['id']}/moderation",
        {"action": "remove", "ground": "secrecy", "provision": "23:2", "justification": "Sekretess inom skolan"},
        as_=town.officer,
    ).json()
    kept = town.get(f"/v1/comments/{comment['id']}", as_=town.officer, wait=done["position"]).json()
    assert missing.json()["errors"][0]["field"] == "provision"
    assert kept["moderation_provision"] == "OSL 23 kap. 2 §"


def test_two_moderators_at_once_one_wins_one_gets_409(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    comment = town.capture_comment(town.publish()["id"], "c-1", text="Hot mot tjänsteman")
    start, statuses = threading.Barrier(2), []

    def moderate(who) -> None:
        start.wait()
        statuses.append(
            town.post(
                f"/v1/comments/{comment['id']}/moderation",
                {"action": "remove", "ground": "unlawful_threat", "justification": "Olaga hot"},
                as_=who,
                expect=None,
                headers={"If-Match": '"1"'},
            ).status_code
        )

    threads = [threading.Thread(target=moderate, args=(who,)) for who in (town.editor, town.officer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 409]
    assert runtime.app.get_comment(comment["id"]).version == 2


def test_a_comment_about_an_individuals_case_is_moved_to_the_case(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    town.client.put("/v1/diary", json={"series_prefix": "SBN"}, headers=town.officer.headers)
    town.post(
        "/v1/diary/cases", {"subject": "Bygglov Storgatan 3", "responsible_unit": "Bygg"}, as_=town.officer, expect=201
    )
    post = town.publish()
    comment = town.capture_comment(post["id"], "c-1", text="Varför har mitt bygglov inte beslutats?")
    done = town.post(
        f"/v1/comments/{comment['id']}/case-transfer",
        {"diary_number": "SBN 2026/0001", "note": "Besvaras i bygglovsärendet"},
        as_=town.officer,
    ).json()
    new_case = town.capture_comment(post["id"], "c-2", text="Jag vill klaga på hemtjänsten för min mamma")
    opened = town.post(
        f"/v1/comments/{new_case['id']}/case-transfer", {"note": "Nytt klagomålsärende"}, as_=town.officer
    ).json()

    public = town.get(f"/v1/posts/{post['id']}/comments", wait=opened["position"]).json()
    trail = town.get(
        "/v1/audit-trail", as_=town.officer, event_type="TransferredToCase", order="oldest", wait=opened["position"]
    ).json()

    assert [c["moved_to_case"] for c in public] == ["dnr SBN 2026/0001", "new case"]
    assert trail[0]["details"] | {"diary_number": "SBN 2026/0001", "new_case": False} == trail[0]["details"]
    assert trail[0]["details"]["post_id"] == post["id"] and trail[1]["details"]["new_case"] is True
    assert done["version"] == 2
    compliance = town.get("/v1/compliance", as_=town.officer, threshold_hours=0.001, wait=opened["position"]).json()
    assert compliance["unanswered_comments"] == []  # moved to a case: not answered on the channel


def test_no_author_identity_is_shown_without_a_recorded_reason(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    comment = town.capture_comment(town.publish()["id"], "c-1", author="Anonym Källa")
    refused = town.post(
        f"/v1/comments/{comment['id']}/author-identity", {"reason": "Nyfiken"}, as_=town.editor, expect=403
    )
    shown = town.post(
        f"/v1/comments/{comment['id']}/author-identity",
        {"reason": "Begäran om utlämnande, dnr KS 2026/0007, sekretessprövning"},
        as_=town.officer,
    ).json()

    disclosures = town.get(
        "/v1/audit-trail", as_=town.auditor, wait=shown["position"], entity_type="AuthorIdentityDisclosure"
    ).json()
    received = town.get("/v1/audit-trail", as_=town.auditor, event_type="Received", entity_type="Comment").json()

    assert refused.json()["detail"].startswith("seeing a comment author's identity requires the role records_officer")
    assert (shown["author_name"], shown["platform_author_id"]) == ("Anonym Källa", "fb-user-Anonym Källa")
    assert [(d["actor_name"], d["details"]["reason"]) for d in disclosures] == [
        ("Rita Registrator", "Begäran om utlämnande, dnr KS 2026/0007, sekretessprövning")
    ]
    assert "Anonym Källa" not in str(received)


def test_a_data_subjects_own_request_is_the_only_search_by_author(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    post = town.publish()
    town.capture_comment(post["id"], "c-1", author="Kalle Medborgare", text="Första")
    town.capture_comment(post["id"], "c-2", author="Lisa Läsare", text="Annan person")
    town.capture_comment(post["id"], "c-3", author="Kalle Medborgare", text="Andra")

    without_case = town.post(
        "/v1/data-subject-requests",
        {"article": "15", "case_reference": "", "platform_author_id": "fb-user-Kalle Medborgare", "reason": "x"},
        as_=town.officer,
        expect=422,
    )
    found = town.post(
        "/v1/data-subject-requests",
        {
            "article": "15",
            "case_reference": "KS 2026/0100",
            "platform_author_id": "fb-user-Kalle Medborgare",
            "reason": "Registerutdrag begärt av den registrerade",
        },
        as_=town.officer,
    ).json()
    searches = town.get(
        "/v1/audit-trail", as_=town.auditor, wait=runtime.head(), entity_type="DataSubjectSearch"
    ).json()

    assert without_case.json()["errors"][0]["field"] == "case_reference"
    assert [c["text"] for c in found] == ["Första", "Andra"]
    assert searches[0]["details"]["case_reference"] == "KS 2026/0100"
    assert "Kalle" not in str(searches)
    assert town.post(
        "/v1/data-subject-requests",
        {"article": "17", "case_reference": "KS 2026/0101", "author_name": "Lisa Läsare", "reason": "Radering"},
        as_=town.editor,
        expect=403,
    )
