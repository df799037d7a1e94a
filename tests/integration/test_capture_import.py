"""A records officer's story of capture runs: each import of a platform export is a run on record;
a second import tells what changed — edits, and comments gone from a complete capture — and a
file that is not what it says records nothing but its failed run."""

from __future__ import annotations

import json
import re
import zipfile

import pytest
from capture_story import (
    X_ACCOUNT,
    generic_export,
    given_a_channel,
    two_comments_gone_and_one_edited,
    x_archive_copy,
)

from kanalarkiv.application.capture_import import ImportRefused


def test_an_x_archive_records_its_tweets_edits_and_the_accounts_own_deletions(runtime, tmp_path):
    channel = given_a_channel(runtime, X_ACCOUNT)
    before = runtime.head()
    first = channel.import_(x_archive_copy(tmp_path), "x-archive")

    c = first.counts
    assert (c.read, c.new, c.edited, c.account_deleted, c.deletions_observed) == (5, 4, 1, 1, 0)
    assert channel.events_since(before) == [
        "CaptureRun.Started",
        *["Post.Published"] * 3,
        "Post.Edited",
        "Post.Published",
        "Post.Deleted",
        "CaptureRun.Completed",
    ]
    runtime.views.wait_for("capture_runs", first.position)
    [run] = runtime.views.capture_runs.runs_of(channel.channel_id)
    assert (run["status"], run["account_handle"], run["posts_complete"], run["new"]) == (
        "completed",
        "valdemarsvik",
        True,
        4,
    )


def test_a_re_import_records_nothing_new(runtime, tmp_path):
    channel = given_a_channel(runtime, X_ACCOUNT)
    archive = x_archive_copy(tmp_path)
    runtime.views.wait_for("capture_runs", channel.import_(archive, "x-archive").position)
    before = runtime.head()

    again = channel.import_(archive, "x-archive")

    assert (again.counts.new, again.counts.edited, again.counts.account_deleted, again.counts.unchanged) == (0, 0, 0, 4)
    assert channel.events_since(before) == ["CaptureRun.Started", "CaptureRun.Completed"]


def test_a_second_import_shows_exactly_two_comments_gone_and_one_edited(runtime, tmp_path):
    channel = given_a_channel(runtime)
    first = channel.import_(generic_export(tmp_path, "january.json"), "generic")
    runtime.views.wait_for("capture_runs", first.position)
    runtime.app.clock.advance(days=7)

    second = channel.import_(generic_export(tmp_path, "february.json", two_comments_gone_and_one_edited), "generic")

    assert (second.counts.deletions_observed, second.counts.edited, second.counts.new) == (2, 1, 0)
    runtime.views.wait_for("capture_runs", second.position)
    gone = runtime.views.capture_runs.observed_deletions(channel.channel_id, since=None)
    assert sorted(row["platform_id"] for row in gone) == ["fb_1_2", "fb_1_3"]
    assert {(row["last_seen_run_id"], row["run_id"]) for row in gone} == {(first.run_id, second.run_id)}
    runtime.views.wait_for("audit_trail", second.position)
    trail = runtime.views.audit_trail.history(gone[0]["record_id"])
    assert trail[-1]["event_type"] == "DeletionObserved" and str(first.run_id) in trail[-1]["summary"]
    runtime.views.wait_for("channel_content", second.position)
    edited = next(row for row in gone if row) and runtime.views.channel_content.comments_on(
        gone[0]["parent_key"], visible_only=False
    )
    assert [c["text"] for c in edited if c["platform_comment_id"] == "fb_1_1"] == ["Äntligen! Tack till personalen."]


def test_no_deletion_is_observed_where_the_source_is_not_complete(runtime, tmp_path):
    channel = given_a_channel(runtime)
    runtime.views.wait_for("capture_runs", channel.import_(generic_export(tmp_path, "a.json"), "generic").position)

    def bounded(export: dict) -> None:
        two_comments_gone_and_one_edited(export)
        del export["completeness"]

    second = channel.import_(generic_export(tmp_path, "b.json", bounded), "generic")
    assert (second.counts.deletions_observed, second.counts.edited) == (0, 1)


def graph_feed(tmp_path, name: str, replies: list[str], more_replies: bool) -> object:
    """A Page's feed saved from the Graph API: one post, its comments edge whole (no ``next``),
    one comment with ``replies``; ``more_replies``: the reply edge goes on (``paging.next``)."""
    someone = {"from": {"name": "Karin Kommenterare", "id": "900000000000001"}}
    reply_edge: dict = {"data": [{"id": f"2_{r}", "message": f"Svar {r}", "created_time": "2026-02-20T10:00:00+0000"}
                                 | someone for r in replies], "paging": {"cursors": {"after": "QVFI"}}}  # fmt: skip
    if more_replies:
        reply_edge["paging"]["next"] = "https://graph.facebook.com/v21.0/2_100/comments?after=QVFI"
    comment = {"id": "2_100", "message": "När öppnar badet?", "created_time": "2026-02-20T09:30:00+0000",
               "comments": reply_edge} | someone  # fmt: skip
    post = {"id": "104857600000001_2", "message": "Badet öppnar i juni", "created_time": "2026-02-20T09:00:00+0000",
            "comments": {"data": [comment], "paging": {"cursors": {"after": "QVFH"}}}} | someone  # fmt: skip
    path = tmp_path / name
    path.write_text(json.dumps({"data": [post], "paging": {"cursors": {"after": "QVFG"}}}), encoding="utf-8")
    return path


def test_replies_missing_under_a_reply_edge_that_goes_on_are_not_taken_as_deleted(runtime, tmp_path):
    channel = given_a_channel(runtime)
    first = channel.import_(graph_feed(tmp_path, "march.json", ["101", "102", "103"], False), "facebook-graph")
    runtime.views.wait_for("capture_runs", first.position)

    # The post's comments are whole, but the comment's replies were saved only in part.
    second = channel.import_(graph_feed(tmp_path, "april.json", ["101"], True), "facebook-graph")

    assert (second.counts.deletions_observed, second.counts.unchanged) == (0, 3)
    runtime.views.wait_for("capture_runs", second.position)
    assert runtime.views.capture_runs.observed_deletions(channel.channel_id, since=None) == []


def youtube_listing(tmp_path, channel: str, comments: tuple[str, ...] = ("Ug1",), name: str = "") -> object:
    """A channel's video and these comments on it, the threads saved with their requests (all
    three statuses, each to its last page): the listings name the channel they are of."""
    snippet = {"publishedAt": "2026-02-20T09:00:00Z", "channelTitle": "Valdemarsviks kommun", "title": "Budget"}
    videos = {"kind": "youtube#videoListResponse", "items": [{"id": "vid1", "snippet": snippet}]}
    top = {"snippet": {"videoId": "vid1", "authorDisplayName": "@invånare", "textOriginal": "Varför?",
                       "publishedAt": "2026-02-20T10:00:00Z"}}  # fmt: skip
    threads = [{"id": c, "snippet": {"videoId": "vid1", "topLevelComment": top | {"id": c}, "totalReplyCount": 0}}
               for c in comments]  # fmt: skip
    pages = [{"request": f"commentThreads?allThreadsRelatedToChannelId={channel}&moderationStatus={status}",
              "response": {"kind": "youtube#commentThreadListResponse",
                           "items": threads if status == "published" else []}}
             for status in ("published", "heldForReview", "likelySpam")]  # fmt: skip
    folder = tmp_path / (name or channel)
    folder.mkdir()
    (folder / "1-videos.json").write_text(json.dumps(videos), encoding="utf-8")
    (folder / "2-threads.json").write_text(json.dumps(pages), encoding="utf-8")
    return folder


def test_a_youtube_listing_of_another_channel_than_the_earlier_ones_is_refused(runtime, tmp_path):
    channel = given_a_channel(runtime, {"platform": "youtube", "url": "https://www.youtube.com/@valdemarsvik"})
    first = channel.import_(youtube_listing(tmp_path, "UCvaldemarsvik"), "youtube")
    runtime.views.wait_for("capture_runs", first.position)
    with pytest.raises(
        ImportRefused, match="account UCnorrkoping; the channel's earlier captures are of UCvaldemarsvik"
    ):
        channel.import_(youtube_listing(tmp_path, "UCnorrkoping"), "youtube")


def test_a_youtube_listing_saved_to_its_last_pages_observes_a_comment_gone(runtime, tmp_path):
    channel = given_a_channel(runtime, {"platform": "youtube", "url": "https://www.youtube.com/@valdemarsvik"})
    first = channel.import_(youtube_listing(tmp_path, "UCvaldemarsvik", ("Ug1", "Ug2")), "youtube")
    runtime.views.wait_for("capture_runs", first.position)
    second = channel.import_(youtube_listing(tmp_path, "UCvaldemarsvik", ("Ug1",), "later"), "youtube")
    assert (second.counts.deletions_observed, second.counts.unchanged) == (1, 2)


def test_a_dry_run_reports_what_would_change_and_records_nothing(runtime, tmp_path):
    channel = given_a_channel(runtime)
    before = runtime.head()
    dry = channel.import_(generic_export(tmp_path), "generic", dry_run=True)
    assert (dry.run_id, dry.counts.new, dry.counts.read) == (None, 6, 6)
    assert runtime.head() == before


def test_a_truncated_file_records_only_its_failed_run(runtime, tmp_path):
    channel = given_a_channel(runtime)
    path = generic_export(tmp_path)
    path.write_bytes(path.read_bytes()[:900])
    before = runtime.head()
    with pytest.raises(ImportRefused, match=r"file: export.json line \d+.*truncated") as refused:
        channel.import_(path, "generic")
    assert channel.events_since(before) == ["CaptureRun.Started", "CaptureRun.Failed"]
    runtime.views.wait_for("capture_runs", refused.value.position)
    [run] = runtime.views.capture_runs.runs_of(channel.channel_id)
    assert run["status"] == "failed" and "truncated" in run["error"]


def test_an_item_the_rules_refuse_late_in_the_file_stops_it_before_anything_is_saved(runtime, tmp_path):
    channel = given_a_channel(runtime)

    def comment_on_nowhere(export: dict) -> None:
        export["comments"][-1]["post_platform_id"] = "fb_nowhere"

    before = runtime.head()
    with pytest.raises(ImportRefused, match=r"comments\[3\].*fb_nowhere"):
        channel.import_(generic_export(tmp_path, change=comment_on_nowhere), "generic")
    assert channel.events_since(before) == ["CaptureRun.Started", "CaptureRun.Failed"]


def test_an_export_of_another_account_is_refused(runtime, tmp_path):
    channel = given_a_channel(runtime, X_ACCOUNT | {"url": "https://x.com/norrkoping"})
    with pytest.raises(
        ImportRefused, match=re.escape("account @valdemarsvik, but the channel is https://x.com/norrkoping")
    ):
        channel.import_(x_archive_copy(tmp_path), "x-archive")


def test_a_zip_reaching_outside_itself_is_refused_and_a_wrong_format_named(runtime, tmp_path):
    channel = given_a_channel(runtime)
    evil = tmp_path / "export.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../../export.json", "{}")
    with pytest.raises(ImportRefused, match="path traversal"):
        channel.import_(evil, "generic")
    with pytest.raises(ImportRefused, match="not an X archive"):
        channel.import_(generic_export(tmp_path), "x-archive")
