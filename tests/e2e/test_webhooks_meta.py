"""A Facebook Page's webhook: Meta pushes a new comment, an edit, a hide and a removal to the
organisation's callback URL; each signed delivery is kept in the inbox before it is answered,
and the worker captures it into the channel's record as a poll or an import would. A delivery
with a wrong or no signature is refused and nothing of it is kept; a retried one is kept once."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
from conftest import staff
from webhook_story import (
    APP_SECRET,
    COMMENT,
    VERIFY_TOKEN,
    delivery,
    given_a_connected_source,
    meta_headers,
)

from domain.actors import Actor, Role
from kanalarkiv.application.capture import CapturedPost
from kanalarkiv.application.context import acting_as

URL = "/v1/webhooks/meta/valdemarsvik"
INSTAGRAM = {
    "platform": "instagram",
    "name": "Valdemarsvik på Instagram",
    "url": "https://www.instagram.com/valdemarsvik",
}


def post(client, name: str, secret: str = APP_SECRET):
    body = delivery(name)
    return client.post(URL, content=body, headers=meta_headers(body, secret))


def inbox_rows(runtime) -> int:
    with psycopg.connect(runtime.database_url) as conn:
        return conn.execute("SELECT count(*) FROM webhook_inbox").fetchone()[0]


def topics_since(runtime, position: int) -> list[str]:
    with psycopg.connect(runtime.database_url) as conn:
        rows = conn.execute(
            "SELECT topic FROM kanalarkiv_events WHERE notification_id > %s ORDER BY notification_id", (position,)
        ).fetchall()
    return [topic.split(":")[1] for (topic,) in rows]


def metric(client, name: str) -> float:
    for line in client.get("/metrics").text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def given_the_post_and_a_comment(client, runtime, clock):
    page = given_a_connected_source(runtime, clock)
    assert post(client, "meta_status_added").status_code == 200
    answer = post(client, "meta_comment_added")
    assert answer.status_code == 200 and answer.json()["stored"] == 1
    assert page.drained() == {"processed": 2}
    return page


def test_a_signed_comment_is_recorded_in_the_channels_record_through_the_inbox(client, runtime, clock):
    page = given_the_post_and_a_comment(client, runtime, clock)
    officer = staff(runtime, role="records_officer", name="Rita Registrator")
    runtime.views.wait_for("channel_content", runtime.head())
    comment = client.get(f"/v1/comments/{page.comment_id()}", headers=officer.headers).json()
    assert comment["text"] == "Vad fint! Blir det längre öppettider på helgerna?"
    assert comment["post_id"] == str(page.post_id()) and comment["received_at"].startswith("2026-03-02T10:00:00")
    runs = client.get(f"/v1/channels/{page.channel_id}/captures/runs", headers=officer.headers).json()
    assert {run["source_format"] for run in runs} == {
        "facebook_webhook"
    }  # one run, or two: as the worker gathered them
    assert sum(run["counts"]["new"] for run in runs) == 2 and all(run["status"] == "completed" for run in runs)
    assert metric(client, "kanalarkiv_webhook_deliveries_received_total") == 2


def test_a_retried_delivery_is_stored_once_and_recorded_once(client, runtime, clock):
    page = given_the_post_and_a_comment(client, runtime, clock)
    head = runtime.head()
    again = post(client, "meta_comment_added")
    assert again.status_code == 200 and again.json() | {"changes": 1} == {
        "changes": 1, "stored": 0, "duplicates": 1, "unrouted": 0, "skipped": 0,
    }  # fmt: skip
    assert page.drained() == {"processed": 2} and runtime.head() == head
    assert metric(client, "kanalarkiv_webhook_changes_duplicate_total") == 1


def test_a_change_processed_again_records_nothing_new(client, runtime, clock):
    page = given_the_post_and_a_comment(client, runtime, clock)
    head = runtime.head()
    # As if the worker had died after the record took the change but before the inbox was told:
    # the change is pending again, and the worker takes it a second time.
    with psycopg.connect(runtime.database_url) as conn:
        conn.execute("DELETE FROM webhook_inbox")
    assert post(client, "meta_comment_added").json()["stored"] == 1
    assert page.drained() == {"processed": 1}
    assert runtime.head() == head  # no run, no event: the record showed it already


def test_an_edit_is_recorded_as_the_authors_edit_with_both_texts(client, runtime, clock):
    page = given_the_post_and_a_comment(client, runtime, clock)
    head = runtime.head()
    assert post(client, "meta_comment_edited").status_code == 200
    page.drained()
    assert "Comment.EditCaptured" in topics_since(runtime, head)
    assert runtime.app.get_comment(page.comment_id()).text == "Vad fint! Blir det längre öppettider på lördagarna?"


def test_a_hide_and_a_removal_are_observed_on_the_platforms_word_with_the_delivery_as_evidence(client, runtime, clock):
    page = given_the_post_and_a_comment(client, runtime, clock)
    assert post(client, "meta_comment_hidden").status_code == 200
    page.drained()
    assert runtime.app.get_comment(page.comment_id()).platform_hidden is True
    assert post(client, "meta_comment_removed").status_code == 200
    assert page.drained() == {"processed": 4}
    comment = runtime.app.get_comment(page.comment_id())
    assert comment.observed_deleted is True and comment.text  # the record stays
    officer = staff(runtime, role="records_officer", name="Rita Registrator")
    runtime.views.wait_for("capture_runs", runtime.head())
    [gone] = client.get(f"/v1/channels/{page.channel_id}/captures/observed-deletions", headers=officer.headers).json()
    runs = {r["run_id"]: r for r in client.get(f"/v1/channels/{page.channel_id}/captures/runs",
                                                 headers=officer.headers).json()}  # fmt: skip
    assert gone["platform_id"] == COMMENT and gone["deleted_at"].startswith("2026-03-02T10:30:00")
    assert runs[gone["missing_run_id"]]["file_name"].startswith("webhook deliveries ")  # the delivery: its evidence


def test_a_bad_signature_is_403_a_missing_one_401_and_nothing_is_stored(client, runtime, clock):
    given_a_connected_source(runtime, clock)
    body = delivery("meta_comment_added")
    assert post(client, "meta_comment_added", secret="another-app-secret").status_code == 403
    missing = client.post(URL, content=body, headers={"Content-Type": "application/json"})
    assert missing.status_code == 401 and missing.headers["content-type"] == "application/problem+json"
    assert inbox_rows(runtime) == 0
    assert metric(client, 'kanalarkiv_webhook_deliveries_refused_total{reason="bad_signature"}') == 1
    assert metric(client, 'kanalarkiv_webhook_deliveries_refused_total{reason="no_signature"}') == 1


def test_the_handshake_echoes_the_challenge_for_the_right_verify_token_only(client, runtime, clock):
    given_a_connected_source(runtime, clock)
    query = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
    right = client.get(URL, params=query)
    assert (right.status_code, right.text, right.headers["content-type"]) == (
        200,
        "1158201444",
        "text/plain; charset=utf-8",
    )
    wrong = client.get(URL, params=query | {"hub.verify_token": "a-guess"})
    assert wrong.status_code == 403 and "wrong_verify_token" in wrong.json()["detail"]
    assert client.get(URL, params=query | {"hub.mode": "unsubscribe"}).status_code == 400


def test_an_instagram_comment_reaches_the_channel_of_the_instagram_account(client, runtime, clock):
    account = given_a_connected_source(runtime, clock, INSTAGRAM, "instagram_account", "17841400000000001")
    published = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    with acting_as(Actor("actor:insamlare", "Insamlaren", Role.CAPTURE_CLIENT, account.org_id)):
        runtime.app.capture_bulk(account.channel_id, [CapturedPost("18000000000000002", "Hamnen i morse.", published,
                                                                   clock(), "Valdemarsviks kommun")], [])  # fmt: skip
    answer = post(client, "instagram_comment_added")
    assert answer.status_code == 200 and answer.json()["stored"] == 1
    assert account.drained() == {"processed": 1}
    comment = runtime.app.get_comment(account.comment_id("17900000000000030"))
    assert comment.text == "Fin bild från hamnen!" and comment.post_id == account.post_id("18000000000000002")
