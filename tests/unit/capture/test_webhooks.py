"""Webhooks: Meta's subscription handshake and signatures, LinkedIn's challenge and signatures,
and a Meta delivery read into capture changes, each with its delivery id; anything else refused
with a typed reason."""

from __future__ import annotations

import hashlib
import hmac

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.secret import Secret
from kanalarkiv.capture.items import Item
from kanalarkiv.capture.live.webhook_changes import Removed, VisibilityChanged, parse_meta
from kanalarkiv.capture.live.webhooks import (
    LARGEST_BODY,
    Refusal,
    WebhookRefused,
    json_body,
    linkedin_challenge,
    linkedin_signature,
    meta_handshake,
    meta_signature,
    verify_linkedin_signature,
    verify_meta_signature,
)

APP_SECRET = Secret("invented-app-secret")
VERIFY = Secret("invented-verify-token")
PAGE = "104000000000001"


def refusal(call) -> WebhookRefused:
    with pytest.raises(WebhookRefused) as refused:
        call()
    return refused.value


def test_the_meta_handshake_echoes_the_challenge_for_our_verify_token_only():
    query = {"hub.mode": "subscribe", "hub.verify_token": "invented-verify-token", "hub.challenge": "1158201444"}
    assert meta_handshake(query, VERIFY) == "1158201444"
    wrong = refusal(lambda: meta_handshake(query | {"hub.verify_token": "guess"}, VERIFY))
    assert (wrong.reason, wrong.status) == (Refusal.WRONG_VERIFY_TOKEN, 403)
    assert refusal(lambda: meta_handshake(query | {"hub.mode": "unsubscribe"}, VERIFY)).status == 400


@given(st.binary(max_size=2048))
def test_a_meta_signature_over_any_body_verifies(body):
    verify_meta_signature(body, meta_signature(body, APP_SECRET), APP_SECRET)


@given(st.binary(min_size=1, max_size=512), st.data())
def test_any_single_bit_changed_in_the_body_fails_the_meta_signature(body, data):
    bit = data.draw(st.integers(0, len(body) * 8 - 1))
    changed = bytearray(body)
    changed[bit // 8] ^= 1 << (bit % 8)
    refused = refusal(lambda: verify_meta_signature(bytes(changed), meta_signature(body, APP_SECRET), APP_SECRET))
    assert (refused.reason, refused.status) == (Refusal.BAD_SIGNATURE, 403)


@given(st.binary(max_size=512))
def test_a_linkedin_signature_verifies_with_or_without_its_prefix_and_fails_under_another_secret(body):
    signature = linkedin_signature(body, APP_SECRET)
    verify_linkedin_signature(body, signature, APP_SECRET)
    verify_linkedin_signature(body, f"hmacsha256={signature}", APP_SECRET)
    assert refusal(lambda: verify_linkedin_signature(body, signature, Secret("other"))).reason is Refusal.BAD_SIGNATURE


def test_a_missing_signature_is_401_and_an_oversized_body_413():
    assert refusal(lambda: verify_meta_signature(b"{}", None, APP_SECRET)).status == 401
    assert refusal(lambda: verify_linkedin_signature(b"{}", "", APP_SECRET)).status == 401
    big = b" " * (LARGEST_BODY + 1)
    assert refusal(lambda: verify_meta_signature(big, meta_signature(big, APP_SECRET), APP_SECRET)).status == 413


def test_the_linkedin_challenge_is_answered_with_its_hmac():
    answer = linkedin_challenge("f3a1c9e2-invented", Secret("invented-client-secret"))
    expected = hmac.new(b"invented-client-secret", b"f3a1c9e2-invented", hashlib.sha256).hexdigest()
    assert answer == {"challengeCode": "f3a1c9e2-invented", "challengeResponse": expected}


def feed_change(value: dict, time: int = 1772442000) -> dict:
    return {"object": "page", "entry": [{"id": PAGE, "time": time, "changes": [{"field": "feed", "value": value}]}]}


COMMENT_ADDED = {
    "from": {"id": "9001", "name": "Anna Invånare"},
    "item": "comment",
    "verb": "add",
    "post_id": f"{PAGE}_1",
    "comment_id": "1_101",
    "parent_id": f"{PAGE}_1",
    "created_time": 1772442000,
    "message": "När öppnar simhallen?",
}


def test_a_comment_added_on_a_page_post_is_a_captured_comment_with_a_delivery_id():
    delivery = parse_meta(json_body(orjson.dumps(feed_change(COMMENT_ADDED))))
    [change] = delivery.changes
    item = change.change
    assert isinstance(item, Item) and (item.kind, item.platform_id, item.parent_platform_id) == (
        "comment",
        "1_101",
        f"{PAGE}_1",
    )
    assert (change.platform, change.account_id, item.author_name) == ("facebook", PAGE, "Anna Invånare")
    assert len(change.delivery_id) == 32 and delivery.skipped == []


def test_a_retried_delivery_has_the_same_id_and_another_change_another():
    body = orjson.dumps(feed_change(COMMENT_ADDED))
    first, again = parse_meta(json_body(body)), parse_meta(json_body(body))
    other = parse_meta(json_body(orjson.dumps(feed_change(COMMENT_ADDED | {"message": "Och badhuset?"}))))
    assert first.changes[0].delivery_id == again.changes[0].delivery_id != other.changes[0].delivery_id


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"verb": "remove"}, Removed),
        ({"verb": "hide"}, VisibilityChanged),
        ({"verb": "unhide"}, VisibilityChanged),
        ({"verb": "edited", "message": "Rättat"}, Item),
        ({"parent_id": "1_100"}, Item),
    ],
)
def test_removal_hiding_editing_and_replies_are_read(value, expected):
    [change] = parse_meta(feed_change(COMMENT_ADDED | value, time=1772445600)).changes
    found = change.change
    assert isinstance(found, expected) and found.platform_id == "1_101"
    if isinstance(found, VisibilityChanged):
        assert found.hidden is (value["verb"] == "hide")
    if value.get("verb") == "edited":
        assert found.text == "Rättat" and found.edited_at is not None
    if "parent_id" in value:
        assert (found.kind, found.parent_platform_id) == ("reply", "1_100")
    if isinstance(found, Removed):
        assert (found.kind, found.parent_platform_id) == ("comment", f"{PAGE}_1")


def test_a_status_photo_or_video_is_a_post():
    for item in ("status", "photo", "video"):
        value = {"item": item, "verb": "add", "post_id": f"{PAGE}_2", "created_time": 1772442000, "message": "Hej"}
        [change] = parse_meta(feed_change(value)).changes
        assert change.change.kind == "post" and change.change.platform_id == f"{PAGE}_2"


def test_an_instagram_comment_and_reply_are_read():
    value = {
        "from": {"id": "9001", "username": "invanare"},
        "media": {"id": "18000000000000002"},
        "id": "17900000000000030",
        "text": "Fint!",
    }
    document = {
        "object": "instagram",
        "entry": [{"id": "17841400000000001", "time": 1772442000, "changes": [{"field": "comments", "value": value}]}],
    }
    [comment] = parse_meta(document).changes
    reply = parse_meta(
        {
            **document,
            "entry": [
                {
                    **document["entry"][0],
                    "changes": [{"field": "comments", "value": value | {"parent_id": "17900000000000010"}}],
                }
            ],
        }
    ).changes[0]
    assert (comment.change.kind, comment.change.parent_platform_id) == ("comment", "18000000000000002")
    assert (reply.change.kind, reply.change.parent_platform_id) == ("reply", "17900000000000010")


def test_unknown_objects_are_refused_and_unknown_fields_items_and_verbs_skipped():
    assert (
        refusal(lambda: parse_meta({"object": "whatsapp_business_account", "entry": []})).reason
        is Refusal.UNKNOWN_OBJECT
    )
    assert refusal(lambda: json_body(b"not json")).reason is Refusal.NOT_JSON
    assert refusal(lambda: json_body(b"[1, 2]")).reason is Refusal.MALFORMED
    document = feed_change(COMMENT_ADDED | {"item": "reaction"})
    document["entry"][0]["changes"] += [
        {"field": "ratings", "value": {}},
        {"field": "feed", "value": COMMENT_ADDED | {"verb": "block"}},
        {"field": "feed", "value": {"item": "comment", "verb": "add"}},
    ]
    delivery = parse_meta(document)
    assert delivery.changes == []
    assert [skip.reason.split(" ")[0] for skip in delivery.skipped] == ["item", "unknown", "verb", "malformed:"]


def test_a_linkedin_signature_is_the_digest_of_the_prefixed_body_as_linkedin_documents_it():
    body = b'{"type": "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS", "notifications": []}'
    documented = hmac.new(b"invented-app-secret", b"hmacsha256=" + body, hashlib.sha256).hexdigest()
    assert linkedin_signature(body, APP_SECRET) == documented
    verify_linkedin_signature(body, documented, APP_SECRET)
    verify_linkedin_signature(body, hmac.new(b"invented-app-secret", body, hashlib.sha256).hexdigest(), APP_SECRET)
