"""A verified delivery's changes go to the organisation's source connected to the account each
names, and to no other; a signature is taken from any one of the organisation's app secrets."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from domain.secret import Secret
from kanalarkiv.application.webhook_receipt import routed, same_account, verified
from kanalarkiv.capture.live.webhook_changes import Delivery, Removed, WebhookChange
from kanalarkiv.capture.live.webhooks import Refusal, WebhookRefused, meta_signature, verify_meta_signature

AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def source(kind: str, account: str) -> dict:
    return {"source_id": uuid4(), "channel_id": uuid4(), "kind": kind, "platform_id": account}


def change(platform: str, account: str) -> WebhookChange:
    return WebhookChange(f"d-{account}", platform, account, Removed("1_2", "comment", "1", AT))  # type: ignore[arg-type]


def test_each_change_goes_to_the_source_of_its_account_and_the_rest_are_counted_unrouted():
    page, instagram = source("facebook_page", "104"), source("instagram_account", "178")
    kinds = {"facebook": "facebook_page", "instagram": "instagram_account"}.__getitem__
    delivery = Delivery([change("facebook", "104"), change("instagram", "178"), change("facebook", "999"),
                         change("facebook", "178")])  # fmt: skip
    changes, unrouted = routed(delivery, [page, instagram], kinds)
    assert [(c.source_id, c.delivery_id) for c in changes] == [
        (page["source_id"], "d-104"), (instagram["source_id"], "d-178"),
    ]  # fmt: skip
    assert unrouted == 2 and changes[0].change["type"] == "removed"


def test_a_linkedin_organization_is_one_account_by_its_urn_or_its_number():
    assert same_account("urn:li:organization:10000001", "urn:li:organization:10000001")
    assert same_account("10000001", "urn:li:organization:10000001")
    assert not same_account("10000002", "urn:li:organization:10000001") and not same_account(None, "x")


def test_a_signature_of_any_of_the_organisations_app_secrets_is_taken_and_of_none_refused():
    body, ours, theirs = b"{}", Secret("invented-first-secret"), Secret("invented-second-secret")
    verified(body, meta_signature(body, theirs), [ours, theirs], verify_meta_signature)
    for secrets, header, reason in (
        ([ours], meta_signature(body, theirs), Refusal.BAD_SIGNATURE),
        ([], meta_signature(body, theirs), Refusal.BAD_SIGNATURE),
        ([ours], None, Refusal.NO_SIGNATURE),
    ):
        with pytest.raises(WebhookRefused) as refused:
            verified(body, header, secrets, verify_meta_signature)
        assert refused.value.reason is reason
