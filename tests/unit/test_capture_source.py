"""A channel's live source, the model alone: who may connect, change and disconnect it, what each
kind needs, and that its history holds the credentials' id, never a secret."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.actors import Actor, Role
from domain.capture_source import CaptureSource
from domain.errors import ForeignOrganisation, InvalidTransition, InvalidValue, NotPermitted

ORG = uuid4()
CHANNEL = uuid4()
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MANAGER = Actor("anna", "Anna Chef", Role.MANAGER, ORG)
OFFICER = Actor("rut", "Rut Registrator", Role.RECORDS_OFFICER, ORG)
EDITOR = Actor("erik", "Erik Redaktör", Role.EDITOR, ORG)
OUTSIDER = Actor("olle", "Olle Annan", Role.MANAGER, uuid4())
SEALED = uuid4()


def connected(by: Actor = MANAGER, **overrides) -> CaptureSource:
    details = {
        "channel_platform": "facebook",
        "kind": "facebook_page",
        "platform_id": "104000000000001",
        "url": "https://www.facebook.com/valdemarsvikskommun",
        "polling_interval": timedelta(minutes=15),
        "credentials_id": SEALED,
    } | overrides
    platform, kind = details.pop("channel_platform"), details.pop("kind")
    return CaptureSource.connect(uuid4(), ORG, CHANNEL, platform, kind, **details, by=by, at=T0)


def replay(source: CaptureSource) -> CaptureSource:
    copy = None
    for event in source.collect_events():
        copy = event.mutate(copy)
    return copy


def test_a_manager_connects_a_page_and_the_event_names_the_sealed_credentials_and_who():
    source = connected()
    [event] = source.pending_events
    assert (event.kind, event.platform_id, event.polling_interval_seconds) == ("facebook_page", "104000000000001", 900)
    assert event.credentials_id == SEALED and (event.actor_id, event.occurred_at) == ("anna", T0)
    assert source.connected and source.polling_interval == timedelta(minutes=15)


def test_a_records_officer_may_connect_and_an_editor_or_another_organisation_may_not():
    assert connected(by=OFFICER).connected
    with pytest.raises(NotPermitted):
        connected(by=EDITOR)
    with pytest.raises(ForeignOrganisation):
        connected(by=OUTSIDER)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "youtube_channel"}, "kind"),  # a YouTube source for a Facebook channel
        ({"kind": "myspace"}, "kind"),
        ({"platform_id": " "}, "platform_id"),
        ({"credentials_id": None}, "credentials"),
        ({"polling_interval": timedelta(minutes=1)}, "polling_interval"),
        ({"polling_interval": timedelta(days=2)}, "polling_interval"),
        ({"url": "not an address"}, "url"),
    ],
)
def test_a_source_that_cannot_be_polled_is_refused(overrides, field):
    with pytest.raises(InvalidValue) as refused:
        connected(**overrides)
    assert refused.value.field == field


def test_a_public_feed_needs_its_address_and_no_credentials():
    feed = connected(
        channel_platform="blog", kind="feed", platform_id=None, url="https://valdemarsvik.se/feed", credentials_id=None
    )
    assert feed.url == "https://valdemarsvik.se/feed" and feed.platform_id is None
    with pytest.raises(InvalidValue):
        connected(channel_platform="blog", kind="feed", platform_id=None, url=None, credentials_id=None)


def test_changing_the_interval_or_credentials_is_recorded_and_a_change_of_nothing_is_not():
    source = connected()
    renewed = uuid4()
    source.change(
        polling_interval=timedelta(hours=1),
        url=source.url,
        credentials_id=renewed,
        by=OFFICER,
        at=T0 + timedelta(days=1),
    )
    source.change(
        polling_interval=timedelta(hours=1),
        url=source.url,
        credentials_id=renewed,
        by=OFFICER,
        at=T0 + timedelta(days=2),
    )
    assert [type(e).__name__ for e in source.pending_events] == ["Connected", "Changed"]
    replayed = replay(source)
    assert replayed.credentials_id == renewed and replayed.polling_interval_seconds == 3600


def test_a_disconnected_source_is_changed_and_disconnected_no_more():
    source = connected()
    source.disconnect("Sidan avvecklas", by=MANAGER, at=T0 + timedelta(days=3))
    assert not replay(source).connected
    with pytest.raises(InvalidTransition):
        source.disconnect("igen", by=MANAGER, at=T0 + timedelta(days=4))
    with pytest.raises(InvalidTransition):
        source.change(
            polling_interval=timedelta(hours=1), url=None, credentials_id=SEALED, by=MANAGER, at=T0 + timedelta(days=4)
        )


POLLER = Actor("system:capture-poller", "capture poller", Role.CAPTURE_CLIENT, ORG)


def test_the_poller_stops_a_source_whose_token_was_refused_and_new_credentials_resume_it():
    source = connected()
    source.suspend("credentials_expired", "facebook page 104000000000001: (#190) expired", by=POLLER, at=T0)
    source.suspend("credentials_expired", "again", by=POLLER, at=T0)  # once is enough
    assert source.suspended_reason == "credentials_expired"
    source.change(polling_interval=timedelta(minutes=30), url=source.url, credentials_id=SEALED, by=MANAGER, at=T0)
    assert source.suspended_reason == "credentials_expired"  # the same credentials: still stopped
    source.change(polling_interval=timedelta(minutes=30), url=source.url, credentials_id=uuid4(), by=MANAGER, at=T0)
    kinds = [type(e).__name__ for e in source.pending_events]
    assert kinds == ["Connected", "Suspended", "Changed", "Changed", "Resumed"]
    assert replay(source).suspended_reason is None


def test_an_editor_cannot_stop_a_source():
    with pytest.raises(NotPermitted):
        connected().suspend("credentials_invalid", "refused", by=EDITOR, at=T0)


def test_a_capture_run_started_before_live_sources_reads_as_one_of_no_source():
    from domain.capture_run import CaptureRun

    state = {"channel_id": CHANNEL, "source_format": "generic", "file_name": "export.json", "sha256": "0" * 64,
             "account_id": None, "account_handle": None, "period_start": None, "period_end": None,
             "posts_complete": False, "complete_threads": []}  # fmt: skip
    CaptureRun.Started.upcast_v1_v2(state)
    assert state["source_id"] is None and CaptureRun.Started.class_version == 2


def test_a_records_officer_dismisses_a_failed_webhook_change_also_of_a_disconnected_source():
    source = connected()
    source.disconnect("sidan är nedlagd", MANAGER, T0)
    received = T0 - timedelta(hours=1)
    with pytest.raises(NotPermitted):
        source.dismiss_webhook_change("d-1", "facebook", received, "refused", "skräp", EDITOR, T0)
    with pytest.raises(InvalidValue):
        source.dismiss_webhook_change("d-1", "facebook", received, "refused", " ", OFFICER, T0)
    source.dismiss_webhook_change("d-1", "facebook", received, "refused: no post", "Inlägget är borta.", OFFICER, T0)
    dismissed = source.pending_events[-1]
    assert isinstance(dismissed, CaptureSource.WebhookChangeDismissed)
    assert (dismissed.delivery_id, dismissed.reason, dismissed.actor_name) == (
        "d-1",
        "Inlägget är borta.",
        "Rut Registrator",
    )
    assert replay(source).connected is False
