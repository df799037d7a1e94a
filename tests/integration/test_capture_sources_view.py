"""The register of live sources: a connected source is found by its channel, its organisation and
its platform account (as a webhook names it); a changed one shows its new interval; a disconnected
one stays listed as disconnected and is no longer among those polled or found by account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from domain.actors import Actor, Role
from domain.capture_source import CaptureSource

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_sources_are_found_by_channel_organisation_and_account_until_disconnected(runtime):
    org, channel = uuid4(), uuid4()
    manager = Actor("anna", "Anna Chef", Role.MANAGER, org)
    page = CaptureSource.connect(
        uuid4(), org, channel, "facebook", "facebook_page", platform_id="104000000000001",
        url=None, polling_interval=timedelta(minutes=15), credentials_id=uuid4(), by=manager, at=T0,
    )  # fmt: skip
    runtime.app.save(page)
    page.change(polling_interval=timedelta(hours=1), url=None, credentials_id=page.credentials_id, by=manager, at=T0)
    recording = runtime.app.save(page)
    runtime.views.wait_for("capture_sources", recording[-1].notification.id)
    view = runtime.views.capture_sources

    [row] = view.connected_to_account("facebook_page", "104000000000001")
    assert (row["source_id"], row["channel_id"], row["polling_interval_seconds"]) == (page.id, channel, 3600)
    assert [r["source_id"] for r in view.of_channel(channel)] == [page.id]
    assert [r["source_id"] for r in view.of_organisation(org, connected_only=True)] == [page.id]

    page.disconnect("the page was closed", by=manager, at=T0 + timedelta(days=1))
    recording = runtime.app.save(page)
    runtime.views.wait_for("capture_sources", recording[-1].notification.id)
    assert view.connected_to_account("facebook_page", "104000000000001") == []
    assert page.id not in [r["source_id"] for r in view.connected()]
    [gone] = view.of_channel(channel)
    assert (gone["connected"], gone["disconnect_reason"]) == (False, "the page was closed")
