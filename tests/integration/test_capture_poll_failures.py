"""A live source that fails: throttling waited out as the platform asks (and counted: answers and
seconds, in the source's row and in /metrics, kept for the next process), a longer wait ending the
poll with a failed run and the next poll put off; an expired token stopping the source's polling
(shown as failing, with the reason and the last good capture) until a manager gives it a new one;
a second connection of the same account refused; each failure a log line without the token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import staff
from fake_platform import wire
from live_story import fake
from source_story import PAGE, given_a_source

from domain.secret import Secret
from kanalarkiv.adapters.credentials import Credentials
from kanalarkiv.application.context import acting_as
from kanalarkiv.application.outcomes import AlreadyExists
from kanalarkiv.application.poller import Poller

__all__ = ["fake"]


def test_a_429_is_waited_out_as_its_retry_after_says(runtime, fake, clock):
    source = given_a_source(runtime, fake, "facebook_page", clock)
    source.kind.first(fake)
    fake.fail("/feed", wire.too_many("7"))
    outcome = source.poll()
    assert outcome.outcome == "completed" and source.slept == [7.0]


def test_the_time_a_source_spent_throttled_shows_in_its_row_and_in_metrics(runtime, fake, clock, client, open_runtime):
    source = given_a_source(runtime, fake, "facebook_page", clock)
    source.kind.first(fake)
    fake.fail("/feed", wire.too_many("7"), wire.graph_error(4), wire.status(503))  # code 4 names no wait: 4 s
    assert source.poll().outcome == "completed" and source.slept == [7.0, 4.0, 8.0]  # a 503 is no throttling
    fake.fail("/feed", wire.too_many("3600"))  # longer than the policy waits: counted, not waited
    assert source.poll().outcome == "failed"
    assert source.poll().outcome == "completed"  # nothing throttled: nothing added

    manager = staff(runtime, role="manager")
    row = client.get(f"/v1/capture-sources/{source.source_id}", params={"wait_for_position": runtime.head()},
                     headers=manager.headers).json()  # fmt: skip
    assert (row["throttled_responses"], row["throttled_seconds"]) == (3, 11.0)
    labels = f'channel_id="{source.channel_id}",kind="facebook_page",source_id="{source.source_id}"'
    metrics = client.get("/metrics").text
    assert f"kanalarkiv_capture_source_throttled_responses_total{{{labels}}} 3.0" in metrics
    assert f"kanalarkiv_capture_source_throttled_seconds_total{{{labels}}} 11.0" in metrics

    restarted = open_runtime(True)  # another process, or this one after a restart
    restarted.views.wait_for("capture_sources", runtime.head())
    [again] = restarted.views.capture_sources.listing(source.org_id, source_id=source.source_id)
    assert (again["throttled_responses"], again["throttled_seconds"]) == (3, 11.0)


def test_a_wait_longer_than_allowed_records_a_failed_run_and_puts_the_next_poll_off(runtime, fake, clock):
    source = given_a_source(runtime, fake, "facebook_page", clock)
    source.kind.first(fake)
    fake.fail("/feed", wire.too_many("3600"))
    outcome = source.poll()
    assert (outcome.outcome, outcome.reason) == ("failed", "rate_limited")
    assert outcome.next_poll_at - clock() > timedelta(minutes=59)
    row = source.caught_up()
    assert row["state"] == "failing" and row["last_run_error"].startswith("rate_limited:")
    assert runtime.views.capture_runs.run(outcome.run_id)["status"] == "failed"

    assert Poller(runtime.app, runtime.views).poll_due() == []  # not due before the hour is up
    clock.advance(hours=1)
    [recovered] = Poller(runtime.app, runtime.views).poll_due()
    assert recovered.outcome == "completed" and source.caught_up()["state"] == "ok"


def test_an_expired_token_stops_the_source_until_a_manager_gives_it_a_new_one(runtime, fake, clock, capfd):
    source = given_a_source(runtime, fake, "facebook_page", clock)
    source.kind.first(fake)
    good = source.poll()
    fake.facebook.token_error = 463
    capfd.readouterr()
    stopped = source.poll()
    assert (stopped.outcome, stopped.reason) == ("suspended", "credentials_expired")
    logged = capfd.readouterr().err
    assert "capture_source_failing" in logged and "credentials_expired" in logged
    assert fake.facebook.token not in logged
    source.caught_up()
    [failing] = runtime.views.capture_sources.listing(source.org_id, state="failing")
    assert failing["suspended_reason"] == "credentials_expired" and failing["last_success_at"] is not None
    assert failing["last_run_id"] == stopped.run_id != good.run_id

    clock.advance(hours=2)
    assert Poller(runtime.app, runtime.views).poll_due() == []  # a stopped source is not polled

    fake.facebook.token_error = None
    fake.facebook.token = "fake-graph-token-renewed"
    with acting_as(source.manager):
        runtime.app.change_capture_source(
            source.source_id, credentials=Credentials(access_token=Secret(fake.facebook.token))
        )
    assert source.caught_up()["suspended_reason"] is None
    [resumed] = Poller(runtime.app, runtime.views).poll_due()
    assert resumed.outcome == "completed" and source.caught_up()["state"] == "ok"


def test_an_account_already_connected_cannot_be_connected_again_until_it_is_disconnected(runtime, fake, clock):
    source = given_a_source(runtime, fake, "facebook_page", clock)
    again = {"platform_id": PAGE, "url": None, "polling_interval": timedelta(minutes=15)}
    with acting_as(source.manager), pytest.raises(AlreadyExists, match=r"platform_id: .* already connected"):
        runtime.app.connect_capture_source(
            source.channel_id, "facebook_page", **again, credentials=Credentials(access_token=Secret("x-token"))
        )
    with acting_as(source.manager):
        runtime.app.disconnect_capture_source(source.source_id, "moved to a new channel")
        reconnected = runtime.app.connect_capture_source(
            source.channel_id, "facebook_page", **again, credentials=Credentials(access_token=Secret("x-token"))
        )
    assert reconnected.id != source.source_id


def test_a_disconnected_source_s_credentials_are_destroyed(runtime, fake, clock):
    source = given_a_source(runtime, fake, "facebook_page", clock)
    credentials_id = runtime.app.get_capture_source(source.source_id).credentials_id
    with acting_as(source.manager):
        runtime.app.disconnect_capture_source(source.source_id, "the page was closed")
    with runtime.app.datastore.get_connection() as conn:
        row = conn.execute("SELECT sealed FROM capture_credentials WHERE credentials_id = %s", (credentials_id,))
        assert row.fetchone()["sealed"] is None


def test_the_runtime_starts_the_poller_with_its_workers(open_runtime):
    runtime = open_runtime(True)
    assert runtime.poller is None  # the tests' settings leave it off
    from kanalarkiv.runtime import Runtime

    started = Runtime.open(runtime.settings, run_poller=True, url=runtime.database_url)
    try:
        assert started.poller is not None and started.poller.is_alive()
    finally:
        started.close()
    assert not started.poller.is_alive()


def test_a_poll_that_crashes_is_logged_and_put_off_to_the_source_s_interval(runtime, fake, clock, capfd, monkeypatch):
    source = given_a_source(runtime, fake, "facebook_page", clock)
    source.kind.first(fake)
    calls = []

    def crash(*args, **kwargs):
        calls.append(args)
        raise RuntimeError("a bug of ours, not the platform's trouble")

    monkeypatch.setattr(runtime.app, "import_capture_bundle", crash)
    capfd.readouterr()
    poller = Poller(runtime.app, runtime.views)
    assert poller.poll_due() == [] and "capture_poll_crashed" in capfd.readouterr().err
    assert poller.poll_due() == [] and len(calls) == 1  # not again at the next tick
    clock.advance(minutes=16)
    poller.poll_due()
    assert len(calls) == 2


THROTTLED = {
    "facebook_page": "/feed",
    "instagram_account": "/media",
    "youtube_channel": "/commentThreads",
    "linkedin_organization": "/rest/posts",
    "feed": "/feed.xml",
}


def refuse_the_token(fake, kind: str) -> str:
    """The platform's way of refusing an expired or revoked token; the reason it is read as."""
    if kind in ("facebook_page", "instagram_account"):
        (fake.facebook if kind == "facebook_page" else fake.instagram).token_error = 463
        return "credentials_expired"
    if kind == "linkedin_organization":
        fake.linkedin.token_error = 65602
        return "credentials_expired"
    fake.youtube.token_refused = True  # Google answers 401 without saying why
    return "credentials_invalid"


@pytest.mark.parametrize("kind", sorted(THROTTLED))
def test_every_kind_waits_out_a_429_as_its_retry_after_says(runtime, fake, clock, kind):
    source = given_a_source(runtime, fake, kind, clock)
    source.kind.first(fake)
    fake.fail(THROTTLED[kind], wire.too_many("3"))
    assert source.poll().outcome == "completed" and source.slept == [3.0]


@pytest.mark.parametrize("kind", ["facebook_page", "instagram_account", "youtube_channel", "linkedin_organization"])
def test_every_kind_with_a_token_stops_when_it_is_refused_and_shows_as_failing(runtime, fake, clock, kind):
    source = given_a_source(runtime, fake, kind, clock)
    source.kind.first(fake)
    source.poll()
    reason = refuse_the_token(fake, kind)
    stopped = source.poll()
    assert (stopped.outcome, stopped.reason) == ("suspended", reason)
    row = source.caught_up()
    assert (row["state"], row["suspended_reason"]) == ("failing", reason) and row["last_success_at"]
