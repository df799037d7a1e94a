"""A channel's live source polled: each kind's first poll captures what the platform holds, the
second its edits, hides and the deletions the platform confirms when asked directly (one it does
not confirm is not recorded, and is asked about again next time); each run names its source."""

from __future__ import annotations

import pytest
from live_story import fake
from source_story import KINDS, PAGE, given_a_source
from waiting import eventually

from domain.post import platform_record_id
from kanalarkiv.application import capture_changes
from kanalarkiv.application.poller import Poller

__all__ = ["fake"]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_first_poll_and_a_second_with_an_edit_a_hide_and_a_confirmed_deletion(runtime, fake, clock, kind):
    source = given_a_source(runtime, fake, kind, clock)
    ids = source.kind.first(fake)

    first = source.poll()
    assert first.outcome == "completed" and first.counts.new >= 2 and first.counts.deletions_observed == 0
    source.caught_up()
    assert runtime.views.capture_runs.run(first.run_id)["status"] == "completed"

    source.kind.second(fake, ids)
    clock.advance(minutes=20)
    before = clock()
    second = source.poll()
    assert second.counts.edited == 1 and second.counts.new == 0
    assert second.counts.hidden == (1 if "hidden" in ids else 0)
    if source.kind.observes_deletions:
        assert source.observed_deletions() == {ids["deleted"]}  # the unconfirmed one is not among them
    else:
        assert source.observed_deletions() == set()  # a feed is a window: nothing is taken as deleted
    row = source.caught_up()
    assert (row["state"], row["runs_completed"], row["last_run_id"]) == ("ok", 2, second.run_id)
    assert row["found_edited"] == 1 and row["last_success_at"] > before


@pytest.mark.parametrize("kind", ["facebook_page", "instagram_account", "youtube_channel"])
def test_an_item_the_platform_still_has_is_asked_about_again_and_recorded_once_it_is_gone(runtime, fake, clock, kind):
    source = given_a_source(runtime, fake, kind, clock)
    ids = source.kind.first(fake)
    source.poll()
    source.kind.second(fake, ids)
    source.poll()
    asked = len(fake.requests)
    assert ids["unconfirmed"] not in source.observed_deletions()

    platform = {"facebook_page": fake.facebook, "instagram_account": fake.instagram}.get(kind, fake.youtube)
    platform.delete(ids["unconfirmed"])
    third = source.poll()
    assert third.counts.deletions_observed == 1 and len(fake.requests) > asked
    assert source.observed_deletions() == {ids["deleted"], ids["unconfirmed"]}


def test_a_video_with_a_thread_listed_only_in_part_observes_no_deletion_until_it_is_whole(runtime, fake, clock):
    source = given_a_source(runtime, fake, "youtube_channel", clock)
    source.kind.first(fake)
    source.poll()
    fake.youtube.delete("Ugtop1")
    fake.youtube.uncounted["Ugtop0"] = 1  # counts a reply that neither the thread nor comments.list gives

    partial = source.poll()
    asked = [request for request in fake.requests_to("/comments") if "id" in request.query]
    assert partial.counts.deletions_observed == 0 and asked == []  # nothing missing was even asked about

    del fake.youtube.uncounted["Ugtop0"]
    whole = source.poll()
    assert whole.counts.deletions_observed == 1 and source.observed_deletions() == {"Ugtop1"}


def test_each_run_names_the_source_it_read_and_a_file_import_names_none(runtime, fake, clock):
    source = given_a_source(runtime, fake, "facebook_page", clock)
    source.kind.first(fake)
    outcome = source.poll()
    [stored] = runtime.app.recorder.select_events(outcome.run_id, limit=1)
    event = runtime.app.mapper.to_domain_event(stored)
    assert event.source_id == source.source_id and event.source_format == "facebook-graph"
    assert event.actor_id == "system:capture-poller" and "Anna Chef" in event.actor_name


def test_an_unchanged_feed_is_not_read_again_and_records_no_run(runtime, fake, clock):
    source = given_a_source(runtime, fake, "feed", clock)
    source.kind.first(fake)
    source.poll()
    again = source.poll()
    assert again.outcome == "not_modified" and again.run_id is None
    assert fake.requests[-1].headers.get("if-none-match")
    row = source.caught_up()
    assert row["runs_completed"] == 1 and row["state"] == "ok"


def test_a_poll_killed_midway_is_run_again_without_duplicates_or_gaps(runtime, fake, clock, monkeypatch):
    source = given_a_source(runtime, fake, "facebook_page", clock)
    ids = source.kind.first(fake)
    source.poll()
    source.kind.second(fake, ids)
    fake.facebook.comment("2_110", f"{PAGE}_2", "Ny synpunkt", clock())
    monkeypatch.setattr(capture_changes, "LOOKUP_CHUNK", 2)

    class Killed(BaseException):
        """The process dies: no handler of ours runs."""

    def die_after_the_first_chunk(phase: str, read: int, stored: int) -> None:
        if phase == "recording" and stored:
            raise Killed

    with pytest.raises(Killed):
        source.poll(progress=die_after_the_first_chunk)
    row = source.caught_up()
    assert row["last_run_status"] == "started"  # the killed run: begun, never ended

    clock.advance(minutes=20)
    again = source.poll()
    assert again.outcome == "completed" and again.counts.deletions_observed == 1
    new_comment = platform_record_id("comment", source.channel_id, "2_110")
    assert len(runtime.app.recorder.select_events(new_comment)) == 1  # captured once, by whichever run got it
    assert source.observed_deletions() == {ids["deleted"]}
    assert source.caught_up()["runs_completed"] == 2


def test_the_worker_polls_a_connected_source_by_itself(runtime, fake, clock):
    source = given_a_source(runtime, fake, "feed", clock)
    source.kind.first(fake)
    worker = Poller(runtime.app, runtime.views, tick=0.01)
    worker.start()
    try:
        [run] = eventually(lambda: [r for r in runtime.views.capture_runs.runs_of(source.channel_id)
                                    if r["status"] == "completed"])  # fmt: skip
    finally:
        worker.stop()
    assert not worker.is_alive() and run["run_by_name"] == "capture poller"


class Killed(BaseException):
    """The process dies: no handler of ours runs."""


def die_after_the_first_chunk(phase: str, read: int, stored: int) -> None:
    if phase == "recording" and stored:
        raise Killed


def records_created(runtime) -> int:
    """Posts and comments created in the log (each record's first event), every one counted."""
    with runtime.app.datastore.get_connection() as conn:
        row = conn.execute(
            "SELECT count(*) AS n FROM kanalarkiv_events WHERE originator_version = 1"
            " AND (topic LIKE %s OR topic LIKE %s)",
            ("%Post.Published", "%Comment.Received"),
        ).fetchone()
    return row["n"]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_s_first_poll_killed_midway_is_completed_by_the_next_without_duplicates(
    runtime, fake, clock, monkeypatch, kind
):
    source = given_a_source(runtime, fake, kind, clock)
    source.kind.first(fake)
    monkeypatch.setattr(capture_changes, "LOOKUP_CHUNK", 1)
    with pytest.raises(Killed):
        source.poll(progress=die_after_the_first_chunk)
    saved = records_created(runtime)
    assert saved >= 1

    again = source.poll()
    assert again.outcome == "completed" and saved < again.counts.read  # killed midway: some were saved
    assert again.counts.unchanged == saved and again.counts.new == again.counts.read - saved
    assert records_created(runtime) == again.counts.read  # each item once
