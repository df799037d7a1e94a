"""What a capture observes on the platform is recorded beside the body's own decisions: a run,
hidden and visible again, a comment edited by its author, an item gone from a complete capture."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from model_story import CAPTURE, EDITOR, T0, active_channel

from domain.capture_run import CaptureRun, RunCounts, RunSource
from domain.comment import Comment, Visibility
from domain.errors import InvalidTransition, NotPermitted
from domain.post import Post

T1 = T0 + timedelta(days=7)


def a_comment() -> tuple[Post, Comment]:
    channel = active_channel()
    post = Post.capture(uuid4(), channel, None, "fb_1", "Hej", T0, T0, None, "Sidan", by=CAPTURE, at=T0)
    comment = Comment.receive(uuid4(), post, "fb_1_1", "Kalle", "u1", "Först", T0, T0, by=CAPTURE, at=T0)
    return post, comment


def test_a_run_is_started_and_then_completed_or_failed_once():
    channel = active_channel()
    source = RunSource("generic", "export.json", "ab" * 32, posts_complete=True, complete_threads=("fb_1",))
    run = CaptureRun.start(uuid4(), channel.org_id, channel.id, source, by=CAPTURE, at=T0)
    run.complete(RunCounts(read=3, new=3), by=CAPTURE, at=T0)
    with pytest.raises(InvalidTransition):
        run.fail("too late", by=CAPTURE, at=T0)
    assert [type(e).__name__ for e in run.collect_events()] == ["Started", "Completed"]
    with pytest.raises(NotPermitted):
        CaptureRun.start(uuid4(), channel.org_id, channel.id, source, by=EDITOR, at=T0)


def test_platform_hiding_is_not_our_moderation_and_an_edit_keeps_both_texts():
    _, comment = a_comment()
    run_id = uuid4()
    comment.observe_visibility(True, run_id, T1, by=CAPTURE, at=T1)
    assert comment.platform_hidden and comment.visibility is Visibility.VISIBLE
    with pytest.raises(InvalidTransition):
        comment.observe_visibility(True, run_id, T1, by=CAPTURE, at=T1)
    comment.capture_edit("Ändrad", T1 - timedelta(hours=1), run_id, T1, by=CAPTURE, at=T1)
    edit = comment.collect_events()[-1]
    assert (edit.text_before, edit.text_after, edit.occurred_at) == ("Först", "Ändrad", T1 - timedelta(hours=1))


def test_an_observed_deletion_names_both_runs_and_is_observed_once():
    post, _ = a_comment()
    seen_in, missing_in = uuid4(), uuid4()
    post.observe_deletion(missing_in, seen_in, T0, T1, None, by=CAPTURE, at=T1)
    event = post.collect_events()[-1]
    assert (event.run_id, event.last_seen_run_id, event.last_seen_at, event.missing_at) == (missing_in, seen_in, T0, T1)
    assert post.observed_deleted and not post.deleted
    with pytest.raises(InvalidTransition):
        post.observe_deletion(missing_in, seen_in, T0, T1, None, by=CAPTURE, at=T1)
