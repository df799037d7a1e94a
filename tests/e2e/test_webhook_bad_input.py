"""Bad webhook input never costs a 5xx or anything stored before: a body over 1 MiB is refused
before the rest of it is read, a body that is not a delivery is 400 (after its signature), fields
and items not read are skipped, a Page no channel of the organisation is connected to is answered
200 (Meta stops retrying) and counted, and a change the record cannot take is marked failed with
its reason while the others are captured."""

from __future__ import annotations

import json

import orjson
import psycopg
from test_webhooks_meta import URL, metric, post
from webhook_story import PAGE, delivery, given_a_connected_source, meta_headers

from kanalarkiv.capture.live.webhooks import LARGEST_BODY


def signed(client, body: bytes):
    return client.post(URL, content=body, headers=meta_headers(body))


def test_a_page_no_channel_is_connected_to_is_answered_200_counted_and_not_stored(client, runtime, clock):
    given_a_connected_source(runtime, clock)
    answer = post(client, "meta_unknown_page")
    assert answer.status_code == 200 and (answer.json()["unrouted"], answer.json()["stored"]) == (1, 0)
    assert runtime.app.webhook_inbox.states()["counts"] == {}
    assert metric(client, "kanalarkiv_webhook_changes_unrouted_total") == 1


def test_a_body_over_one_mebibyte_is_413_whether_or_not_its_length_is_declared(client, runtime, clock):
    given_a_connected_source(runtime, clock)
    big = b'{"object": "page", "entry": [], "padding": "' + b"x" * LARGEST_BODY + b'"}'
    assert signed(client, big).status_code == 413

    def trickled():  # chunked: no Content-Length to go by
        for start in range(0, len(big), 65536):
            yield big[start : start + 65536]

    answer = client.post(URL, content=trickled(), headers=meta_headers(big))
    assert answer.status_code == 413 and answer.headers["content-type"] == "application/problem+json"
    assert metric(client, 'kanalarkiv_webhook_deliveries_refused_total{reason="too_large"}') == 2


def test_a_signed_body_that_is_no_delivery_is_400_and_unknown_fields_are_skipped(client, runtime, clock):
    given_a_connected_source(runtime, clock)
    for body in (b"not json", b"[1, 2]", b'{"object": "whatsapp_business_account", "entry": []}',
                 b'{"object": "page", "entry": "none"}'):  # fmt: skip
        answer = signed(client, body)
        assert answer.status_code == 400, body
        assert answer.json()["status"] == 400 and answer.json()["detail"]
    odd = json.loads(delivery("meta_comment_added"))
    odd["entry"][0]["changes"] += [{"field": "ratings", "value": {"verb": "add"}}, {"field": "feed", "value": {}}]
    odd["entry"][0]["unheard_of"] = {"nested": [1, 2]}
    answer = signed(client, orjson.dumps(odd))
    assert answer.status_code == 200 and answer.json()["skipped"] == 2 and answer.json()["stored"] == 1


def test_an_organisation_that_does_not_exist_is_404_and_a_bad_slug_422(client, runtime, clock):
    given_a_connected_source(runtime, clock)
    body = delivery("meta_comment_added")
    assert client.post("/v1/webhooks/meta/nowhere", content=body, headers=meta_headers(body)).status_code == 404
    assert client.post("/v1/webhooks/meta/NOT%20A%20SLUG", content=body, headers=meta_headers(body)).status_code == 422


def test_a_change_the_record_cannot_take_is_marked_failed_and_the_others_are_captured(client, runtime, clock):
    page = given_a_connected_source(runtime, clock)
    orphan = json.loads(delivery("meta_comment_added"))
    value = orphan["entry"][0]["changes"][0]["value"]
    value |= {"post_id": f"{PAGE}_299999999999999", "parent_id": f"{PAGE}_299999999999999", "comment_id": "2999_1"}
    assert signed(client, orjson.dumps(orphan)).status_code == 200  # on a post the record does not have
    assert post(client, "meta_status_added").status_code == 200
    assert post(client, "meta_comment_added").status_code == 200
    assert page.drained() == {"processed": 2, "failed": 1}
    assert runtime.app.get_comment(page.comment_id()).text.startswith("Vad fint!")
    with psycopg.connect(runtime.database_url) as conn:
        reason, kept = conn.execute(
            "SELECT reason, sealed IS NOT NULL FROM webhook_inbox WHERE state = 'failed'"
        ).fetchone()
    assert "299999999999999" in reason and kept  # kept, with why, for a person to look at
    assert metric(client, 'kanalarkiv_webhook_inbox_changes{state="failed"}') == 1


ANOTHER_BODY = ("soderkoping", "Söderköpings kommun", "212000-0100")
OTHER_PAGE = "104000000000777"


def test_one_organisations_app_cannot_feed_another_and_its_poison_stops_no_one_else(client, runtime, clock):
    ours = given_a_connected_source(runtime, clock)
    theirs = given_a_connected_source(runtime, clock, {"url": "https://www.facebook.com/soderkoping"},
                                      account=OTHER_PAGE, secret="invented-other-app-secret", organisation=ANOTHER_BODY)  # fmt: skip
    # Their app's signature is no good at our URL, and ours none at theirs: each body's own app signs.
    body = delivery("meta_status_added")
    assert client.post(URL, content=body, headers=meta_headers(body, "invented-other-app-secret")).status_code == 403
    assert client.post("/v1/webhooks/meta/soderkoping", content=body, headers=meta_headers(body)).status_code == 403
    # Their delivery names our Page: signed by their app, for an account none of their channels has.
    answer = client.post("/v1/webhooks/meta/soderkoping", content=body,
                         headers=meta_headers(body, "invented-other-app-secret"))  # fmt: skip
    assert answer.status_code == 200 and answer.json()["unrouted"] == 1
    # A poison change of theirs does not keep ours from being captured.
    poison = json.loads(delivery("meta_comment_added").decode().replace(PAGE, OTHER_PAGE))
    poison_body = orjson.dumps(poison)
    assert client.post("/v1/webhooks/meta/soderkoping", content=poison_body,
                       headers=meta_headers(poison_body, "invented-other-app-secret")).status_code == 200  # fmt: skip
    assert post(client, "meta_status_added").status_code == 200
    assert post(client, "meta_comment_added").status_code == 200
    assert ours.drained() == {"processed": 2, "failed": 1}
    assert runtime.app.get_comment(ours.comment_id()).text.startswith("Vad fint!")
    assert not runtime.app._exists(theirs.comment_id())


def test_a_large_batched_delivery_is_kept_whole(client, runtime, clock):
    given_a_connected_source(runtime, clock)
    runtime.webhook_worker.stop()  # the inbox alone is looked at here (the comments' post is not recorded)
    batched = json.loads(delivery("meta_comment_added"))
    change = batched["entry"][0]["changes"][0]
    batched["entry"][0]["changes"] = [
        {"field": "feed", "value": {**change["value"], "comment_id": f"200000000000001_{n}", "post": None}}
        for n in range(2500)
    ]  # more rows than one statement takes
    body = orjson.dumps(batched)
    assert len(body) < LARGEST_BODY
    answer = signed(client, body)
    assert answer.status_code == 200 and answer.json()["stored"] == 2500
    with psycopg.connect(runtime.database_url) as conn:
        assert conn.execute("SELECT count(*) FROM webhook_inbox").fetchone()[0] == 2500
