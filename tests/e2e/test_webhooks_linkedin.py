"""A LinkedIn organization's webhook: LinkedIn validates the callback URL with a challenge, then
pushes social-action notifications signed with the app's client secret; a new comment, its
edit and its deletion are captured into the channel's record (likes are answered and skipped)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from webhook_story import (
    CLIENT_SECRET,
    LINKEDIN,
    LINKEDIN_COMMENT,
    LINKEDIN_ORG,
    LINKEDIN_POST,
    delivery,
    given_a_connected_source,
    linkedin_headers,
)

from domain.actors import Actor, Role
from kanalarkiv.application.capture import CapturedPost
from kanalarkiv.application.context import acting_as

URL = "/v1/webhooks/linkedin/valdemarsvik"


def given_an_organization_page_with_a_post(runtime, clock):
    page = given_a_connected_source(runtime, clock, LINKEDIN, "linkedin_organization", LINKEDIN_ORG, CLIENT_SECRET)
    published = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    with acting_as(Actor("actor:insamlare", "Insamlaren", Role.CAPTURE_CLIENT, page.org_id)):
        runtime.app.capture_bulk(
            page.channel_id,
            [CapturedPost(LINKEDIN_POST, "Sommarjobb för unga: ansök nu.", published, clock(), "Valdemarsviks kommun")],
            [],
        )
    return page


def post(client, name: str, secret: str = CLIENT_SECRET):
    body = delivery(name)
    return client.post(URL, content=body, headers=linkedin_headers(body, secret))


def test_the_challenge_is_answered_with_the_hmac_under_the_client_secret(client, runtime, clock):
    given_a_connected_source(runtime, clock, LINKEDIN, "linkedin_organization", LINKEDIN_ORG, CLIENT_SECRET)
    answer = client.get(URL, params={"challengeCode": "890e4c4a-invented"})
    expected = hmac.new(CLIENT_SECRET.encode(), b"890e4c4a-invented", hashlib.sha256).hexdigest()
    assert answer.status_code == 200
    assert answer.json() == {"challengeCode": "890e4c4a-invented", "challengeResponse": expected}
    assert client.get(URL).status_code == 400


def test_a_signed_comment_its_edit_and_its_deletion_are_captured(client, runtime, clock):
    page = given_an_organization_page_with_a_post(runtime, clock)
    first = post(client, "linkedin_comment")
    assert first.status_code == 200 and first.json() | {} == {
        "changes": 1, "stored": 1, "duplicates": 0, "unrouted": 0, "skipped": 1,
    }  # fmt: skip
    page.drained()
    comment = runtime.app.get_comment(page.comment_id(LINKEDIN_COMMENT))
    assert comment.text == "Hur ansöker man till sommarjobben?" and comment.post_id == page.post_id(LINKEDIN_POST)

    assert post(client, "linkedin_comment_edit").status_code == 200
    page.drained()
    assert runtime.app.get_comment(page.comment_id(LINKEDIN_COMMENT)).text == "Hur ansöker man till sommarjobben 2026?"

    assert post(client, "linkedin_comment_delete").status_code == 200
    assert page.drained() == {"processed": 3}
    gone = runtime.app.get_comment(page.comment_id(LINKEDIN_COMMENT))
    assert gone.observed_deleted and gone.text == "Hur ansöker man till sommarjobben 2026?"  # the record stays


def test_a_wrong_signature_is_403_and_nothing_is_stored(client, runtime, clock):
    page = given_an_organization_page_with_a_post(runtime, clock)
    assert post(client, "linkedin_comment", secret="another-client-secret").status_code == 403
    body = delivery("linkedin_comment")
    assert client.post(URL, content=body).status_code == 401
    assert runtime.app.webhook_inbox.states()["counts"] == {}
    assert not runtime.app._exists(page.comment_id(LINKEDIN_COMMENT))
