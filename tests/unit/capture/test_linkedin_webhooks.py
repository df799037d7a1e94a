"""LinkedIn's organization social action notifications read into capture changes: a comment, its
edit and its deletion, keyed by LinkedIn's notificationId; other actions skipped and listed,
anything that is not such a delivery refused. And a change survives the inbox unchanged."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kanalarkiv.capture.items import Item
from kanalarkiv.capture.live.linkedin_webhooks import NO_NAME, parse_linkedin
from kanalarkiv.capture.live.webhook_changes import Removed, VisibilityChanged
from kanalarkiv.capture.live.webhook_documents import WebhookItems, change_of, document_of
from kanalarkiv.capture.live.webhooks import Refusal, WebhookRefused

FIXTURES = Path(__file__).parents[2] / "fixtures" / "webhooks"
COMMENT = "urn:li:comment:(urn:li:activity:7000000000000000002,7000000000000000003)"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def test_a_comment_notification_is_a_comment_on_its_post_keyed_by_the_notification_id():
    delivery = parse_linkedin(fixture("linkedin_comment"))
    [change] = delivery.changes
    item = change.change
    assert (change.delivery_id, change.platform, change.account_id) == (
        "linkedin:500000001", "linkedin", "urn:li:organization:10000001",
    )  # fmt: skip
    assert isinstance(item, Item) and (item.kind, item.platform_id, item.parent_platform_id) == (
        "comment", COMMENT, "urn:li:share:7000000000000000001",
    )  # fmt: skip
    assert (item.text, item.author_name, item.platform_author_id) == (
        "Hur ansöker man till sommarjobben?", NO_NAME, "urn:li:person:invented01",
    )  # fmt: skip
    assert item.published_at == datetime(2026, 3, 2, 10, 0, tzinfo=UTC) and item.edited_at is None
    assert [s.reason for s in delivery.skipped] == ["action 'LIKE' is not read"]


def test_an_edit_carries_the_new_text_and_its_time_and_a_deletion_is_a_removal():
    [edit] = parse_linkedin(fixture("linkedin_comment_edit")).changes
    [deletion] = parse_linkedin(fixture("linkedin_comment_delete")).changes
    assert isinstance(edit.change, Item) and edit.change.text.endswith("2026?") and edit.change.edited_at is not None
    assert isinstance(deletion.change, Removed)
    assert (deletion.change.platform_id, deletion.change.parent_platform_id) == (
        COMMENT, "urn:li:share:7000000000000000001",
    )  # fmt: skip
    assert len({edit.delivery_id, deletion.delivery_id}) == 2


def test_a_reply_names_the_comment_it_answers():
    document = fixture("linkedin_comment")
    document["notifications"][0]["decoratedGeneratedActivity"]["comment"]["parentComment"] = "urn:li:comment:(x,1)"
    item = parse_linkedin(document).changes[0].change
    assert (item.kind, item.parent_platform_id) == ("reply", "urn:li:comment:(x,1)")


@pytest.mark.parametrize(
    "broken",
    [
        {"lastModifiedAt": "yesterday"},
        {"generatedActivity": None, "decoratedGeneratedActivity": None},
        {"organizationalEntity": 10000001},
        {"decoratedGeneratedActivity": {"comment": {"entity": COMMENT}}},  # no text
    ],
)
def test_a_malformed_notification_is_skipped_with_its_reason_not_guessed_at(broken):
    document = fixture("linkedin_comment")
    document["notifications"][0] |= broken
    delivery = parse_linkedin(document)
    assert delivery.changes == [] and delivery.skipped[0].reason.startswith("malformed")


def test_a_body_of_another_type_or_without_notifications_is_refused():
    with pytest.raises(WebhookRefused) as other:
        parse_linkedin({"type": "LEAD_ACTION", "notifications": []})
    with pytest.raises(WebhookRefused) as none:
        parse_linkedin({"type": "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS"})
    assert (other.value.reason, none.value.reason) == (Refusal.UNKNOWN_OBJECT, Refusal.MALFORMED)
    assert other.value.status == none.value.status == 400


def test_every_kind_of_change_survives_the_inbox_as_it_was():
    at = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    item = parse_linkedin(fixture("linkedin_comment_edit")).changes[0].change
    for change in (item, Removed("1_2", "comment", "1", at), VisibilityChanged("1_2", "reply", True, at)):
        again = change_of(json.loads(json.dumps(document_of(change))), "webhook x")
        assert again == (replace(change, where="webhook x") if isinstance(change, Item) else change)


def test_a_webhook_is_never_taken_as_whole():
    source = WebhookItems([])
    assert list(source.items()) == []
    completeness = source.completeness()
    assert (completeness.posts, completeness.threads, completeness.period) == (False, set(), None)
